package aws

import rego.v1

fx_ingress_rule(extra) := object.union(
	{
		"__type": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
		"__name": "nodes-https",
		"__urn": "urn:sg-rule",
		"ipProtocol": "tcp",
		"fromPort": 443,
		"toPort": 443,
		"cidrIpv4": "10.10.0.0/16",
	},
	extra,
)

fx_security_group(ingress) := {
	"__type": "aws:ec2/securityGroup:SecurityGroup",
	"__name": "bastion",
	"__urn": "urn:sg",
	"ingress": ingress,
}

fx_ssh_from(cidrs) := {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": cidrs}

fx_group_rule(extra) := object.union(
	{
		"__type": "aws:ec2/securityGroupRule:SecurityGroupRule",
		"__name": "bastion-ssh",
		"__urn": "urn:sg-rule-legacy",
		"type": "ingress",
		"protocol": "tcp",
		"fromPort": 22,
		"toPort": 22,
		"cidrBlocks": ["10.0.0.0/8"],
	},
	extra,
)

fx_nacl(entries) := {
	"__type": "aws:ec2/networkAcl:NetworkAcl",
	"__name": "public",
	"__urn": "urn:nacl",
	"ingress": entries,
}

fx_nacl_entry(extra) := object.union({"ruleNo": 100, "action": "allow", "protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlock": "0.0.0.0/0"}, extra)

fx_nacl_rule(extra) := object.union(
	{
		"__type": "aws:ec2/networkAclRule:NetworkAclRule",
		"__name": "public-in",
		"__urn": "urn:nacl-rule",
		"ruleNumber": 100,
		"egress": false,
		"ruleAction": "allow",
		"protocol": "tcp",
		"fromPort": 443,
		"toPort": 443,
		"cidrBlock": "0.0.0.0/0",
	},
	extra,
)

fx_unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# --- security groups: allowed ---

fixtures.deny_security_group_open_admin_ports_allow_internal_ssh := fx_ingress_rule({"fromPort": 22, "toPort": 22})

fixtures.deny_security_group_open_admin_ports_allow_public_https := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0"})

fixtures.deny_security_group_open_admin_ports_allow_public_https_string_ports := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "fromPort": "443", "toPort": "443"})

fixtures.deny_security_group_open_admin_ports_allow_small_public_allow_list := fx_ingress_rule({"cidrIpv4": "52.94.76.0/22", "fromPort": 22, "toPort": 22})

# A /11 of public space (0.06 %) stays below the default 0.1 % share.
fixtures.deny_security_group_open_admin_ports_allow_block_below_world_share := fx_security_group([fx_ssh_from(["3.0.0.0/11"])])

fixtures.deny_security_group_open_admin_ports_allow_icmp_from_world := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "ipProtocol": "icmp", "fromPort": 8, "toPort": 0})

fixtures.deny_security_group_open_admin_ports_allow_udp_from_world := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "ipProtocol": "17", "fromPort": 0, "toPort": 65535})

fixtures.deny_security_group_open_admin_ports_allow_prefix_list_source := fx_ingress_rule({"cidrIpv4": "", "prefixListId": "pl-123", "fromPort": 22, "toPort": 22})

fixtures.deny_security_group_open_admin_ports_allow_egress_rule := fx_group_rule({"type": "egress", "protocol": "-1", "cidrBlocks": ["0.0.0.0/0"]})

fixtures.deny_security_group_open_admin_ports_allow_ipv6_documentation_range := fx_ingress_rule({"cidrIpv4": "", "cidrIpv6": "2001:DB8::/32", "fromPort": 22, "toPort": 22})

# --- security groups: denied ---

fixtures.deny_security_group_open_admin_ports_deny_world_ssh := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "fromPort": 22, "toPort": 22})

fixtures.deny_security_group_open_admin_ports_deny_ipv6_range_covering_rdp := fx_ingress_rule({"cidrIpv4": "", "cidrIpv6": "::/0", "fromPort": 3000, "toPort": 4000})

fixtures.deny_security_group_open_admin_ports_deny_all_protocols := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "ipProtocol": "-1", "fromPort": 0, "toPort": 0})

fixtures.deny_security_group_open_admin_ports_deny_all_protocols_number := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "ipProtocol": -1, "fromPort": -1, "toPort": -1})

