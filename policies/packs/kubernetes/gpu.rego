package kubernetes_admission

import rego.v1

# GPU placement and sizing, judged on the scheduling contract (data.node_scheduling, loaded from
# packs/shared by every pack): the extended resource, the taints and the labels of each accelerator are
# read, never spelled here. Without a readable contract the rules cannot tell a GPU pod from another and
# fail closed on every pod spec.

node_scheduling := data.node_scheduling if is_object(data.node_scheduling)

node_scheduling := {} if not is_object(data.node_scheduling)

# Accelerators of the contract whose resource, taints and labels are readable.
node_accelerators[acc_name] := entry if {
	some acc_name, value in as_object(object.get(node_scheduling, "accelerators", {}))
	entry := as_object(value)
	is_string(object.get(entry, "resource", null))
	accelerator_readable(entry)
}

accelerator_readable(entry) if {
	taints := object.get(entry, "taints", null)
	is_array(taints)
	count([t | some t in taints; not contract_taint(t)]) == 0
	is_object(object.get(entry, "labels", null))
}

contract_taint(taint) if {
	is_string(object.get(taint, "key", null))
	is_string(object.get(taint, "value", null))
	is_string(object.get(taint, "effect", null))
}

# An accelerator entry that names a resource but whose taints or labels cannot be read.
unreadable_accelerators contains acc_name if {
	some acc_name, value in as_object(object.get(node_scheduling, "accelerators", {}))
	is_string(object.get(as_object(value), "resource", null))
	not accelerator_readable(as_object(value))
}

contract_unusable if count(node_accelerators) == 0

contract_unusable if count(unreadable_accelerators) > 0

container_resources(entry) := as_object(object.get(entry.container, "resources", {}))

# The accelerators a container asks for, in its requests or its limits.
container_asks(entry, accelerator) if {
	some section in ["requests", "limits"]
	has_key(as_object(object.get(container_resources(entry), section, {})), accelerator.resource)
}

# A toleration tolerates a taint as the scheduler decides: same key (or no key with Exists), Exists or
# the same value, and the same effect (or none, which tolerates every effect).
tolerates(toleration, taint) if {
	toleration_key_matches(toleration, taint)
	object.get(toleration, "effect", "") in {"", taint.effect}
}

