package kubernetes_admission

import rego.v1

resource_keys := [["requests", "cpu"], ["requests", "memory"], ["limits", "cpu"], ["limits", "memory"]]

# METADATA
# title: Containers declare CPU and memory requests and limits
# description: Every init and app container must declare requests and limits for cpu and memory.
# custom:
#   severity: medium
#   controls: [NIST-800-53:SC-6, NIST-800-53:CM-6, ISO-27001:A.8.6]
#   message: Set resources.requests and resources.limits for cpu and memory on the container.
deny_missing_resources contains msg if {
	some entry in sized_containers
	resources := as_object(object.get(entry.container, "resources", {}))
	missing := [concat(".", key) |
		some key in resource_keys
		not has_key(as_object(object.get(resources, key[0], {})), key[1])
	]
	count(missing) > 0
	msg := concat("", [where(entry), " lacks resources ", concat(", ", missing)])
}

# The tag of an image reference; undefined when pinned by digest or untagged.
image_tag(image) := tag if {
	not contains(image, "@")
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	pieces := split(last, ":")
	tag := pieces[count(pieces) - 1]
}

pinned_by_digest(image) if contains(image, "@sha256:")

# METADATA
# title: Images are pinned, never latest or untagged
# description: Every container image must carry an explicit tag other than latest, or a digest.
# custom:
#   severity: high
#   controls: [CIS-EKS-5.1.1, NIST-800-53:CM-2, NIST-800-53:SI-7, ISO-27001:A.8.32]
#   message: Pin the image to a version tag (e.g. 1.4.2) or, better, to a digest (@sha256:...).
deny_image_latest_tag contains msg if {
	some entry in containers
	image := object.get(entry.container, "image", "")
	not pinned_by_digest(image)
	not image_tag(image)
	msg := concat("", [where(entry), " uses untagged image ", image])
}

deny_image_latest_tag contains msg if {
	some entry in containers
	image := object.get(entry.container, "image", "")
	not pinned_by_digest(image)
	image_tag(image) == "latest"
	msg := concat("", [where(entry), " uses the latest tag (", image, ")"])
}

allowed_registries := as_array(object.get(parameters, "allowedRegistries", []))

from_allowed_registry(image) if {
	some prefix in allowed_registries
	is_string(prefix)
	prefix != ""
	startswith(image, prefix)
}

# METADATA
# title: Images come from allowed registries
# description: >-
#   Every container image must start with one of the registry prefixes in
#   input.parameters.allowedRegistries (the stack's gate.allowedRegistries). With no list
#   configured every image is refused: the gate fails closed.
# custom:
#   severity: high
#   controls: [CIS-EKS-5.1.4, NIST-800-53:CM-7, NIST-800-53:SR-3, ISO-27001:A.8.19]
#   message: Push the image to an allowed registry (or add the registry to gate.allowedRegistries after review).
#   config_keys: [gate.allowedRegistries]
deny_image_registry_not_allowed contains msg if {
	some entry in containers
	image := object.get(entry.container, "image", "")
	not from_allowed_registry(image)
	msg := concat("", [where(entry), " uses image ", image, " from a registry that is not allowed"])
}

long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Rollout", "LeaderWorkerSet"}

probe_fields := ["livenessProbe", "readinessProbe"]

# METADATA
# title: Long-running workloads have liveness and readiness probes
# description: >-
#   Containers of Deployments, StatefulSets, DaemonSets and ReplicaSets must declare a liveness and
#   a readiness probe so that failures restart and unready pods receive no traffic.
# custom:
#   severity: medium
#   controls: [NIST-800-53:SI-4, NIST-800-53:CP-10, ISO-27001:A.8.16]
#   message: Add livenessProbe and readinessProbe to the container.
deny_missing_probes contains msg if {
	kind in long_running_kinds
	some entry in app_containers
	some probe in probe_fields
	not has_key(entry.container, probe)
	msg := concat("", [where(entry), " has no ", probe])
}
