package aws

import rego.v1

test_stack_deny_autoscaling_scaling_unscoped_allow_tag_condition if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_allow_tag_condition
	count(stack_deny_autoscaling_scaling_unscoped) == 0 with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_allow_named_groups if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_allow_named_groups
	count(stack_deny_autoscaling_scaling_unscoped) == 0 with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_allow_deny_statement if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_allow_deny_statement
	count(stack_deny_autoscaling_scaling_unscoped) == 0 with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_deny_no_condition if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_deny_no_condition
	stack_deny_autoscaling_scaling_unscoped == {
		`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::autoscaler-scaling: IAM policy allows autoscaling:SetDesiredCapacity on Auto Scaling groups without a resource-tag condition or named groups`,
		`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::autoscaler-scaling: IAM policy allows autoscaling:TerminateInstanceInAutoScalingGroup on Auto Scaling groups without a resource-tag condition or named groups`,
	} with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_deny_service_wildcard if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_deny_service_wildcard
	stack_deny_autoscaling_scaling_unscoped == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::autoscaler-scaling: IAM policy allows autoscaling:* on Auto Scaling groups without a resource-tag condition or named groups`} with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_deny_negated_condition if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_deny_negated_condition
	count(stack_deny_autoscaling_scaling_unscoped) == 2 with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_deny_if_exists_condition if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_deny_if_exists_condition
	count(stack_deny_autoscaling_scaling_unscoped) == 2 with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_deny_wildcard_tag_value if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_deny_wildcard_tag_value
	count(stack_deny_autoscaling_scaling_unscoped) == 2 with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_deny_unknown_tag_value if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_deny_unknown_tag_value
	count(stack_deny_autoscaling_scaling_unscoped) == 2 with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_deny_wildcard_group_name if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_deny_wildcard_group_name
	count(stack_deny_autoscaling_scaling_unscoped) == 2 with input as doc
}

test_stack_deny_autoscaling_scaling_unscoped_deny_condition_not_on_a_tag if {
	doc := fixtures.stack_deny_autoscaling_scaling_unscoped_deny_condition_not_on_a_tag
	count(stack_deny_autoscaling_scaling_unscoped) == 2 with input as doc
}
