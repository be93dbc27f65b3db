package gpu

import rego.v1

# A compliant stack shared by this pack's fixtures: one EKS cluster with a CPU pool and an NVIDIA pool, its
# Kubernetes provider, a team namespace with its GPU quota, the device plugin and the DCGM exporter. Each
# deny case breaks exactly one property. Helper names start with fx_.

fx_set(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

fx_cluster_urn := "urn:pulumi:prod::ai-platform::ai-platform:cluster:Cluster$aws:eks/cluster:Cluster::prod-eu-west-1-eks"

fx_provider_urn := "urn:pulumi:prod::ai-platform::ai-platform:region:RegionalPlatform$pulumi:providers:kubernetes::k8s-eu-west-1"

fx_provider_ref := concat("", [fx_provider_urn, "::71f6fb4d-e385-provider"])

fx_k8s_provider := {
	"__type": "pulumi:providers:kubernetes",
	"__urn": fx_provider_urn,
	"__name": "k8s-eu-west-1",
	"enableServerSideApply": true,
	# The program's provider depends on the cluster through its credentials input; the rule reads the
	# dependency lists whatever the input (tests/policies/corpus has the program's exact shape).
	"__propertyDependencies": {"cluster": [fx_cluster_urn]},
}

fx_node_group(name, labels, taints, ami) := {
	"__type": "aws:eks/nodeGroup:NodeGroup",
	"__urn": concat("", ["urn:pulumi:prod::ai-platform::ai-platform:nodes:NodePools$aws:eks/nodeGroup:NodeGroup::prod-eu-west-1-nodes-", name]),
	"__name": concat("", ["prod-eu-west-1-nodes-", name]),
	"amiType": ami,
	"clusterName": "ai-platform-prod-eu-west-1",
	"labels": labels,
	"taints": taints,
	"__propertyDependencies": {"clusterName": [fx_cluster_urn]},
}

fx_gpu_taint := {"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}

fx_gpu_group := fx_node_group("gpu", {"ai-platform/pool": "gpu", "nvidia.com/gpu.present": "true"}, [fx_gpu_taint], "AL2023_x86_64_NVIDIA")

fx_cpu_group := fx_node_group("cpu", {"ai-platform/pool": "cpu"}, [], "AL2023_x86_64_STANDARD")

fx_namespace(name, team) := {
	"__type": "kubernetes:core/v1:Namespace",
	"__urn": concat("", ["urn:pulumi:prod::ai-platform::ai-platform:namespaces:GovernedNamespace$kubernetes:core/v1:Namespace::", name]),
	"__name": name,
	"__provider": fx_provider_ref,
	"metadata": {"name": name, "labels": {"ai-platform/team": team}},
}

fx_quota(namespace, spec) := {
	"__type": "kubernetes:core/v1:ResourceQuota",
	"__urn": concat("", ["urn:pulumi:prod::ai-platform::ai-platform:namespaces:GovernedNamespace$kubernetes:core/v1:ResourceQuota::", namespace, "-quota"]),
	"__name": concat("", [namespace, "-quota"]),
	"__provider": fx_provider_ref,
	"metadata": {"name": "compute", "namespace": namespace},
	"spec": spec,
}

fx_team_quota := fx_quota("ml-research", {"hard": {"requests.cpu": "8", "pods": "50", "requests.nvidia.com/gpu": "4"}})

fx_gpu_toleration := {"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}

fx_release(name, chart, values) := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": concat("", ["urn:pulumi:prod::ai-platform::ai-platform:gpu:Release$kubernetes:helm.sh/v3:Release::", name]),
	"__name": name,
	"__provider": fx_provider_ref,
	"chart": chart,
	"namespace": "node-agents",
	"values": values,
}

fx_device_plugin := fx_release("prod-eu-west-1-k8s-device-plugin", "nvidia-device-plugin", {"nodeSelector": {"nvidia.com/gpu.present": "true"}, "tolerations": [fx_gpu_toleration]})

fx_dcgm := fx_release("prod-eu-west-1-k8s-dcgm", "dcgm-exporter", {"tolerations": [fx_gpu_toleration]})

fx_stack_resources := [
	fx_k8s_provider,
	fx_cpu_group,
	fx_gpu_group,
	fx_namespace("ml-research", "ml-research"),
	fx_team_quota,
	fx_namespace("monitoring", "platform"),
	fx_device_plugin,
	fx_dcgm,
]

fx_stack(resources) := {"resources": resources}

fx_good_stack := fx_stack(fx_stack_resources)

# The good stack with one resource (found by URN) replaced.
fx_replace(old, new) := fx_stack([r |
	some x in fx_stack_resources
	r := fx_pick(x, old, new)
])

fx_pick(x, old, new) := new if x.__urn == old.__urn

fx_pick(x, old, _) := x if x.__urn != old.__urn

fx_without(old) := fx_stack([x | some x in fx_stack_resources; x.__urn != old.__urn])
