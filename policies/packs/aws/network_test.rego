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

test_deny_security_group_open_admin_ports_allow_public_https_string_ports if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_public_https_string_ports
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_allow_small_public_allow_list if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_small_public_allow_list
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_allow_block_below_world_share if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_block_below_world_share
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_allow_icmp_from_world if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_icmp_from_world
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_allow_udp_from_world if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_udp_from_world
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_allow_prefix_list_source if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_prefix_list_source
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_allow_egress_rule if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_egress_rule
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_allow_ipv6_documentation_range if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_ipv6_documentation_range
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_world_ssh if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_world_ssh
	deny_security_group_open_admin_ports == {`aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "nodes-https": ingress reaches administrative port 22 (SSH) from the world: the source covers more than the allowed share of public address space (0.0.0.0/0)`} with input as doc
}

test_deny_security_group_open_admin_ports_deny_ipv6_range_covering_rdp if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_ipv6_range_covering_rdp
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_all_protocols if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_all_protocols
	count(deny_security_group_open_admin_ports) == count(admin_port_ranges) with input as doc
}

test_deny_security_group_open_admin_ports_deny_all_protocols_number if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_all_protocols_number
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_other_protocol_opens_all_ports if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_other_protocol_opens_all_ports
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_inline_ingress if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_inline_ingress
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_world_as_halves if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_world_as_halves
	deny_security_group_open_admin_ports == {`aws:ec2/securityGroup:SecurityGroup "bastion": ingress reaches administrative port 22 (SSH) from the world: the source covers more than the allowed share of public address space (0.0.0.0/1, 128.0.0.0/1)`} with input as doc
}

test_deny_security_group_open_admin_ports_deny_world_as_256_rules if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_world_as_256_rules
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_long_ipv6_spelling if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_long_ipv6_spelling
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_zero_padded_ipv6 if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_zero_padded_ipv6
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_ipv6_zero_group if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_ipv6_zero_group
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_ipv4_mapped_ipv6 if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_ipv4_mapped_ipv6
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_host_bits_set if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_host_bits_set
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_string_ports if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_string_ports
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_protocol_number_string if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_protocol_number_string
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_secret_cidr if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_secret_cidr
	deny_security_group_open_admin_ports == {`aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "nodes-https": ingress reaches administrative port 22 (SSH) from the world: the source contains a value that is not a readable CIDR and cannot be assessed ([secret])`} with input as doc
}

test_deny_security_group_open_admin_ports_deny_unknown_cidr_list if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_unknown_cidr_list
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_secret_ingress_list if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_secret_ingress_list
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_secret_ingress_entry if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_secret_ingress_entry
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_unreadable_ports if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_unreadable_ports
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_unreadable_rule_type if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_unreadable_rule_type
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_jupyter_from_world if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_jupyter_from_world
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_ray_dashboard_from_world if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_ray_dashboard_from_world
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_cloud_provider_slash_8 if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_cloud_provider_slash_8
	count(deny_security_group_open_admin_ports) > 0 with input as doc
}

test_deny_network_acl_open_admin_ports_allow_vpc_cidr_all_ports if {
	doc := fixtures.deny_network_acl_open_admin_ports_allow_vpc_cidr_all_ports
	count(deny_network_acl_open_admin_ports) == 0 with input as doc
}

test_deny_network_acl_open_admin_ports_allow_world_https if {
	doc := fixtures.deny_network_acl_open_admin_ports_allow_world_https
	count(deny_network_acl_open_admin_ports) == 0 with input as doc
}

test_deny_network_acl_open_admin_ports_allow_deny_entry if {
	doc := fixtures.deny_network_acl_open_admin_ports_allow_deny_entry
	count(deny_network_acl_open_admin_ports) == 0 with input as doc
}

test_deny_network_acl_open_admin_ports_allow_egress_rule if {
	doc := fixtures.deny_network_acl_open_admin_ports_allow_egress_rule
	count(deny_network_acl_open_admin_ports) == 0 with input as doc
}

test_deny_network_acl_open_admin_ports_allow_rule_world_https if {
	doc := fixtures.deny_network_acl_open_admin_ports_allow_rule_world_https
	count(deny_network_acl_open_admin_ports) == 0 with input as doc
}

