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

# Values that stand for something the gate cannot read: a secret, or Pulumi's unknown sentinel.
opaque_values := {"[secret]", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}

# A boolean field as the API would read it; strings "true"/"false" are coerced, anything else
# (a secret, the unknown sentinel, a number) leaves it undefined so that rules fail closed.
bool_value(value) := value if is_boolean(value)

bool_value(value) := true if {
	is_string(value)
	lower(trim_space(value)) == "true"
}

bool_value(value) := false if {
	is_string(value)
	lower(trim_space(value)) == "false"
}

# An integer field; digit strings ("8080", "0") are coerced, anything else is undefined.
int_value(value) := value if is_number(value)

int_value(value) := to_number(trim_space(value)) if {
	is_string(value)
	regex.match(`^\s*-?[0-9]+\s*$`, value)
}

# A path from walk() as "spec.template.spec" (array indices as numbers).
path_segment(segment) := segment if is_string(segment)

path_segment(segment) := format_int(segment, 10) if is_number(segment)

path_text(path) := text if {
	segments := [path_segment(segment) | some segment in path]
	text := concat(".", segments)
}

# Where the pod spec of each built-in workload kind sits; messages about a pod spec found there
# keep the plain subject, a pod spec found anywhere else names its path.
canonical_pod_paths := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
	"PodTemplate": ["template", "spec"],
}

api_version := object.get(reviewed, "apiVersion", "")

# Built-in kinds: the API schema fixes where their pod spec sits (the gate validates them in strict
# mode, and the API server drops unknown fields), so they are not walked. walk() visits every leaf
# and costs regopy more than the rest of the pack; every other object is walked.
builtin_workloads := {
	["v1", "Pod"], ["apps/v1", "Deployment"], ["apps/v1", "StatefulSet"], ["apps/v1", "DaemonSet"],
	["apps/v1", "ReplicaSet"], ["v1", "ReplicationController"], ["batch/v1", "Job"], ["batch/v1", "CronJob"],
	["v1", "PodTemplate"],
}

builtin_without_pods := {
	["v1", "Namespace"], ["v1", "ConfigMap"], ["v1", "Secret"], ["v1", "Service"], ["v1", "ServiceAccount"],
	["v1", "ResourceQuota"], ["v1", "LimitRange"], ["v1", "PersistentVolume"], ["v1", "PersistentVolumeClaim"],
	["networking.k8s.io/v1", "NetworkPolicy"], ["networking.k8s.io/v1", "Ingress"], ["policy/v1", "PodDisruptionBudget"],
	["rbac.authorization.k8s.io/v1", "Role"], ["rbac.authorization.k8s.io/v1", "ClusterRole"],
	["rbac.authorization.k8s.io/v1", "RoleBinding"], ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding"],
	["storage.k8s.io/v1", "StorageClass"], ["scheduling.k8s.io/v1", "PriorityClass"],
}

# The objects a pod spec may be: the built-in kind's own place, or every object found by walking.
shape_nodes contains [path, node] if {
	[api_version, kind] in builtin_workloads
	path := canonical_pod_paths[kind]
	node := object.get(reviewed, path, null)
	is_object(node)
}

shape_nodes contains [path, node] if {
	not [api_version, kind] in builtin_workloads
	not [api_version, kind] in builtin_without_pods
	walk(reviewed, [path, node])
	is_object(node)
}

# Kinds that always carry a pod spec: when none is found (a secret or unknown template), the
# object cannot be assessed.
workload_kinds := {
	"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
	"PodTemplate", "Rollout", "InferenceService", "RayCluster", "RayService", "TFJob", "PyTorchJob",
	"MPIJob", "XGBoostJob", "PaddleJob", "JAXJob", "SparkApplication", "ScheduledSparkApplication",
	"JobSet", "LeaderWorkerSet", "Notebook",
}

pod_label(path) := subject if path == object.get(canonical_pod_paths, kind, null)

pod_label(path) := concat("", [subject, " (", path_text(path), ")"]) if path != object.get(canonical_pod_paths, kind, null)

# KServe predictor/transformer/explainer components embed a pod spec and name their model server
# container by framework instead of listing it under containers.
kserve_components := {"predictor", "transformer", "explainer"}

kserve_container_keys := [
	"model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface",
	"lightgbm", "paddle", "pmml", "alibi", "art",
]

# Spark Operator driver/executor specs carry the container's settings (image, securityContext)
# and pod-level ones (hostNetwork, podSecurityContext, volumes of the app) directly.
spark_roles := {"driver", "executor"}

last_segment(path) := path[count(path) - 1] if count(path) > 0

