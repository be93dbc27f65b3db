package gpu

import rego.v1

# Helpers for this pack's stack rules (input.resources). The accelerators' resources, taints and labels
# come from the scheduling contract (data.node_scheduling, packs/shared), the GPU charts and the team label
# from gpu.data.yaml (data.gpu_pack). Plain style both embedded engines agree on: no `every`, no set
# unions of comprehensions, no two-variable `some` inside a comprehension.

as_object(value) := value if is_object(value)

as_object(value) := {} if not is_object(value)

as_array(value) := value if is_array(value)

as_array(value) := [] if not is_array(value)

resources := as_array(object.get(input, "resources", []))

metadata_of(resource) := as_object(object.get(resource, "metadata", {}))

labels_of(resource) := as_object(object.get(metadata_of(resource), "labels", {}))

# --- the contract ------------------------------------------------------------------------------------

node_scheduling := data.node_scheduling if is_object(data.node_scheduling)

node_scheduling := {} if not is_object(data.node_scheduling)

pack_data := data.gpu_pack if is_object(data.gpu_pack)

pack_data := {} if not is_object(data.gpu_pack)

# Accelerators of the contract (an extended resource) whose taints and labels are readable.
node_accelerators[acc_name] := entry if {
	some acc_name, value in as_object(object.get(node_scheduling, "accelerators", {}))
	entry := as_object(value)
	is_string(object.get(entry, "resource", null))
	accelerator_readable(entry)
}

accelerator_readable(entry) if {
	taints := object.get(entry, "taints", null)
	is_array(taints)
	count([t | some t in taints; not readable_taint(t)]) == 0
	is_object(object.get(entry, "labels", null))
	is_array(object.get(entry, "amiTypes", null))
}

readable_taint(taint) if {
	is_string(object.get(taint, "key", null))
	is_string(object.get(taint, "value", null))
	object.get(taint, "effect", null) in object.keys(eks_taint_effects)
}

unreadable_accelerators contains acc_name if {
	some acc_name, value in as_object(object.get(node_scheduling, "accelerators", {}))
	is_string(object.get(as_object(value), "resource", null))
	not accelerator_readable(as_object(value))
}

release_table := as_object(object.get(pack_data, "releases", {}))

team_label := object.get(pack_data, "teamLabel", null)

platform_team := object.get(pack_data, "platformTeam", null)

pack_data_readable if {
	count(release_table) > 0
	is_string(team_label)
	is_string(platform_team)
}

# The contract or this pack's data cannot be read: every rule fails closed once node groups exist.
contract_unusable if count(node_accelerators) == 0

contract_unusable if count(unreadable_accelerators) > 0

contract_unusable if not pack_data_readable

node_groups := [r | some r in resources; r.__type == "aws:eks/nodeGroup:NodeGroup"]

unusable_contract_message := "the scheduling contract (data.node_scheduling) or the gpu pack's data (data.gpu_pack) is missing or unreadable: GPU node groups cannot be assessed"

# --- node groups -------------------------------------------------------------------------------------

# Kubernetes' taint effects as the EKS API spells them on a node group.
eks_taint_effects := {"NoSchedule": "NO_SCHEDULE", "PreferNoSchedule": "PREFER_NO_SCHEDULE", "NoExecute": "NO_EXECUTE"}

kubernetes_effects := {"NO_SCHEDULE": "NoSchedule", "PREFER_NO_SCHEDULE": "PreferNoSchedule", "NO_EXECUTE": "NoExecute"}

# A node group is one of an accelerator's pools when it has the accelerator's AMI type, one of its
# labels or one of its taints.
node_group_of(group, accelerator) if object.get(group, "amiType", "") in accelerator.amiTypes

node_group_of(group, accelerator) if {
	some key, value in accelerator.labels
	object.get(as_object(object.get(group, "labels", {})), key, null) == value
}

node_group_of(group, accelerator) if {
	some taint in accelerator.taints
	some present in as_array(object.get(group, "taints", []))
	object.get(present, "key", null) == taint.key
}

# {"group": node group, "accelerator": name} for every accelerator pool of the plan.
accelerator_groups contains {"group": group, "accelerator": acc_name} if {
	some group in node_groups
	some acc_name, accelerator in node_accelerators
	node_group_of(group, accelerator)
}

accelerators_in_plan contains entry.accelerator if some entry in accelerator_groups

# Every taint, as Kubernetes spells it, that a pod must tolerate to run on all of an accelerator's pools:
# the contract's, and each pool's own (a training pool's spot taint...). {"accelerator", "taint"}.
required_taints contains {"accelerator": acc_name, "taint": taint} if {
	some acc_name in accelerators_in_plan
	some taint in node_accelerators[acc_name].taints
}

required_taints contains {"accelerator": entry.accelerator, "taint": taint} if {
	some entry in accelerator_groups
	some present in as_array(object.get(entry.group, "taints", []))
	taint := {
		"key": object.get(present, "key", ""),
		"value": object.get(present, "value", ""),
		"effect": object.get(kubernetes_effects, object.get(present, "effect", ""), ""),
	}
}

taint_text(taint) := concat("", [taint.key, "=", taint.value, ":", taint.effect])

# --- tolerations -------------------------------------------------------------------------------------

# As the scheduler decides: same key (or no key with Exists), Exists or the same value, same effect or none.
tolerates(toleration, taint) if {
	toleration_key_matches(toleration, taint)
	object.get(toleration, "effect", "") in {"", taint.effect}
}

toleration_key_matches(toleration, _) if {
	not "key" in object.keys(toleration)
	object.get(toleration, "operator", "") == "Exists"
}

toleration_key_matches(toleration, taint) if {
	object.get(toleration, "key", null) == taint.key
	object.get(toleration, "operator", "Equal") == "Exists"
}

toleration_key_matches(toleration, taint) if {
	object.get(toleration, "key", null) == taint.key
	object.get(toleration, "operator", "Equal") == "Equal"
	object.get(toleration, "value", "") == taint.value
}

tolerated(tolerations, taint) if {
	some toleration in tolerations
	tolerates(as_object(toleration), taint)
}

# --- releases and clusters ---------------------------------------------------------------------------

release_types := {"kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Release"}

releases := [r | some r in resources; r.__type in release_types]

chart_name(release) := name if {
	chart := object.get(release, "chart", "")
	is_string(chart)
	parts := split(chart, "/")
	name := parts[count(parts) - 1]
}

# The GPU chart entry of a release (undefined for other charts).
gpu_chart(release) := as_object(release_table[chart_name(release)])

kubernetes_providers := [p | some p in resources; p.__type == "pulumi:providers:kubernetes"]

provider_ref_matches(ref, urn) if ref == urn

provider_ref_matches(ref, urn) if startswith(ref, concat("", [urn, "::"]))

# The EKS cluster URNs a resource reaches through an input (the plan's property dependencies).
dependency_urns(resource, key) := as_array(object.get(plan_property_dependencies(resource), key, []))

# What a release's Kubernetes provider was built from: every URN any of its inputs depends on (the
# program's provider reaches its EKS cluster through the credentials input). Only the plan's dependency
# lists are read, never an input's value (which is a secret).
release_clusters(release) := {urn |
	some provider in kubernetes_providers
	provider_ref_matches(plan_provider_reference(release), provider.__urn)
	dependencies := plan_property_dependencies(provider)
	some input_name in object.keys(dependencies)
	some urn in as_array(dependencies[input_name])
}
