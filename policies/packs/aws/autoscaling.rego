package aws

import rego.v1

# Cluster Autoscaler (issue 9) changes the size of Auto Scaling groups and terminates their instances.
# Its role may do that only to the groups of its own cluster: tagged k8s.io/cluster-autoscaler/<cluster>
# (a resource-tag condition), or named one by one. Unconditioned on every group, a compromised
# autoscaler pod could scale any group in the account to zero, or to its maximum.

autoscaling_scaling_actions := ["autoscaling:setdesiredcapacity", "autoscaling:terminateinstanceinautoscalinggroup"]

autoscaling_tag_condition_prefixes := ["aws:resourcetag/", "autoscaling:resourcetag/"]

# The Action patterns of a statement that cover a scaling action ("autoscaling:*", "*" included).
autoscaling_scaling_patterns(statement) := {pattern |
	some pattern in as_list(object.get(statement, "Action", []))
	is_string(pattern)
	some action in autoscaling_scaling_actions
	iam_pattern_matches(pattern, action)
}

autoscaling_literal_tag_value(value) if {
	iam_known_string(value)
	not wildcard_value(value)
}

autoscaling_literal_tag_value(value) if {
	is_array(value)
	count(value) > 0
	count([v | some v in value; iam_known_string(v); v != "*"]) == count(value)
}

# A restricting operator (not negated, not ...IfExists) on a resource tag, with literal values.
autoscaling_tag_conditioned(statement) if {
	some operator, block in as_object(object.get(statement, "Condition", {}))
	restricting_operator(operator)
	some key, value in as_object(block)
	some prefix in autoscaling_tag_condition_prefixes
	startswith(lower(key), prefix)
	autoscaling_literal_tag_value(value)
}

# Every Resource names one Auto Scaling group, without a wildcard in the group's name.
autoscaling_named_groups(statement) if {
	resources := as_list(object.get(statement, "Resource", []))
	count(resources) > 0
	named := [r |
		some r in resources
		iam_known_string(r)
		parts := split(r, ":autoScalingGroupName/")
		count(parts) == 2
		parts[1] != ""
		not iam_is_wildcard(parts[1])
	]
	count(named) == count(resources)
}

# METADATA
# title: Auto Scaling group scaling actions are limited to the cluster's own groups
# description: >-
#   An IAM policy that allows autoscaling:SetDesiredCapacity or autoscaling:TerminateInstanceInAutoScalingGroup
#   (directly or through a pattern such as autoscaling:* or *) must limit them to the cluster's groups: a
#   non-negated condition without IfExists on aws:ResourceTag/<key> or autoscaling:ResourceTag/<key> with
#   literal values, or Resource ARNs that each name one group. Outside the break-glass role.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, NIST-800-53:AC-3, ISO-27001:A.8.2]
#   message: >-
#     Add "Condition": {"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/<cluster>": "owned"}} to the
#     statement, as infra/components/nodes/autoscaler.py iam_policy does, or list the groups' ARNs.
stack_deny_autoscaling_scaling_unscoped contains msg if {
	some item in iam_statements
	is_object(item.statement)
	iam_allows(item.statement)
	some pattern in autoscaling_scaling_patterns(item.statement)
	not autoscaling_tag_conditioned(item.statement)
	not autoscaling_named_groups(item.statement)
	msg := sprintf("%s: IAM policy allows %s on Auto Scaling groups without a resource-tag condition or named groups", [item.urn, pattern])
}
