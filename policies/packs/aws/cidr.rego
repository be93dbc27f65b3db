package aws

import rego.v1

# CIDR arithmetic that both embedded engines evaluate alike. regopy has no `net.*` built-ins and
# regorus no `pow`, so addresses become bit strings ("0101..." of length = prefix): the network of a
# CIDR is its first `prefix` bits (host bits set are ignored, as AWS does), A contains B when B's bits
# start with A's, and a block's share of its family's space is 2^-prefix, read from a table.
# The values (threshold, non-public ranges) come from network.data.yaml as data.aws_network; when
# they are missing every public address counts and the threshold is 0, so the rules fail closed.

network_config := data.aws_network if is_object(data.aws_network)

network_config := {} if not is_object(data.aws_network)

world_share := share if {
	share := object.get(network_config, "worldShare", 0)
	is_number(share)
	share >= 0
}

world_share := 0 if {
	share := object.get(network_config, "worldShare", 0)
	not valid_world_share(share)
}

valid_world_share(share) if {
	is_number(share)
	share >= 0
}

# Entries of the data that do not parse are ignored: less space is subtracted, which fails closed.
non_public_bits := {
	"4": {bits | some text in as_array(object.get(network_config, "nonPublicIpv4", [])); bits := ipv4_cidr_bits(text)},
	"6": {bits | some text in as_array(object.get(network_config, "nonPublicIpv6", [])); bits := ipv6_cidr_bits(text)},
}

# 2^-p for p = 0..128: a /p block's share of its family's address space.
half_powers := [
	1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125,
	0.015625, 0.0078125, 0.00390625, 0.001953125, 0.0009765625, 0.00048828125,
	0.000244140625, 0.0001220703125, 6.103515625e-05, 3.0517578125e-05, 1.52587890625e-05, 7.62939453125e-06,
	3.814697265625e-06, 1.9073486328125e-06, 9.5367431640625e-07, 4.76837158203125e-07, 2.384185791015625e-07, 1.1920928955078125e-07,
	5.960464477539063e-08, 2.9802322387695312e-08, 1.4901161193847656e-08, 7.450580596923828e-09, 3.725290298461914e-09, 1.862645149230957e-09,
	9.313225746154785e-10, 4.656612873077393e-10, 2.3283064365386963e-10, 1.1641532182693481e-10, 5.820766091346741e-11, 2.9103830456733704e-11,
	1.4551915228366852e-11, 7.275957614183426e-12, 3.637978807091713e-12, 1.8189894035458565e-12, 9.094947017729282e-13, 4.547473508864641e-13,
	2.2737367544323206e-13, 1.1368683772161603e-13, 5.684341886080802e-14, 2.842170943040401e-14, 1.4210854715202004e-14, 7.105427357601002e-15,
	3.552713678800501e-15, 1.7763568394002505e-15, 8.881784197001252e-16, 4.440892098500626e-16, 2.220446049250313e-16, 1.1102230246251565e-16,
	5.551115123125783e-17, 2.7755575615628914e-17, 1.3877787807814457e-17, 6.938893903907228e-18, 3.469446951953614e-18, 1.734723475976807e-18,
	8.673617379884035e-19, 4.336808689942018e-19, 2.168404344971009e-19, 1.0842021724855044e-19, 5.421010862427522e-20, 2.710505431213761e-20,
	1.3552527156068805e-20, 6.776263578034403e-21, 3.3881317890172014e-21, 1.6940658945086007e-21, 8.470329472543003e-22, 4.235164736271502e-22,
	2.117582368135751e-22, 1.0587911840678754e-22, 5.293955920339377e-23, 2.6469779601696886e-23, 1.3234889800848443e-23, 6.617444900424222e-24,
	3.308722450212111e-24, 1.6543612251060553e-24, 8.271806125530277e-25, 4.1359030627651384e-25, 2.0679515313825692e-25, 1.0339757656912846e-25,
	5.169878828456423e-26, 2.5849394142282115e-26, 1.2924697071141057e-26, 6.462348535570529e-27, 3.2311742677852644e-27, 1.6155871338926322e-27,
	8.077935669463161e-28, 4.0389678347315804e-28, 2.0194839173657902e-28, 1.0097419586828951e-28, 5.048709793414476e-29, 2.524354896707238e-29,
	1.262177448353619e-29, 6.310887241768095e-30, 3.1554436208840472e-30, 1.5777218104420236e-30, 7.888609052210118e-31, 3.944304526105059e-31,
	1.9721522630525295e-31, 9.860761315262648e-32, 4.930380657631324e-32, 2.465190328815662e-32, 1.232595164407831e-32, 6.162975822039155e-33,
	3.0814879110195774e-33, 1.5407439555097887e-33, 7.703719777548943e-34, 3.851859888774472e-34, 1.925929944387236e-34, 9.62964972193618e-35,
	4.81482486096809e-35, 2.407412430484045e-35, 1.2037062152420224e-35, 6.018531076210112e-36, 3.009265538105056e-36, 1.504632769052528e-36,
	7.52316384526264e-37, 3.76158192263132e-37, 1.88079096131566e-37, 9.4039548065783e-38, 4.70197740328915e-38, 2.350988701644575e-38,
	1.1754943508222875e-38, 5.877471754111438e-39, 2.938735877055719e-39,
]

