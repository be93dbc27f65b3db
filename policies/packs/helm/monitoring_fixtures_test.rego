package helm

import rego.v1

# A compliant kube-prometheus-stack release as the platform installs it (Grafana from a Secret,
# prod replicas and storage, routed alerts, labelled rules); each deny case breaks one property.

fx_claim := {"volumeClaimTemplate": {"spec": {"storageClassName": "gp3-encrypted", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}}}}}

fx_am_config := {
	"route": {
		"receiver": "platform-email",
		"group_by": ["alertname", "model"],
		"routes": [
			{"receiver": "null", "matchers": ["alertname = \"Watchdog\"", "severity!=\"critical\""]},
			{"receiver": "oncall", "matchers": ["severity=\"critical\""], "repeat_interval": "1h"},
			{
				"receiver": "team-risk-models",
				"matchers": ["team=\"risk-models\""],
				"routes": [{"receiver": "oncall", "matchers": ["severity=critical"]}],
			},
		],
	},
	"receivers": [
		{"name": "null"},
		{"name": "platform-email", "email_configs": [{"to": "ai-oncall@example.com"}]},
		{"name": "oncall", "pagerduty_configs": [{"routing_key_file": "/etc/alertmanager/secrets/alertmanager-credentials/pagerduty"}]},
		{"name": "team-risk-models", "slack_configs": [{"api_url_file": "/etc/alertmanager/secrets/alertmanager-credentials/slack"}]},
	],
}

fx_alert := {
	"alert": "ModelDriftCritical",
	"expr": "ai_platform_drift_psi > 0.25",
	"for": "10m",
	"labels": {"severity": "critical", "team": "risk-models"},
	"annotations": {"summary": "drift", "runbook_url": "https://github.com/example/ai-platform/blob/main/docs/runbooks/drift.md"},
}

fx_record := {"record": "model:drift_psi:max", "expr": "max by (model) (ai_platform_drift_psi)"}

fx_rules_map(rules) := {"drift": {"groups": [{"name": "drift", "rules": rules}]}}

fx_kps_values := {
	"grafana": {"admin": {"existingSecret": "grafana-admin", "userKey": "admin-user", "passwordKey": "admin-password"}},
	"prometheus": {"prometheusSpec": {"replicas": 2, "storageSpec": fx_claim}},
	"alertmanager": {"config": fx_am_config, "alertmanagerSpec": {"replicas": 2, "storage": fx_claim}},
	"additionalPrometheusRulesMap": fx_rules_map([fx_alert, fx_record]),
}

good_kps := fx_set(good_release, "values", fx_kps_values)

fx_kps_with(key, value) := fx_set(good_kps, "values", fx_set(fx_kps_values, key, value))

fx_grafana(grafana) := fx_kps_with("grafana", grafana)

fx_admin := {"existingSecret": "grafana-admin"}

good_grafana_chart := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v3:Release::grafana",
	"__name": "grafana",
	"chart": "grafana",
	"version": "8.5.0",
	"repositoryOpts": {"repo": "https://grafana.github.io/helm-charts"},
	"values": {"admin": fx_admin},
}

# deny_grafana_admin_password
fixtures.deny_grafana_admin_password_allow_existing_secret := good_kps

fixtures.deny_grafana_admin_password_allow_grafana_disabled := fx_grafana({"enabled": false})

fixtures.deny_grafana_admin_password_allow_grafana_chart_existing_secret := good_grafana_chart

fixtures.deny_grafana_admin_password_allow_env_from_secret := fx_grafana({
	"admin": fx_admin,
	"envValueFrom": {"GF_SECURITY_ADMIN_PASSWORD": {"secretKeyRef": {"name": "grafana-admin", "key": "admin-password"}}},
})

fixtures.deny_grafana_admin_password_allow_other_chart := good_dcgm

fixtures.deny_grafana_admin_password_deny_chart_default := fx_grafana({"admin": fx_admin, "adminPassword": "prom-operator"})

fixtures.deny_grafana_admin_password_deny_secret_password := fx_grafana({"admin": fx_admin, "adminPassword": "[secret]"})

fixtures.deny_grafana_admin_password_deny_differently_cased_key := fx_grafana({"admin": fx_admin, "AdminPassword": "hunter2"})

fixtures.deny_grafana_admin_password_deny_grafana_ini := fx_grafana({"admin": fx_admin, "grafana.ini": {"security": {"admin_password": "hunter2"}}})

fixtures.deny_grafana_admin_password_deny_env_variable := fx_grafana({"admin": fx_admin, "env": {"GF_SECURITY_ADMIN_PASSWORD": "hunter2"}})

fixtures.deny_grafana_admin_password_deny_no_existing_secret := fx_grafana({})

fixtures.deny_grafana_admin_password_deny_empty_existing_secret := fx_grafana({"admin": {"existingSecret": "  "}})

