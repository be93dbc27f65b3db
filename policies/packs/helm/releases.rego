package helm

import rego.v1

# METADATA
# title: Helm release installs a chart the packs can assess
# description: >-
#   The objects a Helm release installs are not rendered offline; only a chart listed in the pack's
#   chart table (name and repository) is assessed through its values. Any other chart is not
#   assessable: its pods, host access and RBAC are unseen. The gate blocks this finding in prod and
#   reports it as a warning elsewhere (policies/gate/data/opaque.yaml).
# custom:
#   severity: high
#   controls: [NIST-800-53:CM-7, NIST-800-53:CM-8, ISO-27001:A.8.9]
#   message: >-
#     Install the chart from a repository in policies/packs/helm/charts.rego (or add the chart there
#     with its value rules), or waive this finding with an owner and an expiry.
deny_chart_not_known contains msg if {
	release
	not known_chart
	msg := concat("", [
		"Helm release \"", input.__name, "\": chart \"", chart_text, "\" from repository \"", chart_repository,
		"\" is not one the packs know; its values and objects cannot be assessed",
	])
}

# METADATA
# title: Helm release values can be assessed
# description: >-
#   A release whose values are secret, unknown before apply, not an object, or partly read from
#   value files (valueYamlFiles) hides what it installs: the value rules cannot see host access,
#   privileges or images; so do raw manifests the chart renders verbatim (extraManifests,
#   extraObjects, extraDeploy) and a post-renderer (postrender), which rewrites the rendered objects.
#   Such a release is not assessable; the gate blocks it in prod and warns
#   elsewhere.
# custom:
#   severity: high
#   controls: [NIST-800-53:CM-7, NIST-800-53:CM-6, ISO-27001:A.8.9]
#   message: >-
#     Give the release plain, known values inline (keep secrets in Kubernetes Secrets referenced by
#     name, not in values), drop valueYamlFiles and postrender, or waive this finding with an owner and an expiry.
deny_values_not_assessable contains msg if {
	release
	some reason in values_opacity
	msg := concat("", ["Helm release \"", input.__name, "\": values cannot be assessed: ", reason])
}

values_opacity contains "values are not an object (secret, unknown or of the wrong type)" if {
	"values" in object.keys(input)
	not is_object(input.values)
}

values_opacity contains reason if {
	walk(values_object, [path, value])
	opaque_scalar(value)
	reason := concat("", ["the value at ", path_text(path), " is secret or unknown before apply"])
}

# Many charts render raw manifests given in the values verbatim (extraManifests in the
# prometheus-community charts, extraObjects, extraDeploy): any object at all, unseen by the rules.
values_opacity contains reason if {
	walk(values_object, [path, value])
	count(path) > 0
	path[count(path) - 1] in raw_manifest_keys
	not value in {null, "", [], {}}
	reason := concat("", ["the chart renders the raw manifests at ", path_text(path), " verbatim"])
}

raw_manifest_keys := {"extraManifests", "extraObjects", "extraDeploy", "extraTemplateManifests"}

# A post-renderer rewrites the rendered objects after the values are applied.
values_opacity contains "a post-renderer rewrites the rendered objects" if {
	renderer := object.get(input, "postrender", "")
	renderer != ""
	renderer != null
}

values_opacity contains "valueYamlFiles are read from files the gate does not see" if {
	files := object.get(input, "valueYamlFiles", [])
	files != []
	files != null
}

# METADATA
# title: Helm chart version is pinned
# description: >-
#   A release (or a helm.sh Chart component) without an exact chart version (empty, a range, or a
#   tag such as latest) installs whatever the repository serves at apply time, so the reviewed
#   values may meet another chart.
# custom:
#   severity: high
#   controls: [CIS-EKS-5.1.1, NIST-800-53:CM-2, NIST-800-53:SI-7, ISO-27001:A.8.32]
#   message: Set `version` to an exact semantic version (for example 65.1.0).
deny_chart_version_not_pinned contains msg if {
	release
	not pinned_version
	msg := concat("", ["Helm release \"", input.__name, "\": chart version is not an exact version"])
}

deny_chart_version_not_pinned contains msg if {
	input.__type in chart_component_types
	not pinned_version
	msg := concat("", ["Helm chart \"", input.__name, "\": chart version is not an exact version"])
}