fixtures.deny_security_group_open_admin_ports_deny_other_protocol_opens_all_ports := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "ipProtocol": "132"})

fixtures.deny_security_group_open_admin_ports_deny_inline_ingress := fx_security_group([{"protocol": "tcp", "fromPort": 6443, "toPort": 6443, "cidrBlocks": ["0.0.0.0/0"]}])

fixtures.deny_security_group_open_admin_ports_deny_world_as_halves := fx_security_group([fx_ssh_from(["0.0.0.0/1", "128.0.0.0/1"])])

fixtures.deny_security_group_open_admin_ports_deny_world_as_256_rules := fx_security_group([rule |
	some i in numbers.range(0, 255)
	rule := fx_ssh_from([sprintf("%d.0.0.0/8", [i])])
])

# Sixteen /12s, each below the world share, together a /8 (0.45 % of public IPv4).
fixtures.deny_security_group_open_admin_ports_deny_world_only_as_union := fx_security_group([rule |
	some i in numbers.range(0, 15)
	rule := fx_ssh_from([sprintf("3.%d.0.0/12", [16 * i])])
])

fixtures.deny_security_group_open_admin_ports_deny_long_ipv6_spelling := fx_ingress_rule({"cidrIpv4": "", "cidrIpv6": "0:0:0:0:0:0:0:0/0", "fromPort": 22, "toPort": 22})

fixtures.deny_security_group_open_admin_ports_deny_zero_padded_ipv6 := fx_ingress_rule({"cidrIpv4": "", "cidrIpv6": "0000::/0", "fromPort": 22, "toPort": 22})

fixtures.deny_security_group_open_admin_ports_deny_ipv6_zero_group := fx_security_group([{"protocol": "tcp", "fromPort": 22, "toPort": 22, "ipv6CidrBlocks": ["::0/0"]}])

fixtures.deny_security_group_open_admin_ports_deny_ipv4_mapped_ipv6 := fx_ingress_rule({"cidrIpv4": "", "cidrIpv6": "::ffff:0.0.0.0/96", "fromPort": 22, "toPort": 22})

fixtures.deny_security_group_open_admin_ports_deny_host_bits_set := fx_ingress_rule({"cidrIpv4": "8.8.8.8/0", "fromPort": 22, "toPort": 22})

fixtures.deny_security_group_open_admin_ports_deny_string_ports := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "fromPort": "22", "toPort": "22"})

fixtures.deny_security_group_open_admin_ports_deny_protocol_number_string := fx_group_rule({"protocol": "6", "cidrBlocks": ["0.0.0.0/0"]})

# The SDK sends integers as floats: 6.0 is TCP, 17.0 is UDP.
fixtures.deny_security_group_open_admin_ports_deny_protocol_as_float := fx_group_rule({"protocol": 6.0, "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["0.0.0.0/0"]})

fixtures.deny_security_group_open_admin_ports_allow_udp_as_float := fx_group_rule({"protocol": 17.0, "fromPort": 0.0, "toPort": 65535.0, "cidrBlocks": ["0.0.0.0/0"]})

fixtures.deny_security_group_open_admin_ports_deny_secret_cidr := fx_ingress_rule({"cidrIpv4": "[secret]", "fromPort": 22, "toPort": 22})

fixtures.deny_security_group_open_admin_ports_deny_unknown_cidr_list := fx_group_rule({"cidrBlocks": fx_unknown})

fixtures.deny_security_group_open_admin_ports_deny_secret_ingress_list := fx_security_group("[secret]")

fixtures.deny_security_group_open_admin_ports_deny_secret_ingress_entry := fx_security_group(["[secret]"])

fixtures.deny_security_group_open_admin_ports_deny_unreadable_ports := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "fromPort": "[secret]", "toPort": fx_unknown})

fixtures.deny_security_group_open_admin_ports_deny_unreadable_rule_type := fx_group_rule({"type": "[secret]", "cidrBlocks": ["::/0"]})

fixtures.deny_security_group_open_admin_ports_deny_jupyter_from_world := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "fromPort": 8888, "toPort": 8888})

fixtures.deny_security_group_open_admin_ports_deny_ray_dashboard_from_world := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "fromPort": 8265, "toPort": 8265})

fixtures.deny_security_group_open_admin_ports_deny_cloud_provider_slash_8 := fx_ingress_rule({"cidrIpv4": "3.0.0.0/8", "fromPort": 22, "toPort": 22})

