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

fixtures.deny_security_group_open_admin_ports_allow_internal_ssh := doc if {
	rule := fx_ingress_rule({"fromPort": 22, "toPort": 22})
	doc := rule
}

fixtures.deny_security_group_open_admin_ports_allow_public_https := doc if {
	rule := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0"})
	doc := rule
}

fixtures.deny_security_group_open_admin_ports_deny_world_ssh := doc if {
	rule := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "fromPort": 22, "toPort": 22})
	doc := rule
}

fixtures.deny_security_group_open_admin_ports_deny_ipv6_range_covering_rdp := doc if {
	rule := fx_ingress_rule({"cidrIpv4": "", "cidrIpv6": "::/0", "fromPort": 3000, "toPort": 4000})
	doc := rule
}

fixtures.deny_security_group_open_admin_ports_deny_all_protocols := doc if {
	rule := fx_ingress_rule({"cidrIpv4": "0.0.0.0/0", "ipProtocol": "-1", "fromPort": 0, "toPort": 0})
	doc := rule
}

fixtures.deny_security_group_open_admin_ports_deny_inline_ingress := doc if {
	group := {
		"__type": "aws:ec2/securityGroup:SecurityGroup",
		"__name": "bastion",
		"__urn": "urn:sg",
		"ingress": [{"protocol": "tcp", "fromPort": 6443, "toPort": 6443, "cidrBlocks": ["0.0.0.0/0"]}],
	}
	doc := group
}
