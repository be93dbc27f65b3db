package helm

import rego.v1

# Rules for what the monitoring stack installs through kube-prometheus-stack (and a standalone
# grafana chart). Value paths checked against kube-prometheus-stack's values.yaml and templates
# (prometheus-community/helm-charts, chart 88.x): `grafana.adminPassword`,
# `grafana.admin.existingSecret`, `prometheus.prometheusSpec.{replicas,storageSpec}`,
# `alertmanager.alertmanagerSpec.{replicas,storage,useExistingSecret,configSecret,
# alertmanagerConfiguration}`, `alertmanager.{config,stringConfig,tplConfig}`,
# `additionalPrometheusRulesMap` / `additionalPrometheusRules`. Absent values mean the chart's
# defaults: 1 replica, no storage, and every alert routed to the receiver "null".

kube_prometheus_stack if {
	release
	chart_name == "kube-prometheus-stack"
}

# A subchart or component is off only for a boolean false: Helm ignores a non-boolean condition
# (the subchart stays on), and a template's `if` reads the text "false" as true.
disabled(component) if object.get(as_object(component), "enabled", true) == false

# --- Grafana admin password ----------------------------------------------------------------------

grafana_values := values_object if {
	release
	chart_name == "grafana"
}

grafana_values := as_object(object.get(values_object, "grafana", {})) if kube_prometheus_stack

grafana_enabled if {
	kube_prometheus_stack
	not disabled(object.get(values_object, "grafana", {}))
}

grafana_enabled if {
	release
	chart_name == "grafana"
}

# The admin password as the chart reads it (`adminPassword`), as grafana.ini sets it
# (`security.admin_password`) or as an environment variable (`GF_SECURITY_ADMIN_PASSWORD` in `env`
# or `envRenderSecret`): any key that, lower-cased without `_` and `-`, ends in "adminpassword".
# YAML keys are case-sensitive, but a differently-cased key still puts a password in the values.
admin_password_key(key) if {
	is_string(key)
	endswith(lower(replace(replace(key, "_", ""), "-", "")), "adminpassword")
}

# A value that sets the password: anything but null (Helm's "unset") and a plain object, which is
# a reference such as `envValueFrom.GF_SECURITY_ADMIN_PASSWORD.secretKeyRef`. "[secret]" counts:
# Helm stores every value in the release, readable to anyone who can read its Secret.
password_value(value) if {
	value != null
	not is_object(value)
}

password_value(value) if opaque_scalar(value)

# METADATA
# title: Grafana's admin password is neither the default nor in the release values
# description: >-
#   A kube-prometheus-stack (or grafana) release must take Grafana's admin credentials from an
#   existing Secret (`grafana.admin.existingSecret`) and must not set an admin password in its
#   values (`grafana.adminPassword`, grafana.ini's `admin_password`, a GF_SECURITY_ADMIN_PASSWORD
#   variable, whatever the key's case): Helm keeps values in plain text in the release, and without
#   the Secret the chart falls back to its documented default. A secret, unknown or non-text
#   existingSecret cannot be assessed and fails closed.
# custom:
#   severity: high
#   controls: [NIST-800-53:IA-5, NIST-800-53:SC-28, ISO-27001:A.5.17, ISO-27001:A.8.5]
#   message: >-
#     Generate the password into a Kubernetes Secret and set grafana.admin.existingSecret (with
#     userKey/passwordKey); remove every admin password from the values.
deny_grafana_admin_password contains msg if {
	grafana_enabled
	walk(grafana_values, [path, value])
	count(path) > 0
	admin_password_key(path[count(path) - 1])
	password_value(value)
	msg := concat("", ["Helm release \"", input.__name, "\": Grafana admin password set in the values at ", grafana_prefix, path_text(path)])
}

deny_grafana_admin_password contains msg if {
	grafana_enabled
	not existing_admin_secret
	msg := concat("", ["Helm release \"", input.__name, "\": Grafana admin credentials do not come from an existing Secret (", grafana_prefix, "admin.existingSecret is missing, empty, secret or not a text)"])
}

grafana_prefix := "grafana." if kube_prometheus_stack

grafana_prefix := "" if not kube_prometheus_stack

existing_admin_secret if {
	secret_name := object.get(as_object(object.get(grafana_values, "admin", {})), "existingSecret", "")
	is_string(secret_name)
	trim_space(secret_name) != ""
	not opaque_scalar(secret_name)
}

# --- prod: replicas and persistent storage -------------------------------------------------------

stack_resources := as_array(object.get(input, "resources", []))

# The stack's environment as the platform profile declares it (the ConfigMap the ai_governance
# pack reads); a profile whose environment cannot be read counts as prod (fail closed), and so does
# a stack named prod, as for the gate's blocking threshold.
profile_environment(resource) := document.environment if {
	text := object.get(as_object(object.get(resource, "data", {})), "profile.json", "")
	is_string(text)
	json.is_valid(text)
	document := json.unmarshal(text)
	is_object(document)
	is_string(document.environment)
}