# --- network ACLs ---

fixtures.deny_network_acl_open_admin_ports_allow_vpc_cidr_all_ports := fx_nacl([fx_nacl_entry({"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlock": "10.0.0.0/16"})])

fixtures.deny_network_acl_open_admin_ports_allow_world_https := fx_nacl([fx_nacl_entry({})])

fixtures.deny_network_acl_open_admin_ports_allow_deny_entry := fx_nacl([fx_nacl_entry({"action": "deny", "protocol": "-1"})])

fixtures.deny_network_acl_open_admin_ports_allow_egress_rule := fx_nacl_rule({"egress": true, "protocol": "-1"})

fixtures.deny_network_acl_open_admin_ports_allow_rule_world_https := fx_nacl_rule({})

fixtures.deny_network_acl_open_admin_ports_deny_world_all_traffic := fx_nacl([fx_nacl_entry({"protocol": "-1", "fromPort": 0, "toPort": 0})])

fixtures.deny_network_acl_open_admin_ports_deny_rule_ssh := fx_nacl_rule({"fromPort": 22, "toPort": 22})

fixtures.deny_network_acl_open_admin_ports_deny_rule_ipv6_all := fx_nacl_rule({"cidrBlock": "", "ipv6CidrBlock": "::/0", "protocol": "all"})

fixtures.deny_network_acl_open_admin_ports_deny_world_as_halves := fx_nacl([
	fx_nacl_entry({"ruleNo": 100, "cidrBlock": "0.0.0.0/1", "fromPort": 22, "toPort": 22}),
	fx_nacl_entry({"ruleNo": 110, "cidrBlock": "128.0.0.0/1", "fromPort": 22, "toPort": 22}),
])

fixtures.deny_network_acl_open_admin_ports_deny_string_protocol_and_ports := fx_nacl_rule({"protocol": "6", "fromPort": "3389", "toPort": "3389"})

fixtures.deny_network_acl_open_admin_ports_deny_secret_ingress := fx_nacl("[secret]")

fixtures.deny_network_acl_open_admin_ports_deny_unreadable_action := fx_nacl_rule({"ruleAction": "[secret]", "fromPort": 8265, "toPort": 8265})

# --- rule resources judged together per security group / ACL ---

fx_split_sg_rules(group_ids) := {"resources": [rule |
	some i in numbers.range(0, 15)
	rule := fx_ingress_rule({
		"__urn": sprintf("urn:sg-rule-%d", [i]),
		"securityGroupId": group_ids[i],
		"cidrIpv4": sprintf("3.%d.0.0/12", [16 * i]),
		"fromPort": 22,
		"toPort": 22,
	})
]}

fx_same_group := ["sg-0123" | some _ in numbers.range(0, 15)]

fx_own_group := [sprintf("sg-%d", [i]) | some i in numbers.range(0, 15)]

fx_unknown_group := [fx_unknown | some _ in numbers.range(0, 15)]

fixtures.stack_deny_split_ingress_open_admin_ports_allow_each_group_small := fx_split_sg_rules(fx_own_group)

fixtures.stack_deny_split_ingress_open_admin_ports_allow_small_allow_list := {"resources": [
	fx_ingress_rule({"__urn": "urn:a", "securityGroupId": "sg-1", "cidrIpv4": "52.94.76.0/22", "fromPort": 22, "toPort": 22}),
	fx_ingress_rule({"__urn": "urn:b", "securityGroupId": "sg-1", "cidrIpv4": "52.94.80.0/22", "fromPort": 22, "toPort": 22}),
]}

fixtures.stack_deny_split_ingress_open_admin_ports_deny_sixteen_rules_one_group := fx_split_sg_rules(fx_same_group)

fixtures.stack_deny_split_ingress_open_admin_ports_deny_unknown_group_ids := fx_split_sg_rules(fx_unknown_group)

fixtures.stack_deny_split_ingress_open_admin_ports_deny_acl_rules := {"resources": [rule |
	some i in numbers.range(0, 15)
	rule := fx_nacl_rule({
		"__urn": sprintf("urn:nacl-rule-%d", [i]),
		"networkAclId": "acl-1",
		"ruleNumber": 100 + i,
		"cidrBlock": sprintf("3.%d.0.0/12", [16 * i]),
		"protocol": "-1",
	})
]}
