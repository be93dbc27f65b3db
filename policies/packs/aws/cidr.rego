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

octet_weights := [128, 64, 32, 16, 8, 4, 2, 1]

# ::ffff:0:0/96: IPv6 addresses that embed an IPv4 address in their last 32 bits.
v4_mapped_bits := concat("", [substring(zero_bits, 0, 80), "1111111111111111"])

# Decimal numbers without leading zeros (Python's ipaddress refuses them; regorus' to_number aborts
# on some spellings, so nothing reaches it unchecked).
decimal_pattern := `^(0|[1-9][0-9]{0,2})$`

octet_bits(text) := bits if {
	regex.match(decimal_pattern, text)
	value := to_number(text)
	value <= 255
	bits := concat("", [substring("01", floor(value / weight) % 2, 1) | some weight in octet_weights])
}

# 32 bits of a dotted-quad address; undefined unless it is one.
ipv4_address_bits(text) := bits if {
	octets := split(text, ".")
	count(octets) == 4
	pieces := [piece | some i in numbers.range(0, 3); piece := octet_bits(octets[i])]
	count(pieces) == 4
	bits := concat("", pieces)
}

cidr_prefix(text, max) := prefix if {
	regex.match(decimal_pattern, text)
	prefix := to_number(text)
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
cidr_blocks(value) := {concat("", ["4:", bits])} if bits := ipv4_cidr_bits(value)

cidr_blocks(value) := ipv6_blocks(bits) if bits := ipv6_cidr_bits(value)

cidr_blocks(value) := {"invalid"} if {
	not ipv4_cidr_bits(value)
	not ipv6_cidr_bits(value)
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
	outermost := {bits | some bits in family_bits; not has_enclosing_block(bits, family_bits)}
}

has_enclosing_block(bits, all_bits) if {
	count(bits) > 0
	some length in numbers.range(0, count(bits) - 1)
	substring(bits, 0, length) in all_bits
}

# Share of the family's space the blocks cover outside its non-public ranges (which do not overlap,
# so each is either inside a block, around it or apart from it).
public_covered(blocks, family) := sum(shares) if {
	shares := [share |
		some bits in outermost_bits(blocks, family)
		not inside_non_public(bits, family)
		share := half_powers[count(bits)] - non_public_inside(bits, family)
	]
}

non_public_inside(bits, family) := sum([half_powers[count(range)] | some range in non_public_bits[family]; startswith(range, bits)])

inside_non_public(bits, family) if {
	some range in non_public_bits[family]
	startswith(bits, range)
}

public_total(family) := 1 - sum([half_powers[count(range)] | some range in non_public_bits[family]])

# True when a list of CIDR values is, for practical purposes, the whole internet: one entry cannot be
# read, or the union covers more than `worldShare` of the public space of IPv4 or of IPv6.
cidr_list_is_world(cidrs) if "invalid" in cidr_list_blocks(cidrs)

cidr_list_is_world(cidrs) if {
	blocks := cidr_list_blocks(cidrs)
	some family in ["4", "6"]
	public_covered(blocks, family) > world_share * public_total(family)
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