toleration_key_matches(toleration, _) if {
	not has_key(toleration, "key")
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

pod_tolerates(pod, taint) if {
	some toleration in as_array(object.get(pod.spec, "tolerations", []))
	tolerates(as_object(toleration), taint)
}

taint_text(taint) := concat("", [taint.key, "=", taint.value, ":", taint.effect])

# METADATA
# title: GPU workloads tolerate their accelerator's taints
# description: >-
#   A pod with a container that requests an accelerator's extended resource (data.node_scheduling, e.g.
#   nvidia.com/gpu) must tolerate every taint of that accelerator's node pools, or it can never be scheduled.
# custom:
#   severity: high
#   controls: [NIST-800-53:CM-6, NIST-800-53:SC-6, ISO-27001:A.8.6]
#   message: >-
#     Add tolerations for the accelerator's taints (policies/packs/shared/node_scheduling.data.yaml; for
#     NVIDIA {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}) to the pod template.
#   config_keys: [nodePools.*.accelerator, nodePools.*.taints]
deny_gpu_without_toleration contains msg if {
	some entry in containers
	some acc_name, asked in node_accelerators
	container_asks(entry, asked)
	some taint in node_accelerators[acc_name].taints
	not pod_tolerates(entry.pod, taint)
	msg := concat("", [where(entry), " requests ", node_accelerators[acc_name].resource, " but the pod does not tolerate the taint ", taint_text(taint)])
}

deny_gpu_without_toleration contains msg if {
	contract_unusable
	count(pod_specs) > 0
	msg := concat("", [subject, ": the scheduling contract (data.node_scheduling) is missing or unreadable: GPU tolerations cannot be assessed"])
}

# Extended resources are whole numbers: an integer, or a text of digits.
quantity(value) := value if {
	is_number(value)
	value == floor(value)
}

quantity(value) := to_number(value) if {
	is_string(value)
	regex.match(`^[0-9]+$`, value)
}

# METADATA
# title: GPU containers set accelerator limits, equal to their requests
# description: >-
#   A container that asks for an accelerator's extended resource (in requests or limits) must set it in
#   limits, and a request, when set, must equal the limit: Kubernetes cannot overcommit extended
#   resources, the namespace quota counts requests, and a GPU job without a limit is how a pod ends up
#   holding GPUs nobody accounted for. Values that are not whole numbers cannot be assessed.
# custom:
#   severity: high
#   controls: [NIST-800-53:SC-6, NIST-800-53:CM-6, ISO-27001:A.8.6]
#   message: >-
#     Set resources.limits.<resource> (e.g. nvidia.com/gpu: 1) on the container, and either no request
#     for it or a request equal to the limit.
deny_gpu_limits contains msg if {
	some entry in containers
	some acc_name, asked in node_accelerators
	container_asks(entry, asked)
	resource := node_accelerators[acc_name].resource
	limits := as_object(object.get(container_resources(entry), "limits", {}))
	not has_key(limits, resource)
	msg := concat("", [where(entry), " requests ", resource, " without a limit for it"])
}

deny_gpu_limits contains msg if {
	some entry in containers
	some acc_name, asked in node_accelerators
	container_asks(entry, asked)
	resource := node_accelerators[acc_name].resource
	some section in ["requests", "limits"]
	values := as_object(object.get(container_resources(entry), section, {}))
	has_key(values, resource)
	not quantity(values[resource])
	msg := concat("", [where(entry), " ", section, ".", resource, " is not a whole number and cannot be assessed"])
}

deny_gpu_limits contains msg if {
	some entry in containers
	some acc_name, asked in node_accelerators
	container_asks(entry, asked)
	resource := node_accelerators[acc_name].resource
	resources := container_resources(entry)
	limit := quantity(as_object(object.get(resources, "limits", {}))[resource])
	request := quantity(as_object(object.get(resources, "requests", {}))[resource])
	request != limit
	msg := concat("", [where(entry), " requests ", resource, " ", format_int(request, 10), " but limits it to ", format_int(limit, 10), ": they must be equal"])
}

deny_gpu_limits contains msg if {
	contract_unusable
	count(pod_specs) > 0
	msg := concat("", [subject, ": the scheduling contract (data.node_scheduling) is missing or unreadable: GPU limits cannot be assessed"])
}

# --- DaemonSets placed on accelerator nodes ----------------------------------------------------------

# The accelerators whose nodes a pod spec selects: a nodeSelector entry with one of the accelerator's
# labels, or a required node-affinity term that asks for one (In with its value, or Exists).
pod_selects(pod, accelerator) if {
	some key, value in accelerator.labels
	object.get(as_object(object.get(pod.spec, "nodeSelector", {})), key, null) == value
}

pod_selects(pod, accelerator) if {
	some key, value in accelerator.labels
	some term in required_node_terms(pod)
	some expression in as_array(object.get(as_object(term), "matchExpressions", []))
	expression_selects(as_object(expression), key, value)
}

required_node_terms(pod) := terms if {
	affinity := as_object(object.get(pod.spec, "affinity", {}))
	node_affinity := as_object(object.get(affinity, "nodeAffinity", {}))
	required := as_object(object.get(node_affinity, "requiredDuringSchedulingIgnoredDuringExecution", {}))
	terms := as_array(object.get(required, "nodeSelectorTerms", []))
}

expression_selects(expression, key, value) if {
	object.get(expression, "key", null) == key
	object.get(expression, "operator", null) == "In"
	value in as_array(object.get(expression, "values", []))
}

expression_selects(expression, key, _) if {
	object.get(expression, "key", null) == key
	object.get(expression, "operator", null) == "Exists"
}

# METADATA
# title: DaemonSets placed on GPU nodes tolerate the accelerator's taints
# description: >-
#   A DaemonSet whose node selection (nodeSelector or required node affinity) targets an accelerator's
#   nodes by its labels (data.node_scheduling) must tolerate every taint of that accelerator: otherwise
#   the device plugin, the GPU exporter or any agent meant for GPU nodes schedules nowhere, and the GPUs
#   are never advertised or watched. The most frequent GPU bug of public EKS blueprints.
# custom:
#   severity: high
#   controls: [NIST-800-53:CM-6, NIST-800-53:SI-4, ISO-27001:A.8.6]
#   message: >-
#     Add the accelerator's taints as tolerations to the DaemonSet's pod template (for NVIDIA
#     {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}).
#   config_keys: [nodePools.*.accelerator, nodePools.*.taints]
deny_gpu_daemonset_toleration contains msg if {
	kind == "DaemonSet"
	some pod in pod_specs
	some acc_name, accelerator in node_accelerators
	pod_selects(pod, accelerator)
	some taint in accelerator.taints
	not pod_tolerates(pod, taint)
	msg := concat("", [pod_label(pod.path), ": selects ", acc_name, " accelerator nodes but does not tolerate their taint ", taint_text(taint)])
}

deny_gpu_daemonset_toleration contains msg if {
	kind == "DaemonSet"
	contract_unusable
	msg := concat("", [subject, ": the scheduling contract (data.node_scheduling) is missing or unreadable: GPU node placement cannot be assessed"])
}