test_deny_network_acl_open_admin_ports_deny_world_all_traffic if {
	doc := fixtures.deny_network_acl_open_admin_ports_deny_world_all_traffic
	count(deny_network_acl_open_admin_ports) > 0 with input as doc
}

test_deny_network_acl_open_admin_ports_deny_rule_ssh if {
	doc := fixtures.deny_network_acl_open_admin_ports_deny_rule_ssh
	deny_network_acl_open_admin_ports == {`aws:ec2/networkAclRule:NetworkAclRule "public-in": inbound allow reaches administrative port 22 (SSH) from the world: the source covers more than the allowed share of public address space (0.0.0.0/0)`} with input as doc
}

test_deny_network_acl_open_admin_ports_deny_rule_ipv6_all if {
	doc := fixtures.deny_network_acl_open_admin_ports_deny_rule_ipv6_all
	count(deny_network_acl_open_admin_ports) > 0 with input as doc
}

test_deny_network_acl_open_admin_ports_deny_world_as_halves if {
	doc := fixtures.deny_network_acl_open_admin_ports_deny_world_as_halves
	count(deny_network_acl_open_admin_ports) > 0 with input as doc
}

test_deny_network_acl_open_admin_ports_deny_string_protocol_and_ports if {
	doc := fixtures.deny_network_acl_open_admin_ports_deny_string_protocol_and_ports
	count(deny_network_acl_open_admin_ports) > 0 with input as doc
}

test_deny_network_acl_open_admin_ports_deny_secret_ingress if {
	doc := fixtures.deny_network_acl_open_admin_ports_deny_secret_ingress
	count(deny_network_acl_open_admin_ports) > 0 with input as doc
}

test_deny_network_acl_open_admin_ports_deny_unreadable_action if {
	doc := fixtures.deny_network_acl_open_admin_ports_deny_unreadable_action
	count(deny_network_acl_open_admin_ports) > 0 with input as doc
}

test_deny_security_group_open_admin_ports_deny_world_only_as_union if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_world_only_as_union
	count(deny_security_group_open_admin_ports) == 1 with input as doc
}

test_stack_deny_split_ingress_open_admin_ports_allow_each_group_small if {
	doc := fixtures.stack_deny_split_ingress_open_admin_ports_allow_each_group_small
	count(stack_deny_split_ingress_open_admin_ports) == 0 with input as doc
}

test_stack_deny_split_ingress_open_admin_ports_allow_small_allow_list if {
	doc := fixtures.stack_deny_split_ingress_open_admin_ports_allow_small_allow_list
	count(stack_deny_split_ingress_open_admin_ports) == 0 with input as doc
}

test_stack_deny_split_ingress_open_admin_ports_deny_sixteen_rules_one_group if {
	doc := fixtures.stack_deny_split_ingress_open_admin_ports_deny_sixteen_rules_one_group
	count(stack_deny_split_ingress_open_admin_ports) == 1 with input as doc
	some msg in stack_deny_split_ingress_open_admin_ports with input as doc
	startswith(msg, "urn:sg-rule-0: the rules of security group sg-0123 together admit the world to administrative port 22 (SSH)")
}

test_stack_deny_split_ingress_open_admin_ports_deny_unknown_group_ids if {
	doc := fixtures.stack_deny_split_ingress_open_admin_ports_deny_unknown_group_ids
	count(stack_deny_split_ingress_open_admin_ports) == 1 with input as doc
}

test_stack_deny_split_ingress_open_admin_ports_deny_acl_rules if {
	doc := fixtures.stack_deny_split_ingress_open_admin_ports_deny_acl_rules
	count(stack_deny_split_ingress_open_admin_ports) == count(admin_port_ranges) with input as doc
}

test_deny_security_group_open_admin_ports_deny_protocol_as_float if {
	doc := fixtures.deny_security_group_open_admin_ports_deny_protocol_as_float
	count(deny_security_group_open_admin_ports) == 1 with input as doc
}

test_deny_security_group_open_admin_ports_allow_udp_as_float if {
	doc := fixtures.deny_security_group_open_admin_ports_allow_udp_as_float
	count(deny_security_group_open_admin_ports) == 0 with input as doc
}
