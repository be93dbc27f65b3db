package aws

import rego.v1

# Ports that administer a host or a cluster: SSH, RDP, WinRM, Kubernetes API, etcd, kubelet.
admin_ports := [22, 3389, 5985, 5986, 6443, 2379, 2380, 10250]

world_cidrs := {"0.0.0.0/0", "::/0"}

all_protocols := {"-1", "all"}

# One normalised view of every ingress permission, whichever resource type declares it.
ingress_permissions contains ingress_permission(cidr, object.get(rule, "ipProtocol", "-1"), rule) if {
	input.__type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	rule := input
	some cidr in [object.get(rule, "cidrIpv4", ""), object.get(rule, "cidrIpv6", "")]
	cidr in world_cidrs
}

ingress_permissions contains ingress_permission(cidr, object.get(rule, "protocol", "-1"), rule) if {
	input.__type == "aws:ec2/securityGroup:SecurityGroup"
	some rule in as_array(object.get(input, "ingress", []))
	some cidr in array.concat(as_array(object.get(rule, "cidrBlocks", [])), as_array(object.get(rule, "ipv6CidrBlocks", [])))
	cidr in world_cidrs
}

ingress_permissions contains ingress_permission(cidr, object.get(input, "protocol", "-1"), input) if {
	input.__type == "aws:ec2/securityGroupRule:SecurityGroupRule"
	input.type == "ingress"
	some cidr in array.concat(as_array(object.get(input, "cidrBlocks", [])), as_array(object.get(input, "ipv6CidrBlocks", [])))
	cidr in world_cidrs
}

# Missing ports mean the whole range: fail closed rather than skip the rule.
ingress_permission(cidr, protocol, rule) := {
	"cidr": cidr,
	"protocol": protocol_text(protocol),
	"from": object.get(rule, "fromPort", 0),
	"to": object.get(rule, "toPort", 65535),
}

# -1 may arrive as a number or a string; never through %v, which regopy renders differently.
protocol_text(protocol) := lower(protocol) if is_string(protocol)

protocol_text(protocol) := sprintf("%d", [protocol]) if is_number(protocol)

exposed_port(permission, _) if permission.protocol in all_protocols

exposed_port(permission, port) if {
	permission.from <= port
	port <= permission.to
}

# METADATA
# title: No administrative port open to the internet
# description: >-
#   Security group ingress from 0.0.0.0/0 or ::/0 must not reach administrative ports (22, 3389,
#   5985-5986, 6443, 2379-2380, 10250) or all ports.
# custom:
#   severity: critical
#   controls: [CIS-EKS-5.4.1, NIST-800-53:SC-7, NIST-800-53:AC-17, ISO-27001:A.8.20]
#   message: Restrict the ingress rule to known CIDRs or reach the hosts through SSM Session Manager instead.
deny_security_group_open_admin_ports contains msg if {
	some permission in ingress_permissions
	some port in admin_ports
	exposed_port(permission, port)
	msg := sprintf("%s \"%s\": ingress from %s reaches administrative port %d", [input.__type, input.__name, permission.cidr, port])
}
