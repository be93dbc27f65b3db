package aws

import rego.v1

# Admin port ranges from network.data.yaml; without them every port counts as one (fail closed).
admin_port_ranges := ranges if {
	ranges := [range |
		some entry in as_array(object.get(network_config, "adminPorts", []))
		range := admin_port_range(entry)
	]
	count(ranges) > 0
}

admin_port_ranges := [{"from": 0, "to": 65535, "name": "any port (admin port data missing)"}] if {
	count([entry | some entry in as_array(object.get(network_config, "adminPorts", [])); admin_port_range(entry)]) == 0
}

admin_port_range(entry) := {"from": from, "to": to, "name": name} if {
	from := object.get(entry, "from", null)
	to := object.get(entry, "to", null)
	is_number(from)
	is_number(to)
	name := object.get(entry, "name", "")
	is_string(name)
}

# Protocols as AWS reads them: "-1"/"all" and any protocol other than TCP, UDP, ICMP or ICMPv6 open
# every port ("regardless of any ports you specify"); an unreadable protocol counts as all.
protocol_class(protocol) := class if {
	is_string(protocol)
	class := object.get(protocol_classes, lower(protocol), "all")
}

# Numbers are compared, never printed: the SDK sends 6 as 6.0, which regopy's %d does not print as "6".
protocol_class(protocol) := class if {
	is_number(protocol)
	classes := [pair[1] | some pair in protocol_number_classes; pair[0] == protocol]
	class := array.concat(classes, ["all"])[0]
}

protocol_number_classes := [[6, "tcp"], [17, "udp"], [1, "icmp"], [58, "icmp"]]

protocol_class(protocol) := "all" if {
	not is_string(protocol)
	not is_number(protocol)
}

protocol_classes := {
	"tcp": "tcp", "6": "tcp",
	"udp": "udp", "17": "udp",
	"icmp": "icmp", "1": "icmp", "icmpv6": "icmp", "58": "icmp",
}

# A port given as a number or a numeric string; undefined otherwise (a secret, an unknown, garbage).
port_number(value) := value if {
	is_number(value)
	value == floor(value)
	value >= 0
	value <= 65535
}

port_number(value) := to_number(value) if {
	is_string(value)
	regex.match(`^(0|[1-9][0-9]{0,4})$`, value)
	to_number(value) <= 65535
}

# The ports a permission opens: missing or unreadable bounds (and -1) mean the whole range.
port_bound(value, _) := port_number(value)

port_bound(value, whole) := whole if not port_number(value)

port_range(from_value, to_value) := [from, to] if {
	from := port_bound(from_value, 0)
	to := port_bound(to_value, 65535)
	from <= to
}

port_range(from_value, to_value) := [0, 65535] if port_bound(from_value, 0) > port_bound(to_value, 65535)

# One normalised permission: the CIDR values it admits, the protocol class and the port range.
permission(cidrs, protocol, from_value, to_value) := {
	"cidrs": cidrs,
	"protocol": protocol_class(protocol),
	"ports": port_range(from_value, to_value),
}

# A permission reaches an admin range when it carries TCP (or everything) to a port in the range.
reaches_admin_range(perm, range) if {
	perm.protocol == "all"
	range.from <= 65535
}

reaches_admin_range(perm, range) if {
	perm.protocol == "tcp"
	perm.ports[0] <= range.to
	range.from <= perm.ports[1]
}

admin_range_text(range) := sprintf("administrative port %d (%s)", [range.from, range.name]) if range.from == range.to

admin_range_text(range) := sprintf("administrative ports %d-%d (%s)", [range.from, range.to, range.name]) if range.from != range.to

# The union of the CIDRs of all permissions reaching an admin range is judged, so a world split over
# many rules or blocks counts as the world. Each distinct list is assessed once (with every protocol
# allowed, all the admin ranges share one list; the arithmetic is slow on regopy).
admin_exposures(perms) := [[range, cidrs] |
	some range in admin_port_ranges
	cidrs := [cidr | some perm in perms; reaches_admin_range(perm, range); some cidr in perm.cidrs]
	count(cidrs) > 0
]

open_admin_ranges(perms) := open if {
	exposures := admin_exposures(perms)
	lists := {json.marshal(pair[1]) | some pair in exposures}
	world_lists := {text | some text in lists; json.is_valid(text); cidr_list_is_world(json.unmarshal(text))}
	open := {pair | some pair in exposures; json.marshal(pair[1]) in world_lists}
}