parent_of(path) := as_object(object.get(reviewed, array.slice(path, 0, count(path) - 1), {})) if count(path) > 0

# Every pod spec in the object, found by shape wherever it sits: an object with a containers
# field, a KServe component, or a Spark driver/executor.
pod_specs contains pod if {
	some [path, node] in shape_nodes
	has_key(node, "containers")
	pod := {"path": path, "shape": "pod", "spec": node}
}

pod_specs contains pod if {
	some [path, node] in shape_nodes
	not has_key(node, "containers")
	last_segment(path) in kserve_components
	has_key(parent_of(path), "predictor")
	pod := {"path": path, "shape": "pod", "spec": node}
}

pod_specs contains pod if {
	some [path, node] in shape_nodes
	not has_key(node, "containers")
	last_segment(path) in spark_roles
	has_key(parent_of(path), "driver")
	has_key(parent_of(path), "executor")
	pod := {"path": path, "shape": "spark", "spec": node}
}

pod_security_context(pod) := as_object(object.get(pod.spec, "securityContext", {})) if pod.shape == "pod"

pod_security_context(pod) := as_object(object.get(pod.spec, "podSecurityContext", {})) if pod.shape == "spark"

# The pod's metadata: the template's (the object next to the spec) or the Spark role's annotations.
pod_metadata(pod) := as_object(object.get(parent_of(pod.path), "metadata", {})) if {
	pod.shape == "pod"
	last_segment(pod.path) == "spec"
}

pod_metadata(pod) := {} if {
	pod.shape == "pod"
	not last_segment(pod.path) == "spec"
}

pod_metadata(pod) := {"annotations": as_object(object.get(pod.spec, "annotations", {}))} if pod.shape == "spark"

container_fields := ["initContainers", "containers", "ephemeralContainers"]

spark_container_fields := ["initContainers", "sidecars"]

# Every container of every pod spec, init and ephemeral ones included.
containers contains {"pod": pod, "field": field, "container": as_object(container)} if {
	some pod in pod_specs
	pod.shape == "pod"
	some field in container_fields
	some container in as_array(object.get(pod.spec, field, []))
}

containers contains {"pod": pod, "field": field, "container": pod.spec[field]} if {
	some pod in pod_specs
	last_segment(pod.path) in kserve_components
	some field in kserve_container_keys
	is_object(object.get(pod.spec, field, null))
}

containers contains {"pod": pod, "field": field, "container": as_object(container)} if {
	some pod in pod_specs
	pod.shape == "spark"
	some field in spark_container_fields
	some container in as_array(object.get(pod.spec, field, []))
}

# The Spark driver/executor container itself; its image defaults to the application's.
containers contains {"pod": pod, "field": field, "container": container} if {
	some pod in pod_specs
	pod.shape == "spark"
	field := last_segment(pod.path)
	image := object.get(pod.spec, "image", object.get(parent_of(pod.path), "image", ""))
	container := object.union(object.remove(pod.spec, ["image", "name"]), {"image": image, "name": field})
}

container_name(entry) := object.get(entry.container, "name", "")

# "Deployment ai-models/x: containers \"server\"" — the prefix of every container message.
where(entry) := concat("", [pod_label(entry.pod.path), ": ", entry.field, " \"", container_name(entry), "\""])

security_context(entry) := as_object(object.get(entry.container, "securityContext", {}))

# A container-level security setting overrides the pod-level one.
effective_setting(entry, field) := security_context(entry)[field] if has_key(security_context(entry), field)

effective_setting(entry, field) := pod_security_context(entry.pod)[field] if {
	not has_key(security_context(entry), field)
	has_key(pod_security_context(entry.pod), field)
}

# Containers that run for the life of the pod (init and ephemeral containers do not serve traffic).
app_containers contains entry if {
	some entry in containers
	not entry.field in {"initContainers", "ephemeralContainers"}
}

# Containers whose resources the API lets us set (ephemeral containers cannot declare resources;
# a Spark driver or executor is sized by cores and memory instead).
sized_containers contains entry if {
	some entry in containers
	entry.field != "ephemeralContainers"
	not entry.field in spark_roles
}

# The entries of a list field the gate cannot read: the field itself when it is not a list, else
# each entry that is not an object.
unreadable_items(value) := {value} if not is_array(value)

unreadable_items(value) := items if {
	is_array(value)
	items := {item | some item in value; not is_object(item)}
}

# Same for lists of strings.
unreadable_strings(value) := {value} if not is_array(value)

unreadable_strings(value) := items if {
	is_array(value)
	items := {item | some item in value; not is_string(item)}
}
