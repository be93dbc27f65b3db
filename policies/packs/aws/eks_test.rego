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
	deny_eks_endpoint_access == {`EKS cluster "primary": public API endpoint is open to the world: publicAccessCidrs covers more than the allowed share of public address space (0.0.0.0/0)`} with input as doc
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

test_deny_gpu_node_group_taint_deny_unlabelled if {
	doc := fixtures.deny_gpu_node_group_taint_deny_unlabelled
	count(deny_gpu_node_group_taint) == 1 with input as doc
}

test_deny_gpu_node_group_taint_deny_label_only if {
	doc := fixtures.deny_gpu_node_group_taint_deny_label_only
	count(deny_gpu_node_group_taint) == 1 with input as doc
}

test_deny_gpu_node_group_taint_deny_secret_taints if {
	doc := fixtures.deny_gpu_node_group_taint_deny_secret_taints
	count(deny_gpu_node_group_taint) == 1 with input as doc
}

# The contract is read, not spelled: a taint moved in the data moves the verdict.
test_deny_gpu_node_group_taint_deny_contract_taint_changed if {
	contract := {"accelerators": {"nvidia": {"resource": "nvidia.com/gpu", "taints": [{"key": "example.com/accelerator", "value": "true", "effect": "NoSchedule"}], "labels": {"nvidia.com/gpu.present": "true"}, "amiTypes": ["AL2023_x86_64_NVIDIA"]}}}
	count(deny_gpu_node_group_taint) == 1 with input as fixtures.deny_gpu_node_group_taint_allow_tainted with data.node_scheduling as contract
}

# Without the contract nothing can be judged: every node group is a finding.
test_deny_gpu_node_group_taint_deny_no_contract if {
	count(deny_gpu_node_group_taint) == 1 with input as fixtures.deny_gpu_node_group_taint_allow_cpu_pool_without_taint with data.node_scheduling as "[secret]"
}

test_deny_gpu_node_group_taint_deny_unreadable_contract_taints if {
	contract := {"accelerators": {"nvidia": {"resource": "nvidia.com/gpu", "taints": "[secret]", "labels": {"nvidia.com/gpu.present": "true"}, "amiTypes": ["AL2023_x86_64_NVIDIA"]}}}
	count(deny_gpu_node_group_taint) == 1 with input as fixtures.deny_gpu_node_group_taint_allow_tainted with data.node_scheduling as contract
}

test_deny_eks_endpoint_access_allow_small_public_ranges if {
	doc := fixtures.deny_eks_endpoint_access_allow_small_public_ranges
	count(deny_eks_endpoint_access) == 0 with input as doc
}

test_deny_eks_endpoint_access_allow_public_disabled if {
	doc := fixtures.deny_eks_endpoint_access_allow_public_disabled
	count(deny_eks_endpoint_access) == 0 with input as doc
}

test_deny_eks_endpoint_access_deny_world_as_halves if {
	doc := fixtures.deny_eks_endpoint_access_deny_world_as_halves
	deny_eks_endpoint_access == {`EKS cluster "primary": public API endpoint is open to the world: publicAccessCidrs covers more than the allowed share of public address space (0.0.0.0/1, 128.0.0.0/1)`} with input as doc
}

test_deny_eks_endpoint_access_deny_world_as_256_slash_8 if {
	doc := fixtures.deny_eks_endpoint_access_deny_world_as_256_slash_8
	count(deny_eks_endpoint_access) == 1 with input as doc
}

test_deny_eks_endpoint_access_deny_long_ipv6_spelling if {
	doc := fixtures.deny_eks_endpoint_access_deny_long_ipv6_spelling
	count(deny_eks_endpoint_access) == 1 with input as doc
}

test_deny_eks_endpoint_access_deny_ipv4_mapped_ipv6 if {
	doc := fixtures.deny_eks_endpoint_access_deny_ipv4_mapped_ipv6
	count(deny_eks_endpoint_access) == 1 with input as doc
}

test_deny_eks_endpoint_access_deny_host_bits_set if {
	doc := fixtures.deny_eks_endpoint_access_deny_host_bits_set
	count(deny_eks_endpoint_access) == 1 with input as doc
}

test_deny_eks_endpoint_access_deny_unknown_list if {
	doc := fixtures.deny_eks_endpoint_access_deny_unknown_list
	deny_eks_endpoint_access == {`EKS cluster "primary": public API endpoint is open to the world: publicAccessCidrs contains a value that is not a readable CIDR and cannot be assessed (04da6b54-80e4-46f7-96ec-b56ff0331ba9)`} with input as doc
}

test_deny_eks_endpoint_access_deny_secret_list if {
	doc := fixtures.deny_eks_endpoint_access_deny_secret_list
	count(deny_eks_endpoint_access) == 1 with input as doc
}

test_deny_eks_endpoint_access_deny_secret_entry if {
	doc := fixtures.deny_eks_endpoint_access_deny_secret_entry
	count(deny_eks_endpoint_access) == 1 with input as doc
}

test_deny_eks_endpoint_access_deny_world_only_as_union if {
	doc := fixtures.deny_eks_endpoint_access_deny_world_only_as_union
	count(deny_eks_endpoint_access) == 1 with input as doc
}
