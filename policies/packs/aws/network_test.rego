package aws

import rego.v1

test_deny_security_group_open_admin_ports_allow_internal_ssh if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_internal_ssh
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_allow_public_https if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_public_https
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_world_ssh if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_world_ssh
	deny_security_group_open_admin_ports == {`aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "nodes-https": ingress from 0.0.0.0/0 reaches administrative port 22`} with input as doc
}

test_deny_security_group_open_admin_ports_deny_ipv6_range_covering_rdp if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_ipv6_range_covering_rdp
	count(deny_security_group_open_admin_ports) == 1 with input as doc
}

test_deny_security_group_open_admin_ports_deny_all_protocols if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_all_protocols
	count(deny_security_group_open_admin_ports) == count(admin_ports) with input as doc
}

test_deny_security_group_open_admin_ports_deny_inline_ingress if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_inline_ingress
	count(deny_security_group_open_admin_ports) == 1 with input as doc
}