platform_profile(resource) if {
	resource.__type == "kubernetes:core/v1:ConfigMap"
	object.get(as_object(object.get(resource, "metadata", {})), "name", "") == "ai-platform-profile"
}

prod_stack if {
	some resource in stack_resources
	platform_profile(resource)
	profile_environment(resource) == "prod"
}

prod_stack if {
	some resource in stack_resources
	platform_profile(resource)
	not profile_environment(resource)
}

prod_stack if {
	some resource in stack_resources
	urn_stack(resource) == "prod"
}

urn_stack(resource) := trim_prefix(split(resource.__urn, "::")[0], "urn:pulumi:") if is_string(resource.__urn)

stack_kube_prometheus_releases contains resource if {
	some resource in stack_resources
	resource.__type in release_types
	is_string(resource.chart)
	parts := split(trim_suffix(resource.chart, "/"), "/")
	parts[count(parts) - 1] == "kube-prometheus-stack"
}

# Replicas as the template renders them: a number, or digits in a text.
replica_count(value) := value if is_number(value)

replica_count(value) := to_number(trim_space(value)) if {
	is_string(value)
	regex.match(`^\s*[0-9]+\s*$`, value)
}

# The prometheus-operator StorageSpec: emptyDir or ephemeral take precedence over a claim template,
# and a claim without a storage request is rejected by the API.
persistent_storage(storage) if {
	is_object(storage)
	object.get(storage, "emptyDir", null) == null
	object.get(storage, "ephemeral", null) == null
	claim_spec := as_object(object.get(as_object(object.get(storage, "volumeClaimTemplate", {})), "spec", {}))
	requested := object.get(as_object(object.get(as_object(object.get(claim_spec, "resources", {})), "requests", {})), "storage", "")
	storage_quantity(requested)
}

storage_quantity(value) if {
	is_number(value)
	value > 0
}

storage_quantity(value) if {
	is_string(value)
	regex.match(`^[0-9]+(\.[0-9]+)?([EPTGM]i|Ki|[EPTGMk])?$`, value)
}

# Prometheus and Alertmanager of each kube-prometheus-stack release: where their spec sits.
ha_components := [
	{"name": "Prometheus", "component": "prometheus", "spec": "prometheusSpec", "storage": "storageSpec"},
	{"name": "Alertmanager", "component": "alertmanager", "spec": "alertmanagerSpec", "storage": "storage"},
]

ha_targets contains {"resource": resource, "name": c.name, "where": concat(".", [c.component, c.spec]), "spec": spec, "storage": c.storage} if {
	prod_stack
	some resource in stack_kube_prometheus_releases
	some c in ha_components
	component_values := object.get(as_object(object.get(resource, "values", {})), c.component, {})
	not disabled(component_values)
	spec := as_object(object.get(as_object(component_values), c.spec, {}))
}

# METADATA
# title: In prod, Prometheus and Alertmanager run at least two replicas on persistent storage
# description: >-
#   In a prod stack (the platform profile's environment, or a stack named prod), every
#   kube-prometheus-stack release runs Prometheus (`prometheus.prometheusSpec`) and Alertmanager
#   (`alertmanager.alertmanagerSpec`) with at least 2 replicas and a volumeClaimTemplate with a
#   storage request (`storageSpec` / `storage`); the chart's defaults are 1 replica and no storage,
#   so a node loss drops alerts and history. Replica counts that are not numbers (a secret, an
#   unknown, a text other than digits) fail closed.
# custom:
#   scope: platform
#   severity: medium
#   controls: [NIST-800-53:SI-4, NIST-800-53:CP-10, ISO-27001:A.8.14, ISO-27001:A.8.16]
#   message: >-
#     Set replicas to 2 or more and a volumeClaimTemplate with resources.requests.storage (encrypted
#     gp3 StorageClass) for Prometheus and Alertmanager in the prod values.
stack_deny_monitoring_not_highly_available contains msg if {
	platform_stack
	some target in ha_targets
	count_value := object.get(target.spec, "replicas", 1)
	not replica_count(count_value)
	msg := concat("", [target.resource.__urn, ": ", target.name, " replicas (", target.where, ".replicas) cannot be assessed in prod"])
}

stack_deny_monitoring_not_highly_available contains msg if {
	platform_stack
	some target in ha_targets
	replicas := replica_count(object.get(target.spec, "replicas", 1))
	replicas < 2
	msg := concat("", [target.resource.__urn, ": ", target.name, " runs ", format_int(replicas, 10), " replica(s) in prod (", target.where, ".replicas); at least 2 are required"])
}

stack_deny_monitoring_not_highly_available contains msg if {
	platform_stack
	some target in ha_targets
	not persistent_storage(object.get(target.spec, target.storage, {}))
	msg := concat("", [target.resource.__urn, ": ", target.name, " has no persistent volume in prod (", target.where, ".", target.storage, ".volumeClaimTemplate with a storage request)"])
}
