package gpu

import rego.v1

# METADATA
# title: Team namespaces have a GPU quota when GPU pools exist
# description: >-
#   When the plan has accelerator node groups (the labels, taints or AMI types of an accelerator of
#   data.node_scheduling), every team namespace (a Namespace labelled with data.gpu_pack.teamLabel, other than
#   the platform's) must have, in the same cluster, an unscoped ResourceQuota with `requests.<resource>` for
#   each such accelerator: otherwise one team can take every GPU of the cluster. Extended resources only
#   take `requests.` quota items.
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:SC-6, NIST-800-53:AC-6, ISO-27001:A.8.6]
#   message: >-
#     Give the team's GovernedNamespace a quota (teams[].quota.gpus); the ResourceQuota's spec.hard must
#     hold requests.<accelerator resource> (e.g. requests.nvidia.com/gpu: "0" for a team without GPUs).
stack_deny_team_namespace_without_gpu_quota contains msg if {
	platform_stack
	not contract_unusable
	some acc_name in accelerators_in_plan
	resource := node_accelerators[acc_name].resource
	some namespace in team_namespaces
	not namespace_has_quota(namespace, concat("", ["requests.", resource]))
	msg := concat("", [namespace.__urn, ": team namespace \"", object.get(metadata_of(namespace), "name", ""), "\" has no ResourceQuota on requests.", resource, " while the plan has ", acc_name, " node groups"])
}

stack_deny_team_namespace_without_gpu_quota contains unusable_contract_message if {
	platform_stack
	contract_unusable
	count(node_groups) > 0
}

team_namespaces contains namespace if {
	some namespace in resources
	namespace.__type == "kubernetes:core/v1:Namespace"
	team := object.get(labels_of(namespace), team_label, null)
	team != platform_team
	team != null
}

# An unscoped quota: a scoped one (scopes, scopeSelector) only counts the pods of its scope.
namespace_has_quota(namespace, item) if {
	some quota in resources
	quota.__type == "kubernetes:core/v1:ResourceQuota"
	plan_provider_reference(quota) == plan_provider_reference(namespace)
	object.get(metadata_of(quota), "namespace", null) == object.get(metadata_of(namespace), "name", "")
	spec := as_object(object.get(quota, "spec", {}))
	count(as_array(object.get(spec, "scopes", []))) == 0
	object.get(spec, "scopeSelector", null) == null
	item in object.keys(as_object(object.get(spec, "hard", {})))
}

# METADATA
# title: GPU DaemonSet releases tolerate every taint of their accelerator's pools
# description: >-
#   A Helm release of a GPU chart (data.gpu_pack.releases: the NVIDIA device plugin, the DCGM exporter)
#   must list, in its values at the chart's tolerations path, a toleration for every taint of its
#   accelerator (data.node_scheduling) and of each of that accelerator's node groups in the plan; otherwise
#   its pods never land on the GPU nodes. The chart's defaults are not counted: they change between chart
#   versions and do not know the platform's pool taints. Unreadable values fail closed.
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:CM-6, NIST-800-53:SI-4, ISO-27001:A.8.6]
#   message: >-
#     Derive the release's tolerations from the node pools (infra/components/nodes/spec.py
#     accelerator_placement) so that they cover every taint of the accelerator's pools.
stack_deny_gpu_release_tolerations contains msg if {
	platform_stack
	not contract_unusable
	some release in releases
	chart := gpu_chart(release)
	acc_name := object.get(chart, "accelerator", "")
	some required in required_taints
	required.accelerator == acc_name
	not tolerated(release_tolerations(release, chart), required.taint)
	msg := concat("", [release.__urn, ": Helm release of ", chart_name(release), " does not tolerate the ", acc_name, " pool taint ", taint_text(required.taint)])
}

stack_deny_gpu_release_tolerations contains msg if {
	platform_stack
	not contract_unusable
	some release in releases
	chart := gpu_chart(release)
	not node_accelerators[object.get(chart, "accelerator", "")]
	msg := concat("", [release.__urn, ": the gpu pack's chart entry for ", chart_name(release), " names no accelerator of the scheduling contract"])
}

stack_deny_gpu_release_tolerations contains unusable_contract_message if {
	platform_stack
	contract_unusable
	count(node_groups) > 0
}

release_tolerations(release, chart) := as_array(object.get(
	as_object(object.get(release, "values", {})),
	object.get(chart, "tolerationsKey", ""),
	[],
))

# METADATA
# title: Every cluster with GPU node groups runs the device plugin
# description: >-
#   An accelerator node group (the labels, taints or AMI types of an accelerator of data.node_scheduling)
#   needs, in the same EKS cluster, a Helm release of a chart that advertises that accelerator
#   (data.gpu_pack.releases, `advertises: true`: the NVIDIA device plugin). The accelerator AMIs ship the
#   driver, not the plugin: without it the nodes never advertise the extended resource, no pod can request
#   a GPU and the pool never scales up. The cluster is found through the node group's clusterName and the
#   release's Kubernetes provider (the plan's property dependencies of their inputs); a node group whose
#   cluster cannot be resolved fails closed. Node groups on an AMI that runs the plugin itself
#   (data.node_scheduling accelerators.<name>.amiTypesWithOwnDevicePlugin: Bottlerocket's NVIDIA
#   variants) need no release.
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:CM-6, NIST-800-53:CM-2, ISO-27001:A.8.9]
#   message: >-
#     Install the device plugin release in every cluster with GPU pools (infra/components/in_cluster.py,
#     next to the DCGM exporter), on that cluster's Kubernetes provider.
stack_deny_accelerator_without_device_plugin contains msg if {
	platform_stack
	not contract_unusable
	some entry in accelerator_groups
	not ships_own_plugin(entry.group, entry.accelerator)
	not cluster_advertises(entry.group, entry.accelerator)
	msg := concat("", [entry.group.__urn, ": ", entry.accelerator, " node group has no device-plugin release in its cluster: its accelerators are never advertised to Kubernetes"])
}

stack_deny_accelerator_without_device_plugin contains unusable_contract_message if {
	platform_stack
	contract_unusable
	count(node_groups) > 0
}

# Bottlerocket's NVIDIA variants run the plugin on the host (the contract's amiTypesWithOwnDevicePlugin).
ships_own_plugin(group, acc_name) if {
	accelerator := as_object(object.get(as_object(object.get(node_scheduling, "accelerators", {})), acc_name, {}))
	object.get(group, "amiType", null) in as_array(object.get(accelerator, "amiTypesWithOwnDevicePlugin", []))
}

cluster_advertises(group, acc_name) if {
	some cluster in dependency_urns(group, "clusterName")
	some release in releases
	chart := gpu_chart(release)
	object.get(chart, "accelerator", "") == acc_name
	object.get(chart, "advertises", false) == true
	cluster in release_clusters(release)
}
