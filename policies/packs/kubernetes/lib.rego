package kubernetes_admission

import rego.v1

# Helpers shared by this pack's rules. Plain style that both embedded engines evaluate alike: no
# `every`; messages are assembled with concat (regopy's sprintf quotes strings that concat produced,
# and renders %v of a string differently from OPA).

as_object(value) := value if is_object(value)

as_object(value) := {} if not is_object(value)

as_array(value) := value if is_array(value)

as_array(value) := [] if not is_array(value)

has_key(obj, key) if key in object.keys(as_object(obj))

reviewed := as_object(object.get(as_object(object.get(input, "review", {})), "object", {}))

parameters := as_object(object.get(input, "parameters", {}))

kind := object.get(reviewed, "kind", "")

metadata := as_object(object.get(reviewed, "metadata", {}))

name := object.get(metadata, "name", "")

namespace := object.get(metadata, "namespace", object.get(as_object(object.get(input, "review", {})), "namespace", "default"))

# "Deployment ai-models/fraud-scoring", or "ClusterRole view-all" for cluster-scoped objects.
subject := concat("", [kind, " ", namespace, "/", name]) if has_key(metadata, "namespace")

subject := concat("", [kind, " ", name]) if not has_key(metadata, "namespace")

spec := as_object(object.get(reviewed, "spec", {}))

# Every kind that embeds a pod template, and where the template sits.
template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

pod_template := {"metadata": metadata, "spec": spec} if kind == "Pod"

pod_template := as_object(object.get(spec, "template", {})) if kind in template_kinds

pod_template := as_object(object.get(as_object(object.get(as_object(object.get(spec, "jobTemplate", {})), "spec", {})), "template", {})) if {
	kind == "CronJob"
}

pod_spec := as_object(object.get(pod_template, "spec", {}))

pod_metadata := as_object(object.get(pod_template, "metadata", {}))

pod_security_context := as_object(object.get(pod_spec, "securityContext", {}))

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# Every container of the pod template, init and ephemeral ones included.
containers contains {"field": field, "container": as_object(container)} if {
	some field in container_fields
	some container in as_array(object.get(pod_spec, field, []))
}

container_name(entry) := object.get(entry.container, "name", "")

# "Deployment ai-models/x: containers \"server\"" — the prefix of every container message.
where(entry) := concat("", [subject, ": ", entry.field, " \"", container_name(entry), "\""])

security_context(entry) := as_object(object.get(entry.container, "securityContext", {}))

# A container-level security setting overrides the pod-level one.
effective_setting(entry, field) := security_context(entry)[field] if has_key(security_context(entry), field)

effective_setting(entry, field) := pod_security_context[field] if {
	not has_key(security_context(entry), field)
	has_key(pod_security_context, field)
}

# Containers that run for the life of the pod (init and ephemeral containers do not serve traffic).
app_containers contains entry if {
	some entry in containers
	entry.field == "containers"
}

# Containers whose resources the API lets us set (ephemeral containers cannot declare resources).
sized_containers contains entry if {
	some entry in containers
	entry.field != "ephemeralContainers"
}