zero_bits := concat("", ["0" | some _ in numbers.range(1, 128)])

hex_bits := {
	"0": "0000", "1": "0001", "2": "0010", "3": "0011", "4": "0100", "5": "0101", "6": "0110", "7": "0111",
	"8": "1000", "9": "1001", "a": "1010", "b": "1011", "c": "1100", "d": "1101", "e": "1110", "f": "1111",
}

# ::ffff:0:0/96: IPv6 addresses that embed an IPv4 address in their last 32 bits.
v4_mapped_bits := concat("", [substring(zero_bits, 0, 80), "1111111111111111"])

# Decimal octets and prefixes are looked up, not computed: a table admits exactly the canonical
# spellings (no leading zeros, which Python's ipaddress refuses too; regorus' to_number aborts on some
# spellings) and is several times faster than arithmetic on regopy.
octet_bits := {
	"0": "00000000", "1": "00000001", "2": "00000010", "3": "00000011", "4": "00000100", "5": "00000101", "6": "00000110", "7": "00000111",
	"8": "00001000", "9": "00001001", "10": "00001010", "11": "00001011", "12": "00001100", "13": "00001101", "14": "00001110", "15": "00001111",
	"16": "00010000", "17": "00010001", "18": "00010010", "19": "00010011", "20": "00010100", "21": "00010101", "22": "00010110", "23": "00010111",
	"24": "00011000", "25": "00011001", "26": "00011010", "27": "00011011", "28": "00011100", "29": "00011101", "30": "00011110", "31": "00011111",
	"32": "00100000", "33": "00100001", "34": "00100010", "35": "00100011", "36": "00100100", "37": "00100101", "38": "00100110", "39": "00100111",
	"40": "00101000", "41": "00101001", "42": "00101010", "43": "00101011", "44": "00101100", "45": "00101101", "46": "00101110", "47": "00101111",
	"48": "00110000", "49": "00110001", "50": "00110010", "51": "00110011", "52": "00110100", "53": "00110101", "54": "00110110", "55": "00110111",
	"56": "00111000", "57": "00111001", "58": "00111010", "59": "00111011", "60": "00111100", "61": "00111101", "62": "00111110", "63": "00111111",
	"64": "01000000", "65": "01000001", "66": "01000010", "67": "01000011", "68": "01000100", "69": "01000101", "70": "01000110", "71": "01000111",
	"72": "01001000", "73": "01001001", "74": "01001010", "75": "01001011", "76": "01001100", "77": "01001101", "78": "01001110", "79": "01001111",
	"80": "01010000", "81": "01010001", "82": "01010010", "83": "01010011", "84": "01010100", "85": "01010101", "86": "01010110", "87": "01010111",
	"88": "01011000", "89": "01011001", "90": "01011010", "91": "01011011", "92": "01011100", "93": "01011101", "94": "01011110", "95": "01011111",
	"96": "01100000", "97": "01100001", "98": "01100010", "99": "01100011", "100": "01100100", "101": "01100101", "102": "01100110", "103": "01100111",
	"104": "01101000", "105": "01101001", "106": "01101010", "107": "01101011", "108": "01101100", "109": "01101101", "110": "01101110", "111": "01101111",
	"112": "01110000", "113": "01110001", "114": "01110010", "115": "01110011", "116": "01110100", "117": "01110101", "118": "01110110", "119": "01110111",
	"120": "01111000", "121": "01111001", "122": "01111010", "123": "01111011", "124": "01111100", "125": "01111101", "126": "01111110", "127": "01111111",
	"128": "10000000", "129": "10000001", "130": "10000010", "131": "10000011", "132": "10000100", "133": "10000101", "134": "10000110", "135": "10000111",
	"136": "10001000", "137": "10001001", "138": "10001010", "139": "10001011", "140": "10001100", "141": "10001101", "142": "10001110", "143": "10001111",
	"144": "10010000", "145": "10010001", "146": "10010010", "147": "10010011", "148": "10010100", "149": "10010101", "150": "10010110", "151": "10010111",
	"152": "10011000", "153": "10011001", "154": "10011010", "155": "10011011", "156": "10011100", "157": "10011101", "158": "10011110", "159": "10011111",
	"160": "10100000", "161": "10100001", "162": "10100010", "163": "10100011", "164": "10100100", "165": "10100101", "166": "10100110", "167": "10100111",
	"168": "10101000", "169": "10101001", "170": "10101010", "171": "10101011", "172": "10101100", "173": "10101101", "174": "10101110", "175": "10101111",
	"176": "10110000", "177": "10110001", "178": "10110010", "179": "10110011", "180": "10110100", "181": "10110101", "182": "10110110", "183": "10110111",
	"184": "10111000", "185": "10111001", "186": "10111010", "187": "10111011", "188": "10111100", "189": "10111101", "190": "10111110", "191": "10111111",
	"192": "11000000", "193": "11000001", "194": "11000010", "195": "11000011", "196": "11000100", "197": "11000101", "198": "11000110", "199": "11000111",
	"200": "11001000", "201": "11001001", "202": "11001010", "203": "11001011", "204": "11001100", "205": "11001101", "206": "11001110", "207": "11001111",
	"208": "11010000", "209": "11010001", "210": "11010010", "211": "11010011", "212": "11010100", "213": "11010101", "214": "11010110", "215": "11010111",
	"216": "11011000", "217": "11011001", "218": "11011010", "219": "11011011", "220": "11011100", "221": "11011101", "222": "11011110", "223": "11011111",
	"224": "11100000", "225": "11100001", "226": "11100010", "227": "11100011", "228": "11100100", "229": "11100101", "230": "11100110", "231": "11100111",
	"232": "11101000", "233": "11101001", "234": "11101010", "235": "11101011", "236": "11101100", "237": "11101101", "238": "11101110", "239": "11101111",
	"240": "11110000", "241": "11110001", "242": "11110010", "243": "11110011", "244": "11110100", "245": "11110101", "246": "11110110", "247": "11110111",
	"248": "11111000", "249": "11111001", "250": "11111010", "251": "11111011", "252": "11111100", "253": "11111101", "254": "11111110", "255": "11111111",
}

