package aws

import rego.v1

test_deny_eks_endpoint_access_allow_private_only if {
	doc := fixtures.deny_eks_endpoint_access_allow_private_only
	count(deny_eks_endpoint_access) == 0 with input as doc
}

test_deny_eks_endpoint_access_allow_public_with_allow_list if {
	doc := fixtures.deny_eks_endpoint_access_allow_public_with_allow_list
	count(deny_eks_endpoint_access) == 0 with input as doc
}

test_deny_eks_endpoint_access_deny_public_open_to_world if {
	doc := fixtures.deny_eks_endpoint_access_deny_public_open_to_world
	deny_eks_endpoint_access == {`EKS cluster "primary": public API endpoint allows 0.0.0.0/0`} with input as doc
}

test_deny_eks_endpoint_access_deny_public_by_default if {
	doc := fixtures.deny_eks_endpoint_access_deny_public_by_default
	count(deny_eks_endpoint_access) == 1 with input as doc
}

test_deny_eks_endpoint_access_deny_without_private_endpoint if {
	doc := fixtures.deny_eks_endpoint_access_deny_without_private_endpoint
	count(deny_eks_endpoint_access) == 1 with input as doc
}

test_deny_eks_secrets_encryption_allow_kms if {
	doc := fixtures.deny_eks_secrets_encryption_allow_kms
	count(deny_eks_secrets_encryption) == 0 with input as doc
}

test_deny_eks_secrets_encryption_allow_list_form if {
	doc := fixtures.deny_eks_secrets_encryption_allow_list_form
	count(deny_eks_secrets_encryption) == 0 with input as doc
}

test_deny_eks_secrets_encryption_deny_missing if {
	doc := fixtures.deny_eks_secrets_encryption_deny_missing
	count(deny_eks_secrets_encryption) == 1 with input as doc
}

test_deny_eks_secrets_encryption_deny_unknown_key if {
	doc := fixtures.deny_eks_secrets_encryption_deny_unknown_key
	count(deny_eks_secrets_encryption) == 1 with input as doc
}

test_deny_eks_control_plane_logging_allow_all_types if {
	doc := fixtures.deny_eks_control_plane_logging_allow_all_types
	count(deny_eks_control_plane_logging) == 0 with input as doc
}

test_deny_eks_control_plane_logging_deny_missing_audit if {
	doc := fixtures.deny_eks_control_plane_logging_deny_missing_audit
	deny_eks_control_plane_logging == {`EKS cluster "primary": control-plane log type "audit" is not enabled`} with input as doc
}

test_deny_eks_control_plane_logging_deny_none if {
	doc := fixtures.deny_eks_control_plane_logging_deny_none
	count(deny_eks_control_plane_logging) == 5 with input as doc
}

test_deny_gpu_node_group_taint_allow_tainted if {
	doc := fixtures.deny_gpu_node_group_taint_allow_tainted
	count(deny_gpu_node_group_taint) == 0 with input as doc
}

test_deny_gpu_node_group_taint_allow_cpu_pool_without_taint if {
	doc := fixtures.deny_gpu_node_group_taint_allow_cpu_pool_without_taint
	count(deny_gpu_node_group_taint) == 0 with input as doc
}

test_deny_gpu_node_group_taint_deny_untainted if {
	doc := fixtures.deny_gpu_node_group_taint_deny_untainted
	count(deny_gpu_node_group_taint) == 1 with input as doc
}

test_deny_gpu_node_group_taint_deny_gpu_instance_type_only if {
	doc := fixtures.deny_gpu_node_group_taint_deny_gpu_instance_type_only
	count(deny_gpu_node_group_taint) == 1 with input as doc
}

test_deny_gpu_node_group_taint_deny_wrong_effect if {
	doc := fixtures.deny_gpu_node_group_taint_deny_wrong_effect
	count(deny_gpu_node_group_taint) == 1 with input as doc
}
