package gpu

import rego.v1

fixtures.stack_deny_team_namespace_without_gpu_quota_allow_quota := fx_good_stack

# No accelerator node group: no GPU quota needed.
fixtures.stack_deny_team_namespace_without_gpu_quota_allow_no_gpu_pools := fx_stack([fx_k8s_provider, fx_cpu_group, fx_namespace("ml-research", "ml-research")])

fixtures.stack_deny_team_namespace_without_gpu_quota_deny_no_quota := fx_without(fx_team_quota)

fixtures.stack_deny_team_namespace_without_gpu_quota_deny_quota_without_gpu := fx_replace(fx_team_quota, fx_quota("ml-research", {"hard": {"requests.cpu": "8", "pods": "50"}}))

# A quota scoped to a priority class does not bound the team's GPUs.
fixtures.stack_deny_team_namespace_without_gpu_quota_deny_scoped_quota := fx_replace(fx_team_quota, fx_quota("ml-research", {"hard": {"requests.nvidia.com/gpu": "4"}, "scopeSelector": {"matchExpressions": [{"scopeName": "PriorityClass", "operator": "In", "values": ["ai-platform-inference"]}]}}))

# A pool found by its taint alone (no label, standard AMI) still counts.
fixtures.stack_deny_team_namespace_without_gpu_quota_deny_taint_only_pool := fx_stack([fx_k8s_provider, fx_node_group("gpu", {}, [fx_gpu_taint], "CUSTOM"), fx_namespace("ml-research", "ml-research")])

fixtures.stack_deny_gpu_release_tolerations_allow_tolerating := fx_good_stack

# Exists on the key tolerates every value.
fixtures.stack_deny_gpu_release_tolerations_allow_exists := fx_replace(fx_dcgm, fx_release(fx_dcgm.__name, "dcgm-exporter", {"tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists"}]}))

fixtures.stack_deny_gpu_release_tolerations_deny_no_tolerations := fx_replace(fx_dcgm, fx_release(fx_dcgm.__name, "dcgm-exporter", {}))

fixtures.stack_deny_gpu_release_tolerations_deny_wrong_value := fx_replace(fx_device_plugin, fx_release(fx_device_plugin.__name, "oci://ghcr.io/nvidia/nvidia-device-plugin", {"tolerations": [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}]}))

fixtures.stack_deny_gpu_release_tolerations_deny_secret_values := fx_replace(fx_dcgm, fx_release(fx_dcgm.__name, "dcgm-exporter", "[secret]"))

# A pool's own taint (spot capacity here) must be tolerated as well as the contract's.
fixtures.stack_deny_gpu_release_tolerations_deny_pool_taint := fx_replace(fx_gpu_group, fx_set(fx_gpu_group, "taints", [fx_gpu_taint, {"key": "ai-platform/capacity", "value": "spot", "effect": "NO_SCHEDULE"}]))

fixtures.stack_deny_accelerator_without_device_plugin_allow_plugin := fx_good_stack

fixtures.stack_deny_accelerator_without_device_plugin_allow_no_gpu_pools := fx_stack([fx_k8s_provider, fx_cpu_group])

# The DCGM exporter stays: it does not advertise GPUs.
# Bottlerocket's NVIDIA AMI runs the plugin on the host.
fixtures.stack_deny_accelerator_without_device_plugin_allow_ami_with_own_plugin := fx_stack([fx_k8s_provider, fx_set(fx_gpu_group, "amiType", "BOTTLEROCKET_x86_64_NVIDIA"), fx_dcgm])

fixtures.stack_deny_accelerator_without_device_plugin_deny_missing := fx_without(fx_device_plugin)

# The plugin is installed, but in another cluster.
fixtures.stack_deny_accelerator_without_device_plugin_deny_other_cluster := fx_replace(fx_k8s_provider, fx_set(fx_k8s_provider, "__propertyDependencies", {"cluster": ["urn:pulumi:prod::ai-platform::ai-platform:cluster:Cluster$aws:eks/cluster:Cluster::prod-us-east-1-eks"]}))

fixtures.stack_deny_accelerator_without_device_plugin_deny_cluster_unresolved := fx_replace(fx_gpu_group, object.remove(fx_gpu_group, ["__propertyDependencies"]))
