package gpu

import rego.v1

# One test per fixture of rules_fixtures_test.rego, plus the contract cases (data replaced).

test_stack_deny_team_namespace_without_gpu_quota_allow_quota if {
	count(stack_deny_team_namespace_without_gpu_quota) == 0 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_allow_quota
}

test_stack_deny_team_namespace_without_gpu_quota_allow_no_gpu_pools if {
	count(stack_deny_team_namespace_without_gpu_quota) == 0 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_allow_no_gpu_pools
}

test_stack_deny_team_namespace_without_gpu_quota_deny_no_quota if {
	count(stack_deny_team_namespace_without_gpu_quota) == 1 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_deny_no_quota
}

test_stack_deny_team_namespace_without_gpu_quota_deny_quota_without_gpu if {
	count(stack_deny_team_namespace_without_gpu_quota) == 1 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_deny_quota_without_gpu
}

test_stack_deny_team_namespace_without_gpu_quota_deny_scoped_quota if {
	count(stack_deny_team_namespace_without_gpu_quota) == 1 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_deny_scoped_quota
}

test_stack_deny_team_namespace_without_gpu_quota_deny_taint_only_pool if {
	count(stack_deny_team_namespace_without_gpu_quota) == 1 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_deny_taint_only_pool
}

test_stack_deny_team_namespace_without_gpu_quota_deny_no_contract if {
	count(stack_deny_team_namespace_without_gpu_quota) == 1 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_allow_quota with data.node_scheduling as "[secret]"
}

test_stack_deny_team_namespace_without_gpu_quota_deny_no_pack_data if {
	count(stack_deny_team_namespace_without_gpu_quota) == 1 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_allow_quota with data.gpu_pack as {}
}

# The resource is read from the contract: renamed there, the quota on the old name no longer counts.
test_stack_deny_team_namespace_without_gpu_quota_deny_contract_resource_renamed if {
	contract := {"accelerators": {"nvidia": {"resource": "example.com/gpu", "taints": [{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}], "labels": {"nvidia.com/gpu.present": "true"}, "amiTypes": ["AL2023_x86_64_NVIDIA"]}}}
	count(stack_deny_team_namespace_without_gpu_quota) == 1 with input as fixtures.stack_deny_team_namespace_without_gpu_quota_allow_quota with data.node_scheduling as contract
}

test_stack_deny_gpu_release_tolerations_allow_tolerating if {
	count(stack_deny_gpu_release_tolerations) == 0 with input as fixtures.stack_deny_gpu_release_tolerations_allow_tolerating
}

test_stack_deny_gpu_release_tolerations_allow_exists if {
	count(stack_deny_gpu_release_tolerations) == 0 with input as fixtures.stack_deny_gpu_release_tolerations_allow_exists
}

test_stack_deny_gpu_release_tolerations_deny_no_tolerations if {
	count(stack_deny_gpu_release_tolerations) == 1 with input as fixtures.stack_deny_gpu_release_tolerations_deny_no_tolerations
}

test_stack_deny_gpu_release_tolerations_deny_wrong_value if {
	count(stack_deny_gpu_release_tolerations) == 1 with input as fixtures.stack_deny_gpu_release_tolerations_deny_wrong_value
}

test_stack_deny_gpu_release_tolerations_deny_secret_values if {
	count(stack_deny_gpu_release_tolerations) == 1 with input as fixtures.stack_deny_gpu_release_tolerations_deny_secret_values
}

# Both releases lack the pool's spot toleration.
test_stack_deny_gpu_release_tolerations_deny_pool_taint if {
	count(stack_deny_gpu_release_tolerations) == 2 with input as fixtures.stack_deny_gpu_release_tolerations_deny_pool_taint
}

test_stack_deny_gpu_release_tolerations_deny_contract_taint_changed if {
	contract := {"accelerators": {"nvidia": {"resource": "nvidia.com/gpu", "taints": [{"key": "example.com/accelerator", "value": "true", "effect": "NoSchedule"}], "labels": {"nvidia.com/gpu.present": "true"}, "amiTypes": ["AL2023_x86_64_NVIDIA"]}}}
	count(stack_deny_gpu_release_tolerations) == 2 with input as fixtures.stack_deny_gpu_release_tolerations_allow_tolerating with data.node_scheduling as contract
}

test_stack_deny_accelerator_without_device_plugin_allow_plugin if {
	count(stack_deny_accelerator_without_device_plugin) == 0 with input as fixtures.stack_deny_accelerator_without_device_plugin_allow_plugin
}

test_stack_deny_accelerator_without_device_plugin_allow_no_gpu_pools if {
	count(stack_deny_accelerator_without_device_plugin) == 0 with input as fixtures.stack_deny_accelerator_without_device_plugin_allow_no_gpu_pools
}

test_stack_deny_accelerator_without_device_plugin_allow_ami_with_own_plugin if {
	count(stack_deny_accelerator_without_device_plugin) == 0 with input as fixtures.stack_deny_accelerator_without_device_plugin_allow_ami_with_own_plugin
}

test_stack_deny_accelerator_without_device_plugin_deny_missing if {
	count(stack_deny_accelerator_without_device_plugin) == 1 with input as fixtures.stack_deny_accelerator_without_device_plugin_deny_missing
}

test_stack_deny_accelerator_without_device_plugin_deny_other_cluster if {
	count(stack_deny_accelerator_without_device_plugin) == 1 with input as fixtures.stack_deny_accelerator_without_device_plugin_deny_other_cluster
}

test_stack_deny_accelerator_without_device_plugin_deny_cluster_unresolved if {
	count(stack_deny_accelerator_without_device_plugin) == 1 with input as fixtures.stack_deny_accelerator_without_device_plugin_deny_cluster_unresolved
}

test_stack_deny_accelerator_without_device_plugin_deny_no_contract if {
	count(stack_deny_accelerator_without_device_plugin) == 1 with input as fixtures.stack_deny_accelerator_without_device_plugin_allow_plugin with data.node_scheduling as {}
}