# Security-group ingress permissions, whichever resource type declares them. A field that should be a
# list or an object and is not (a secret, an unknown) is one unreadable CIDR with every protocol.
unreadable_permission := permission(["<unreadable ingress>"], "-1", null, null)

# Rule resources that each add one permission to a group or an ACL declared elsewhere.
sg_rule_types := {"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"}

sg_ingress_permissions contains standalone_permission(input) if input.__type in sg_rule_types

standalone_permission(r) := permission(cidrs, object.get(r, "ipProtocol", null), object.get(r, "fromPort", null), object.get(r, "toPort", null)) if {
	r.__type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	cidrs := array.concat(optional_cidr_values(object.get(r, "cidrIpv4", null)), optional_cidr_values(object.get(r, "cidrIpv6", null)))
	count(cidrs) > 0
}

# A rule whose type cannot be read is assessed as ingress.
standalone_permission(r) := permission(cidrs, object.get(r, "protocol", null), object.get(r, "fromPort", null), object.get(r, "toPort", null)) if {
	r.__type == "aws:ec2/securityGroupRule:SecurityGroupRule"
	not object.get(r, "type", "") == "egress"
	cidrs := block_list_cidrs(r)
	count(cidrs) > 0
}

# An ACL rule whose direction or action cannot be read is assessed as an inbound allow.
standalone_permission(r) := permission(cidrs, object.get(r, "protocol", null), object.get(r, "fromPort", null), object.get(r, "toPort", null)) if {
	r.__type == "aws:ec2/networkAclRule:NetworkAclRule"
	not object.get(r, "egress", false) == true
	not object.get(r, "ruleAction", "") == "deny"
	cidrs := nacl_cidrs(r)
	count(cidrs) > 0
}

sg_ingress_permissions contains unreadable_permission if {
	input.__type == "aws:ec2/securityGroup:SecurityGroup"
	ingress := object.get(input, "ingress", [])
	not is_array(ingress)
	not is_null(ingress)
}

sg_ingress_permissions contains unreadable_permission if {
	input.__type == "aws:ec2/securityGroup:SecurityGroup"
	some rule in as_array(object.get(input, "ingress", []))
	not is_object(rule)
}

sg_ingress_permissions contains permission(cidrs, object.get(rule, "protocol", null), object.get(rule, "fromPort", null), object.get(rule, "toPort", null)) if {
	input.__type == "aws:ec2/securityGroup:SecurityGroup"
	some rule in as_array(object.get(input, "ingress", []))
	is_object(rule)
	cidrs := block_list_cidrs(rule)
	count(cidrs) > 0
}

block_list_cidrs(rule) := array.concat(
	cidr_values(object.get(rule, "cidrBlocks", null)),
	cidr_values(object.get(rule, "ipv6CidrBlocks", null)),
)

# METADATA
# title: No administrative port open to the internet
# description: >-
#   Security group ingress must not reach an administrative port (SSH, RDP, WinRM, Docker, Kubernetes
#   API, etcd, kubelet, Jupyter, Ray, TensorBoard, MLflow, Spark; data.aws_network.adminPorts) or all
#   ports from the world: CIDRs whose union covers more than the configured share of public address
#   space, in any spelling, or a CIDR, protocol or ingress list that cannot be read.
# custom:
#   severity: critical
#   controls: [CIS-EKS-5.4.1, NIST-800-53:SC-7, NIST-800-53:AC-17, ISO-27001:A.8.20]
#   message: Restrict the ingress rule to known CIDRs or reach the hosts through SSM Session Manager instead.
deny_security_group_open_admin_ports contains msg if {
	some pair in open_admin_ranges(sg_ingress_permissions)
	msg := concat("", [input.__type, " \"", input.__name, "\": ingress reaches ", admin_range_text(pair[0]), " from the world: the source ", cidr_world_reason(pair[1])])
}

# Network ACL entries that allow inbound traffic (an unreadable action or direction counts as allow).
nacl_allow_permissions contains unreadable_permission if {
	input.__type == "aws:ec2/networkAcl:NetworkAcl"
	ingress := object.get(input, "ingress", [])
	not is_array(ingress)
	not is_null(ingress)
}

nacl_allow_permissions contains unreadable_permission if {
	input.__type == "aws:ec2/networkAcl:NetworkAcl"
	some entry in as_array(object.get(input, "ingress", []))
	not is_object(entry)
}