prefix_numbers := {
	"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9, "10": 10, "11": 11, "12": 12, "13": 13, "14": 14, "15": 15,
	"16": 16, "17": 17, "18": 18, "19": 19, "20": 20, "21": 21, "22": 22, "23": 23, "24": 24, "25": 25, "26": 26, "27": 27, "28": 28, "29": 29, "30": 30, "31": 31,
	"32": 32, "33": 33, "34": 34, "35": 35, "36": 36, "37": 37, "38": 38, "39": 39, "40": 40, "41": 41, "42": 42, "43": 43, "44": 44, "45": 45, "46": 46, "47": 47,
	"48": 48, "49": 49, "50": 50, "51": 51, "52": 52, "53": 53, "54": 54, "55": 55, "56": 56, "57": 57, "58": 58, "59": 59, "60": 60, "61": 61, "62": 62, "63": 63,
	"64": 64, "65": 65, "66": 66, "67": 67, "68": 68, "69": 69, "70": 70, "71": 71, "72": 72, "73": 73, "74": 74, "75": 75, "76": 76, "77": 77, "78": 78, "79": 79,
	"80": 80, "81": 81, "82": 82, "83": 83, "84": 84, "85": 85, "86": 86, "87": 87, "88": 88, "89": 89, "90": 90, "91": 91, "92": 92, "93": 93, "94": 94, "95": 95,
	"96": 96, "97": 97, "98": 98, "99": 99, "100": 100, "101": 101, "102": 102, "103": 103, "104": 104, "105": 105, "106": 106, "107": 107, "108": 108, "109": 109, "110": 110, "111": 111,
	"112": 112, "113": 113, "114": 114, "115": 115, "116": 116, "117": 117, "118": 118, "119": 119, "120": 120, "121": 121, "122": 122, "123": 123, "124": 124, "125": 125, "126": 126, "127": 127,
	"128": 128,
}

