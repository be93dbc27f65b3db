package helm

import rego.v1

# Helpers shared by the rules of this pack.
# A value may be "[secret]", a secret envelope or Pulumi's unknown sentinel where an object is
# expected; such a value becomes empty here, and the rules that need it say it cannot be assessed.
as_object(value) := value if is_object(value)

as_object(value) := {} if not is_object(value)

as_array(value) := value if is_array(value)

as_array(value) := [] if not is_array(value)

release_types := {"kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Release"}

release if input.__type in release_types

secret_text := "[secret]"

unknown_text := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# The key Pulumi's wire format marks a secret envelope with.
secret_envelope_key := "4dabf18193072939515e22adb298388d"

opaque_scalar(value) if value == secret_text

opaque_scalar(value) if value == unknown_text

opaque_scalar(value) if {
	is_object(value)
	object.get(value, secret_envelope_key, null) != null
}

# A path inside the values as dotted text (list indexes as numbers): `a.b.0.c`.
path_text(path) := concat(".", [part | some element in path; part := path_part(element)])

path_part(element) := element if is_string(element)

path_part(element) := format_int(element, 10) if is_number(element)

# true, or a text that a template renders unquoted into a YAML 1.1 boolean true (Helm's YAML
# parser reads yes/on/y as true too).
truthy(value) if value == true

truthy(value) if {
	is_string(value)
	lower(trim_space(value)) in {"true", "yes", "on", "y"}
}

# The chart's name and repository, from `chart` and `repositoryOpts.repo`. An OCI reference
# (`oci://host/path/name`) carries its repository; a `alias/name` chart without a repository comes
# from a local repository alias the gate cannot resolve, so it has no known repository.
chart_text := input.chart if is_string(input.chart)

chart_text := "" if not is_string(input.chart)

repository_opts := as_object(object.get(input, "repositoryOpts", {}))

repo_option := trim_suffix(repository_opts.repo, "/") if is_string(repository_opts.repo)

repo_option := "" if not is_string(repository_opts.repo)

chart_parts := split(trim_suffix(chart_text, "/"), "/")

chart_name := chart_parts[count(chart_parts) - 1]

chart_repository := concat("/", array.slice(chart_parts, 0, count(chart_parts) - 1)) if {
	startswith(chart_text, "oci://")
}

chart_repository := repo_option if {
	not startswith(chart_text, "oci://")
	count(chart_parts) == 1
}

chart_repository := "" if {
	not startswith(chart_text, "oci://")
	count(chart_parts) > 1
}

# The table entry of a chart the pack knows: same name, from one of its repositories.
known_chart := entry if {
	entry := charts[chart_name]
	chart_repository != ""
	chart_repository in entry.repositories
}

values := input.values

values_object := as_object(object.get(input, "values", {}))