# Chart components render at apply time (the gate reports them as not assessable); their version
# still decides what a later review of the same program installs.
chart_component_types := {"kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"}

pinned_version if {
	is_string(input.version)
	regex.match(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`, input.version)
}

# METADATA
# title: Helm values grant no host access or privilege
# description: >-
#   privileged, hostNetwork, hostPID, hostIPC or allowPrivilegeEscalation set to true anywhere in a
#   release's values (as a boolean or a text such as "true" or "yes", which a template renders into
#   the YAML boolean) gives the chart's pods the node; only paths the chart table lists for that
#   chart are accepted.
# custom:
#   severity: critical
#   controls: [CIS-EKS-4.2.1, CIS-EKS-4.2.2, CIS-EKS-4.2.3, CIS-EKS-4.2.4, CIS-EKS-4.2.5, NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: >-
#     Remove the flag from the values, or add its path to the chart's hostAccess list in
#     policies/packs/helm/charts.rego with the reason the chart needs it.
deny_host_access_in_values contains msg if {
	release
	walk(values_object, [path, value])
	count(path) > 0
	path[count(path) - 1] in host_access_flags
	truthy(value)
	where := path_text(path)
	not allowed_host_access(where)
	msg := concat("", ["Helm release \"", input.__name, "\": values set ", where, " to true"])
}

host_access_flags := {"privileged", "hostNetwork", "hostPID", "hostIPC", "allowPrivilegeEscalation"}

allowed_host_access(where) if where in known_chart.hostAccess

# METADATA
# title: Helm values take images from the chart's own registries
# description: >-
#   For a chart the packs know, every image its values name (an `image` reference, a
#   `registry`/`repository` pair, a `global.imageRegistry`) must come from the registries the chart
#   publishes to; an override pointing elsewhere runs code nobody reviewed with the chart's privileges.
# custom:
#   severity: high
#   controls: [CIS-EKS-5.1.4, NIST-800-53:CM-7, NIST-800-53:SR-3, ISO-27001:A.8.19]
#   message: >-
#     Use the chart's default images, or a mirror of them listed in the chart's registries in
#     policies/packs/helm/charts.rego.
deny_image_registry_not_allowed contains msg if {
	release
	entry := known_chart
	some reference in image_references
	not allowed_image(reference, entry.registries)
	msg := concat("", ["Helm release \"", input.__name, "\": image \"", reference, "\" is not from the chart's registries"])
}

# `image: host/path:tag` strings.
image_references contains full_reference(value) if {
	walk(values_object, [path, value])
	count(path) > 0
	path[count(path) - 1] == "image"
	is_string(value)
	value != ""
}

# `image: {registry: host, repository: path}` objects (registry optional).
image_references contains full_reference(reference) if {
	walk(values_object, [_, value])
	is_object(value)
	is_string(value.repository)
	value.repository != ""
	reference := registry_joined(object.get(value, "registry", ""), value.repository)
}

# A registry set on its own (`global.imageRegistry`, `image.registry` with the repository left to
# the chart's default) replaces the host of the chart's images: it must be one of their hosts.
image_references contains concat("", [trim_suffix(value, "/"), "/"]) if {
	walk(values_object, [path, value])
	count(path) > 0
	path[count(path) - 1] in {"imageRegistry", "registry"}
	is_string(value)
	value != ""
}

registry_joined(registry, repository) := repository if registry == ""

registry_joined(registry, repository) := repository if not is_string(registry)

registry_joined(registry, repository) := concat("/", [trim_suffix(registry, "/"), repository]) if {
	is_string(registry)
	registry != ""
}

# Docker Hub short names (`rook/ceph`) mean docker.io.
full_reference(reference) := reference if registry_host(split(reference, "/")[0])

full_reference(reference) := concat("/", ["docker.io", reference]) if not registry_host(split(reference, "/")[0])

registry_host(first) if contains(first, ".")

registry_host(first) if contains(first, ":")

registry_host(first) if first == "localhost"

allowed_image(reference, prefixes) if {
	some prefix in prefixes
	startswith(reference, prefix)
}

# A bare registry (`quay.io/`) is allowed when the chart's images live on that host.
allowed_image(reference, prefixes) if {
	endswith(reference, "/")
	count(split(trim_suffix(reference, "/"), "/")) == 1
	some prefix in prefixes
	startswith(prefix, reference)
}