# 32 bits of a dotted-quad address; undefined unless it is one.
ipv4_address_bits(text) := bits if {
	octets := split(text, ".")
	count(octets) == 4
	pieces := [piece | some i in numbers.range(0, 3); piece := octet_bits[octets[i]]]
	count(pieces) == 4
	bits := concat("", pieces)
}

cidr_prefix(text, max) := prefix if {
	prefix := prefix_numbers[text]
	prefix <= max
}

# The network bits of an IPv4 CIDR ("a.b.c.d/p"); undefined unless the value is one.
ipv4_cidr_bits(value) := substring(address, 0, prefix) if {
	is_string(value)
	parts := split(value, "/")
	count(parts) == 2
	prefix := cidr_prefix(parts[1], 32)
	address := ipv4_address_bits(parts[0])
}

hex_group_bits(group) := bits if {
	regex.match(`^[0-9a-f]{1,4}$`, group)
	padded := concat("", [substring("000", 0, 4 - count(group)), group])
	bits := concat("", [hex_bits[substring(padded, i, 1)] | some i in numbers.range(0, 3)])
}

# A group of an IPv6 address: four hex digits, or a dotted quad as its last group.
ipv6_piece_bits(group, _, _) := hex_group_bits(group) if regex.match(`^[0-9a-f]{1,4}$`, group)

ipv6_piece_bits(group, index, last) := ipv4_address_bits(group) if {
	index == last
	contains(group, ".")
}

# The bits of one side of "::" (or of a whole address without one); "" for an empty side.
ipv6_half_bits("", _) := ""

ipv6_half_bits(half, may_end_in_ipv4) := concat("", pieces) if {
	half != ""
	groups := split(half, ":")
	last := ipv4_tail_index(count(groups), may_end_in_ipv4)
	pieces := [piece | some i in numbers.range(0, count(groups) - 1); piece := ipv6_piece_bits(groups[i], i, last)]
	count(pieces) == count(groups)
}

ipv4_tail_index(groups, true) := groups - 1

ipv4_tail_index(_, false) := -1

ipv6_address_bits(halves) := bits if {
	count(halves) == 1
	bits := ipv6_half_bits(halves[0], true)
	count(bits) == 128
}

# "::" stands for at least one group of zeros.
ipv6_address_bits(halves) := concat("", [head, substring(zero_bits, 0, 128 - count(head) - count(tail)), tail]) if {
	count(halves) == 2
	head := ipv6_half_bits(halves[0], false)
	tail := ipv6_half_bits(halves[1], true)
	count(head) + count(tail) <= 112
}

# The network bits of an IPv6 CIDR; undefined unless the value is one.
ipv6_cidr_bits(value) := substring(address, 0, prefix) if {
	is_string(value)
	parts := split(lower(value), "/")
	count(parts) == 2
	prefix := cidr_prefix(parts[1], 128)
	address := ipv6_address_bits(split(parts[0], "::"))
}

# Blocks of one CIDR value as "<family>:<bits>", or "invalid" (a secret, an unknown, garbage).
# An IPv4-mapped IPv6 block is the IPv4 block it embeds; one containing all of ::ffff:0:0/96 also
# covers the whole IPv4 space.
cidr_blocks(value) := result if {
	# Parsed once: an unparsed value falls through to the trailing {"invalid"}.
	parsed := [blocks | blocks := cidr_parsed_blocks(value)]
	result := array.concat(parsed, [{"invalid"}])[0]
}

