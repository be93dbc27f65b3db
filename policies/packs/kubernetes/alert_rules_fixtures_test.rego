package kubernetes_admission

import rego.v1

fx_alert_rule := {
	"alert": "ModelDriftCritical",
	"expr": "ai_platform_drift_psi > 0.25",
	"for": "10m",
	"labels": {"severity": "critical", "team": "risk-models"},
	"annotations": {"summary": "drift", "runbook_url": "https://github.com/example/ai-platform/blob/main/docs/runbooks/drift.md"},
}

fx_recording_rule := {"record": "model:drift_psi:max", "expr": "max by (model) (ai_platform_drift_psi)"}

fx_prometheus_rule_groups(groups) := {
	"apiVersion": "monitoring.coreos.com/v1",
	"kind": "PrometheusRule",
	"metadata": {"name": "drift", "namespace": "monitoring", "labels": {"release": "kube-prometheus-stack"}},
	"spec": {"groups": groups},
}

fx_prometheus_rule(rules) := fx_review(fx_prometheus_rule_groups([{"name": "drift", "rules": rules}]))

fx_alert_with(key, value) := object.union(object.remove(fx_alert_rule, [key]), {key: value})

fixtures.deny_alert_rule_missing_severity_or_runbook_allow_labelled_alert_and_record := fx_prometheus_rule([fx_alert_rule, fx_recording_rule])

fixtures.deny_alert_rule_missing_severity_or_runbook_allow_warning := fx_prometheus_rule([fx_alert_with("labels", {"severity": "warning"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_allow_other_kind := fx_review({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "monitoring"}, "spec": {"groups": "x"}})

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_missing_severity := fx_prometheus_rule([fx_alert_with("labels", {"team": "risk-models"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_unknown_severity := fx_prometheus_rule([fx_alert_with("labels", {"severity": "page"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_secret_labels := fx_prometheus_rule([fx_alert_with("labels", "[secret]")])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_missing_runbook := fx_prometheus_rule([fx_alert_with("annotations", {"summary": "drift"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_unknown_runbook := fx_prometheus_rule([fx_alert_with("annotations", {"runbook_url": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_groups_unknown := fx_review(fx_prometheus_rule_groups("04da6b54-80e4-46f7-96ec-b56ff0331ba9"))

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_groups_missing := fx_review(object.remove(fx_prometheus_rule_groups([]), ["spec"]))

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_rules_not_list := fx_review(fx_prometheus_rule_groups([{"name": "drift", "rules": "[secret]"}]))

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_neither_alert_nor_record := fx_prometheus_rule([{"expr": "up == 0"}])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_other_version := fx_review(object.union(
	object.remove(fx_prometheus_rule_groups([{"name": "drift", "rules": [fx_alert_with("annotations", {})]}]), ["apiVersion"]),
	{"apiVersion": "monitoring.coreos.com/v1beta1"},
))