nacl_allow_permissions contains permission(cidrs, object.get(entry, "protocol", null), object.get(entry, "fromPort", null), object.get(entry, "toPort", null)) if {
	input.__type == "aws:ec2/networkAcl:NetworkAcl"
	some entry in as_array(object.get(input, "ingress", []))
	is_object(entry)
	not object.get(entry, "action", "") == "deny"
	cidrs := nacl_cidrs(entry)
	count(cidrs) > 0
}

nacl_allow_permissions contains standalone_permission(input) if input.__type == "aws:ec2/networkAclRule:NetworkAclRule"

nacl_cidrs(entry) := array.concat(
	optional_cidr_values(object.get(entry, "cidrBlock", null)),
	optional_cidr_values(object.get(entry, "ipv6CidrBlock", null)),
)

# METADATA
# title: No network ACL admits the internet to administrative ports
# description: >-
#   A network ACL must not allow inbound traffic from the world (CIDRs whose union covers more than
#   the configured share of public address space, or an unreadable entry) to an administrative port
#   or to all ports. Deny entries are not credited: the rule judges what the allow entries admit, so
#   renumbering entries can never reopen a subnet unnoticed.
# custom:
#   severity: high
#   controls: [NIST-800-53:SC-7, NIST-800-53:AC-17, ISO-27001:A.8.20, ISO-27001:A.8.22]
#   message: >-
#     Allow inbound traffic in network ACLs only from known CIDRs (or the VPC CIDR), and keep the
#     administrative ports closed to 0.0.0.0/0 and ::/0; rely on security groups for finer rules.
deny_network_acl_open_admin_ports contains msg if {
	some pair in open_admin_ranges(nacl_allow_permissions)
	msg := concat("", [input.__type, " \"", input.__name, "\": inbound allow reaches ", admin_range_text(pair[0]), " from the world: the source ", cidr_world_reason(pair[1])])
}

# Rule resources of one security group (or one ACL) are judged together: sixteen rules of a /12 each
# open a /8 although none is the world alone. Resources are grouped by the id they attach to; ids a
# preview leaves unknown fall into one group, which can only err towards a finding.
standalone_group_key(r) := concat("", ["security group ", attached_id(object.get(r, "securityGroupId", null))]) if r.__type in sg_rule_types

standalone_group_key(r) := concat("", ["network ACL ", attached_id(object.get(r, "networkAclId", null))]) if r.__type == "aws:ec2/networkAclRule:NetworkAclRule"

attached_id(value) := value if is_string(value)

attached_id(value) := "<unreadable id>" if not is_string(value)

standalone_entries := [[key, r.__urn, perm] |
	some r in stack_resources
	perm := standalone_permission(r)
	key := standalone_group_key(r)
]

# METADATA
# title: Rules of one security group or network ACL do not together open an administrative port
# description: >-
#   Security group rule resources (aws:vpc/securityGroupIngressRule, aws:ec2/securityGroupRule) that
#   attach to the same group, and network ACL rule resources of the same ACL, must not together admit
#   the world (the union of their CIDRs above the configured share of public address space) to an
#   administrative port or to all ports, even when each rule alone stays below it.
# custom:
#   severity: critical
#   controls: [CIS-EKS-5.4.1, NIST-800-53:SC-7, NIST-800-53:AC-17, ISO-27001:A.8.20]
#   message: Replace the split rules with a short allow-list of known CIDRs, or reach the hosts through SSM Session Manager.
stack_deny_split_ingress_open_admin_ports contains msg if {
	# A group's union is part of the union of all groups: when that is not the world (the usual
	# plan), no group is, and the per-group scan (quadratic in the number of groups) is skipped.
	count(open_admin_ranges([entry[2] | some entry in standalone_entries])) > 0
	some key in {entry[0] | some entry in standalone_entries}
	members := [entry | some entry in standalone_entries; entry[0] == key]
	count(members) > 1
	some pair in open_admin_ranges([entry[2] | some entry in members])
	# min, not sort(...)[0]: regopy 1.5.2 leaves an index into sort() undefined.
	urn := min({entry[1] | some entry in members})
	msg := concat("", [urn, ": the rules of ", key, " together admit the world to ", admin_range_text(pair[0]), ": their sources ", cidr_world_reason(pair[1])])
}