fixtures.deny_grafana_admin_password_deny_secret_existing_secret := fx_grafana({"admin": {"existingSecret": "[secret]"}})

fixtures.deny_grafana_admin_password_deny_unknown_existing_secret := fx_grafana({"admin": {"existingSecret": fx_unknown}})

fixtures.deny_grafana_admin_password_deny_existing_secret_not_text := fx_grafana({"admin": {"existingSecret": {"name": "grafana-admin"}}})

fixtures.deny_grafana_admin_password_deny_grafana_values_secret := fx_grafana("[secret]")

fixtures.deny_grafana_admin_password_deny_disabled_as_text := fx_grafana({"enabled": "false"})

fixtures.deny_grafana_admin_password_deny_grafana_chart_password := fx_set(good_grafana_chart, "values", {"admin": fx_admin, "adminPassword": "admin"})

# stack_deny_monitoring_not_highly_available
fx_profile(environment) := {
	"__type": "kubernetes:core/v1:ConfigMap",
	"__urn": "urn:pulumi:prod::ai-platform::kubernetes:core/v1:ConfigMap::prod-eu-west-1-k8s-profile",
	"__name": "prod-eu-west-1-k8s-profile",
	"metadata": {"name": "ai-platform-profile", "namespace": "ai-platform-system"},
	"data": {"profile.json": json.marshal({"environment": environment, "stack": environment})},
}

fx_dev(resource) := fx_set(resource, "__urn", "urn:pulumi:dev::ai-platform::kubernetes:helm.sh/v3:Release::monitoring")

fx_dev_profile := fx_set(fx_profile("dev"), "__urn", "urn:pulumi:dev::ai-platform::kubernetes:core/v1:ConfigMap::dev-k8s-profile")

fx_prod_stack(release_doc) := {"resources": [fx_profile("prod"), release_doc]}

fx_component(component, spec_key, spec) := fx_kps_with(component, fx_set(fx_kps_values[component], spec_key, spec))

fx_prometheus_spec(spec) := fx_component("prometheus", "prometheusSpec", spec)

fx_alertmanager_spec(spec) := fx_component("alertmanager", "alertmanagerSpec", spec)

fixtures.stack_deny_monitoring_not_highly_available_allow_prod_replicas_and_storage := fx_prod_stack(good_kps)

fixtures.stack_deny_monitoring_not_highly_available_allow_dev_defaults := {"resources": [fx_dev_profile, fx_dev(good_release)]}

fixtures.stack_deny_monitoring_not_highly_available_allow_replicas_as_text := fx_prod_stack(fx_prometheus_spec({"replicas": "3", "storageSpec": fx_claim}))

fixtures.stack_deny_monitoring_not_highly_available_allow_alertmanager_disabled := fx_prod_stack(fx_kps_with("alertmanager", {"enabled": false}))

fixtures.stack_deny_monitoring_not_highly_available_deny_chart_defaults := fx_prod_stack(good_release)

fixtures.stack_deny_monitoring_not_highly_available_deny_one_replica_as_text := fx_prod_stack(fx_prometheus_spec({"replicas": "1", "storageSpec": fx_claim}))

fixtures.stack_deny_monitoring_not_highly_available_deny_secret_replicas := fx_prod_stack(fx_alertmanager_spec({"replicas": "[secret]", "storage": fx_claim}))

fixtures.stack_deny_monitoring_not_highly_available_deny_unknown_replicas := fx_prod_stack(fx_alertmanager_spec({"replicas": fx_unknown, "storage": fx_claim}))

fixtures.stack_deny_monitoring_not_highly_available_deny_alertmanager_no_storage := fx_prod_stack(fx_alertmanager_spec({"replicas": 2}))

fixtures.stack_deny_monitoring_not_highly_available_deny_empty_dir_wins := fx_prod_stack(fx_prometheus_spec({"replicas": 2, "storageSpec": object.union(fx_claim, {"emptyDir": {"medium": "Memory"}})}))

fixtures.stack_deny_monitoring_not_highly_available_deny_claim_without_request := fx_prod_stack(fx_prometheus_spec({"replicas": 2, "storageSpec": {"volumeClaimTemplate": {"spec": {"storageClassName": "gp3-encrypted"}}}}))

fixtures.stack_deny_monitoring_not_highly_available_deny_prometheus_disabled_as_text := fx_prod_stack(fx_kps_with("prometheus", {"enabled": "false"}))

fixtures.stack_deny_monitoring_not_highly_available_deny_unreadable_profile := {"resources": [fx_set(fx_dev_profile, "data", {"profile.json": "[secret]"}), fx_dev(good_release)]}

fixtures.stack_deny_monitoring_not_highly_available_deny_stack_named_prod := {"resources": [fx_dev_profile, good_release]}
