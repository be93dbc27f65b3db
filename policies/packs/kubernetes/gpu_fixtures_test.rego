package kubernetes_admission

import rego.v1

# GPU fixtures: the resource, taints and labels are those of packs/shared/node_scheduling.data.yaml
# (the rules read them from data.node_scheduling; the fixtures spell them as a workload would).

fx_gpu_toleration := {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}

fx_gpu_resources(requests, limits) := fx_set(fx_container, "resources", {
	"requests": object.union({"cpu": "500m", "memory": "1Gi"}, requests),
	"limits": object.union({"cpu": "1", "memory": "1Gi"}, limits),
})

fx_gpu_job(container) := fx_review(fx_cron_job(fx_set(fx_spec_with_containers([container]), "tolerations", [fx_gpu_toleration])))

fixtures.deny_gpu_limits_allow_equal := fx_gpu_job(fx_gpu_resources({"nvidia.com/gpu": 1}, {"nvidia.com/gpu": 1}))

# Kubernetes copies a lone limit into the request: a limit alone is the usual spelling.
fixtures.deny_gpu_limits_allow_limit_only := fx_gpu_job(fx_gpu_resources({}, {"nvidia.com/gpu": "2"}))

fixtures.deny_gpu_limits_allow_cpu_only := fx_good_deployment

fixtures.deny_gpu_limits_deny_request_only := fx_gpu_job(fx_gpu_resources({"nvidia.com/gpu": 1}, {}))

fixtures.deny_gpu_limits_deny_request_differs := fx_gpu_job(fx_gpu_resources({"nvidia.com/gpu": 1}, {"nvidia.com/gpu": 2}))

fixtures.deny_gpu_limits_deny_unreadable_quantity := fx_gpu_job(fx_gpu_resources({}, {"nvidia.com/gpu": "[secret]"}))

fx_daemonset(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "DaemonSet",
	"metadata": {"name": "gpu-agent", "namespace": "node-agents"},
	"spec": {
		"selector": {"matchLabels": {"app": "gpu-agent"}},
		"template": {"metadata": {"labels": {"app": "gpu-agent"}}, "spec": pod_spec},
	},
}

fx_gpu_node_selector := {"nvidia.com/gpu.present": "true"}

fx_gpu_affinity := {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "nvidia.com/gpu.present", "operator": "In", "values": ["true"]}]}]}}}

fixtures.deny_gpu_daemonset_toleration_allow_tolerating := fx_review(fx_daemonset(object.union(fx_pod_spec, {"nodeSelector": fx_gpu_node_selector, "tolerations": [fx_gpu_toleration]})))

fixtures.deny_gpu_daemonset_toleration_allow_exact_toleration := fx_review(fx_daemonset(object.union(fx_pod_spec, {"nodeSelector": fx_gpu_node_selector, "tolerations": [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]})))

# A DaemonSet for every node (no GPU selection) is not this rule's concern.
fixtures.deny_gpu_daemonset_toleration_allow_not_gpu := fx_review(fx_daemonset(fx_pod_spec))

fixtures.deny_gpu_daemonset_toleration_deny_node_selector := fx_review(fx_daemonset(object.union(fx_pod_spec, {"nodeSelector": fx_gpu_node_selector})))

fixtures.deny_gpu_daemonset_toleration_deny_affinity := fx_review(fx_daemonset(object.union(fx_pod_spec, {"affinity": fx_gpu_affinity})))

fixtures.deny_gpu_daemonset_toleration_deny_wrong_value := fx_review(fx_daemonset(object.union(fx_pod_spec, {"nodeSelector": fx_gpu_node_selector, "tolerations": [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}]})))