cidr_parsed_blocks(value) := {concat("", ["4:", bits])} if {
	is_string(value)
	not contains(value, ":")
	bits := ipv4_cidr_bits(value)
}

cidr_parsed_blocks(value) := ipv6_blocks(bits) if {
	is_string(value)
	contains(value, ":")
	bits := ipv6_cidr_bits(value)
}

ipv6_blocks(bits) := {concat("", ["4:", substring(bits, 96, count(bits) - 96)])} if startswith(bits, v4_mapped_bits)

ipv6_blocks(bits) := {concat("", ["6:", bits]), "4:"} if {
	not startswith(bits, v4_mapped_bits)
	startswith(v4_mapped_bits, bits)
}

ipv6_blocks(bits) := {concat("", ["6:", bits])} if {
	not startswith(bits, v4_mapped_bits)
	not startswith(v4_mapped_bits, bits)
}

cidr_list_blocks(cidrs) := {block | some value in cidrs; some block in cidr_blocks(value)}

# The blocks of one family that no other block of the list contains (nested ones are counted once).
outermost_bits(blocks, family) := outermost if {
	prefix := concat("", [family, ":"])
	family_bits := {substring(block, 2, count(block) - 2) | some block in blocks; startswith(block, prefix)}
	# Only the prefix lengths the list uses can hold an enclosing block: a handful, whatever its size.
	lengths := {count(bits) | some bits in family_bits}
	outermost := {bits | some bits in family_bits; not has_enclosing_block(bits, family_bits, lengths)}
}

has_enclosing_block(bits, all_bits, lengths) if {
	some length in lengths
	length < count(bits)
	substring(bits, 0, length) in all_bits
}

# Share of the family's space the blocks cover outside its non-public ranges (which do not overlap,
# so each is either inside a block, around it or apart from it).
public_covered(blocks, ranges) := sum(shares) if {
	shares := [share |
		some bits in blocks
		not inside_non_public(bits, ranges)
		share := half_powers[count(bits)] - sum([half_powers[count(range)] | some range in ranges; startswith(range, bits)])
	]
}

inside_non_public(bits, ranges) if {
	some range in ranges
	startswith(bits, range)
}

public_total(ranges) := 1 - sum([half_powers[count(range)] | some range in ranges])

# True when a list of CIDR values is, for practical purposes, the whole internet: one entry cannot be
# read, or the union covers more than `worldShare` of the public space of IPv4 or of IPv6.
cidr_list_is_world(cidrs) if cidr_blocks_are_world(cidr_list_blocks(cidrs))

cidr_blocks_are_world(blocks) if "invalid" in blocks

cidr_blocks_are_world(blocks) if {
	not "invalid" in blocks
	some family in ["4", "6"]
	ranges := non_public_bits[family]
	public_covered(outermost_bits(blocks, family), ranges) > world_share * public_total(ranges)
}

# A field that should hold a list of CIDRs: absent or null is no list; any other non-list (a secret,
# an unknown, one string) is one value, which fails closed unless it is a readable CIDR.
cidr_values(value) := value if is_array(value)

cidr_values(value) := [] if is_null(value)

cidr_values(value) := [value] if {
	not is_array(value)
	not is_null(value)
}

# A CIDR field that may be absent: "" and null mean absent too.
optional_cidr_values(value) := [] if value in {"", null}

optional_cidr_values(value) := cidr_values(value) if not value in {"", null}

# How a value appears in a message: strings as they are, anything else by its type.
cidr_text(value) := value if is_string(value)

cidr_text(value) := concat("", ["<", type_name(value), ">"]) if not is_string(value)

cidr_list_text(cidrs) := concat(", ", sort({cidr_text(value) | some value in cidrs}))

# Why a list is the world, in words, for the messages of the rules.
cidr_world_reason(cidrs) := concat("", ["contains a value that is not a readable CIDR and cannot be assessed (", cidr_list_text(cidrs), ")"]) if {
	"invalid" in cidr_list_blocks(cidrs)
}

cidr_world_reason(cidrs) := concat("", ["covers more than the allowed share of public address space (", cidr_list_text(cidrs), ")"]) if {
	not "invalid" in cidr_list_blocks(cidrs)
}
