package aws

import rego.v1

fx_autoscaler_read := {"Effect": "Allow", "Action": ["autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstanceTypes"], "Resource": "*"}

fx_autoscaler_groups := "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/*"

fx_autoscaler_scale := {
	"Effect": "Allow",
	"Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
	"Resource": fx_autoscaler_groups,
	"Condition": {"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/ai-platform-prod-eu-west-1": "owned"}},
}

fx_autoscaler_doc(statements) := {"resources": [fx_role("autoscaler", {}), fx_role_policy("autoscaler-scaling", "autoscaler", statements)]}

fixtures.stack_deny_autoscaling_scaling_unscoped_allow_tag_condition := fx_autoscaler_doc([fx_autoscaler_read, fx_autoscaler_scale])

fixtures.stack_deny_autoscaling_scaling_unscoped_allow_named_groups := fx_autoscaler_doc([object.remove(
	fx_set(fx_autoscaler_scale, "Resource", ["arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/eks-gpu-1"]),
	["Condition"],
)])

fixtures.stack_deny_autoscaling_scaling_unscoped_allow_deny_statement := fx_autoscaler_doc([fx_set(object.remove(fx_autoscaler_scale, ["Condition"]), "Effect", "Deny")])

fixtures.stack_deny_autoscaling_scaling_unscoped_deny_no_condition := fx_autoscaler_doc([fx_autoscaler_read, object.remove(fx_autoscaler_scale, ["Condition"])])

fixtures.stack_deny_autoscaling_scaling_unscoped_deny_service_wildcard := fx_autoscaler_doc([fx_set(object.remove(fx_autoscaler_scale, ["Condition"]), "Action", "autoscaling:*")])

fixtures.stack_deny_autoscaling_scaling_unscoped_deny_negated_condition := fx_autoscaler_doc([fx_set(
	fx_autoscaler_scale,
	"Condition",
	{"StringNotEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/ai-platform-prod-eu-west-1": "shared"}},
)])

fixtures.stack_deny_autoscaling_scaling_unscoped_deny_if_exists_condition := fx_autoscaler_doc([fx_set(
	fx_autoscaler_scale,
	"Condition",
	{"StringEqualsIfExists": {"aws:ResourceTag/k8s.io/cluster-autoscaler/ai-platform-prod-eu-west-1": "owned"}},
)])

fixtures.stack_deny_autoscaling_scaling_unscoped_deny_wildcard_tag_value := fx_autoscaler_doc([fx_set(
	fx_autoscaler_scale,
	"Condition",
	{"StringLike": {"aws:ResourceTag/k8s.io/cluster-autoscaler/ai-platform-prod-eu-west-1": "*"}},
)])

fixtures.stack_deny_autoscaling_scaling_unscoped_deny_unknown_tag_value := fx_autoscaler_doc([fx_set(
	fx_autoscaler_scale,
	"Condition",
	{"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/ai-platform-prod-eu-west-1": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}},
)])

fixtures.stack_deny_autoscaling_scaling_unscoped_deny_wildcard_group_name := fx_autoscaler_doc([object.remove(
	fx_set(fx_autoscaler_scale, "Resource", ["arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/eks-*"]),
	["Condition"],
)])

fixtures.stack_deny_autoscaling_scaling_unscoped_deny_condition_not_on_a_tag := fx_autoscaler_doc([fx_set(
	fx_autoscaler_scale,
	"Condition",
	{"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
)])
