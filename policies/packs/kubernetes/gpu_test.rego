package kubernetes_admission

import rego.v1

# One test per fixture of gpu_fixtures_test.rego, plus the contract cases (data.node_scheduling replaced).

test_deny_gpu_limits_allow_equal if {
	count(deny_gpu_limits) == 0 with input as fixtures.deny_gpu_limits_allow_equal
}

test_deny_gpu_limits_allow_limit_only if {
	count(deny_gpu_limits) == 0 with input as fixtures.deny_gpu_limits_allow_limit_only
}

test_deny_gpu_limits_allow_cpu_only if {
	count(deny_gpu_limits) == 0 with input as fixtures.deny_gpu_limits_allow_cpu_only
}

test_deny_gpu_limits_deny_request_only if {
	count(deny_gpu_limits) == 1 with input as fixtures.deny_gpu_limits_deny_request_only
}

test_deny_gpu_limits_deny_request_differs if {
	count(deny_gpu_limits) == 1 with input as fixtures.deny_gpu_limits_deny_request_differs
}

test_deny_gpu_limits_deny_unreadable_quantity if {
	count(deny_gpu_limits) == 1 with input as fixtures.deny_gpu_limits_deny_unreadable_quantity
}

test_deny_gpu_limits_deny_no_contract if {
	count(deny_gpu_limits) == 1 with input as fixtures.deny_gpu_limits_allow_equal with data.node_scheduling as "[secret]"
}

# The resource is read from the contract: rename it there and the old spelling is an ordinary resource.
test_deny_gpu_limits_allow_contract_resource_renamed if {
	contract := {"accelerators": {"nvidia": {"resource": "example.com/gpu", "taints": [], "labels": {}}}}
	count(deny_gpu_limits) == 0 with input as fixtures.deny_gpu_limits_deny_request_only with data.node_scheduling as contract
}

test_deny_gpu_daemonset_toleration_allow_tolerating if {
	count(deny_gpu_daemonset_toleration) == 0 with input as fixtures.deny_gpu_daemonset_toleration_allow_tolerating
}

test_deny_gpu_daemonset_toleration_allow_exact_toleration if {
	count(deny_gpu_daemonset_toleration) == 0 with input as fixtures.deny_gpu_daemonset_toleration_allow_exact_toleration
}

test_deny_gpu_daemonset_toleration_allow_not_gpu if {
	count(deny_gpu_daemonset_toleration) == 0 with input as fixtures.deny_gpu_daemonset_toleration_allow_not_gpu
}

test_deny_gpu_daemonset_toleration_deny_node_selector if {
	count(deny_gpu_daemonset_toleration) == 1 with input as fixtures.deny_gpu_daemonset_toleration_deny_node_selector
}

test_deny_gpu_daemonset_toleration_deny_affinity if {
	count(deny_gpu_daemonset_toleration) == 1 with input as fixtures.deny_gpu_daemonset_toleration_deny_affinity
}

test_deny_gpu_daemonset_toleration_deny_wrong_value if {
	count(deny_gpu_daemonset_toleration) == 1 with input as fixtures.deny_gpu_daemonset_toleration_deny_wrong_value
}

# A taint moved in the contract: the DaemonSet that tolerated the old one no longer does.
test_deny_gpu_daemonset_toleration_deny_contract_taint_changed if {
	contract := {"accelerators": {"nvidia": {"resource": "nvidia.com/gpu", "taints": [{"key": "example.com/accelerator", "value": "true", "effect": "NoSchedule"}], "labels": {"nvidia.com/gpu.present": "true"}}}}
	count(deny_gpu_daemonset_toleration) == 1 with input as fixtures.deny_gpu_daemonset_toleration_allow_tolerating with data.node_scheduling as contract
}

test_deny_gpu_daemonset_toleration_deny_no_contract if {
	count(deny_gpu_daemonset_toleration) == 1 with input as fixtures.deny_gpu_daemonset_toleration_allow_not_gpu with data.node_scheduling as {}
}

test_deny_gpu_without_toleration_deny_no_contract if {
	count(deny_gpu_without_toleration) == 1 with input as fixtures.deny_gpu_without_toleration_allow_tolerating with data.node_scheduling as {"accelerators": "[secret]"}
}
