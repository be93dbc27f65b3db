package aws

import rego.v1

test_deny_service_trust_confused_deputy_allow_source_account if {
	doc := fixtures.deny_service_trust_confused_deputy_allow_source_account
	count(deny_service_trust_confused_deputy) == 0 with input as doc
}

test_deny_service_trust_confused_deputy_allow_source_arn_case_insensitive if {
	doc := fixtures.deny_service_trust_confused_deputy_allow_source_arn_case_insensitive
	count(deny_service_trust_confused_deputy) == 0 with input as doc
}

test_deny_service_trust_confused_deputy_allow_ec2_exempt if {
	doc := fixtures.deny_service_trust_confused_deputy_allow_ec2_exempt
	count(deny_service_trust_confused_deputy) == 0 with input as doc
}

test_deny_service_trust_confused_deputy_allow_trust_as_object if {
	doc := fixtures.deny_service_trust_confused_deputy_allow_trust_as_object
	count(deny_service_trust_confused_deputy) == 0 with input as doc
}

test_deny_service_trust_confused_deputy_deny_no_condition if {
	doc := fixtures.deny_service_trust_confused_deputy_deny_no_condition
	messages := deny_service_trust_confused_deputy with input as doc
	some message in messages
	contains(message, "trust of vpc-flow-logs.amazonaws.com has no")
}

test_deny_service_trust_confused_deputy_deny_wildcard_account if {
	doc := fixtures.deny_service_trust_confused_deputy_deny_wildcard_account
	messages := deny_service_trust_confused_deputy with input as doc
	some message in messages
	contains(message, "trust of vpc-flow-logs.amazonaws.com has no")
}

test_deny_service_trust_confused_deputy_deny_if_exists if {
	doc := fixtures.deny_service_trust_confused_deputy_deny_if_exists
	messages := deny_service_trust_confused_deputy with input as doc
	some message in messages
	contains(message, "trust of vpc-flow-logs.amazonaws.com has no")
}

test_deny_service_trust_confused_deputy_deny_negated if {
	doc := fixtures.deny_service_trust_confused_deputy_deny_negated
	messages := deny_service_trust_confused_deputy with input as doc
	some message in messages
	contains(message, "trust of vpc-flow-logs.amazonaws.com has no")
}

test_deny_service_trust_confused_deputy_deny_exempt_service_beside_another if {
	doc := fixtures.deny_service_trust_confused_deputy_deny_exempt_service_beside_another
	messages := deny_service_trust_confused_deputy with input as doc
	some message in messages
	contains(message, "trust of eks.amazonaws.com has no")
}

test_deny_service_trust_confused_deputy_deny_secret_trust if {
	doc := fixtures.deny_service_trust_confused_deputy_deny_secret_trust
	messages := deny_service_trust_confused_deputy with input as doc
	some message in messages
	contains(message, "cannot be assessed")
}

test_deny_service_trust_confused_deputy_deny_unknown_trust if {
	doc := fixtures.deny_service_trust_confused_deputy_deny_unknown_trust
	messages := deny_service_trust_confused_deputy with input as doc
	some message in messages
	contains(message, "cannot be assessed")
}

test_stack_deny_node_role_cni_policy_allow_pod_identity_role if {
	doc := fixtures.stack_deny_node_role_cni_policy_allow_pod_identity_role
	count(stack_deny_node_role_cni_policy) == 0 with input as doc
}

test_stack_deny_node_role_cni_policy_allow_linked_by_reference if {
	doc := fixtures.stack_deny_node_role_cni_policy_allow_linked_by_reference
	count(stack_deny_node_role_cni_policy) == 0 with input as doc
}

test_stack_deny_node_role_cni_policy_deny_reference_contradicted if {
	doc := fixtures.stack_deny_node_role_cni_policy_deny_reference_contradicted
	count(stack_deny_node_role_cni_policy) > 0 with input as doc
}

test_stack_deny_node_role_cni_policy_allow_without_pod_identity if {
	doc := fixtures.stack_deny_node_role_cni_policy_allow_without_pod_identity
	count(stack_deny_node_role_cni_policy) == 0 with input as doc
}

test_stack_deny_node_role_cni_policy_deny_node_role if {
	doc := fixtures.stack_deny_node_role_cni_policy_deny_node_role
	messages := stack_deny_node_role_cni_policy with input as doc
	some message in messages
	contains(message, "RolePolicyAttachment::cni: AmazonEKS_CNI_Policy is attached")
}

test_stack_deny_node_role_cni_policy_deny_unresolved_role if {
	doc := fixtures.stack_deny_node_role_cni_policy_deny_unresolved_role
	messages := stack_deny_node_role_cni_policy with input as doc
	some message in messages
	contains(message, "RolePolicyAttachment::cni: AmazonEKS_CNI_Policy is attached")
}

test_stack_deny_node_role_cni_policy_deny_managed_policy_arns if {
	doc := fixtures.stack_deny_node_role_cni_policy_deny_managed_policy_arns
	messages := stack_deny_node_role_cni_policy with input as doc
	some message in messages
	contains(message, "Role::node: AmazonEKS_CNI_Policy is a managed policy")
}
