package kubernetes_admission

import rego.v1

# PrometheusRule objects (monitoring.coreos.com, any version): the alert rules the platform
# creates, whether from the plan (`kubernetes:monitoring.coreos.com/v1:PrometheusRule`) or from
# rendered manifests. The helm pack holds the same check for rules in kube-prometheus-stack values.

# DESIGN §5.6: the severities alerts are routed by (the helm pack holds the same set;
# tests/policies/packs/test_monitoring_rules.py joins the two).
alert_severities := {"warning", "critical"}

prometheus_rule if {
	kind == "PrometheusRule"
	api_version := object.get(reviewed, "apiVersion", "")
	is_string(api_version)
	startswith(api_version, "monitoring.coreos.com/")
}

alert_rule_groups := object.get(spec, "groups", null)

prometheus_rule_groups contains {"where": concat("", ["spec.groups.", format_int(i, 10)]), "group": group} if {
	prometheus_rule
	some i, group in as_array(alert_rule_groups)
}

prometheus_rule_entries contains {"where": concat("", [g.where, ".rules.", format_int(i, 10)]), "rule": rule} if {
	some g in prometheus_rule_groups
	some i, rule in as_array(object.get(as_object(g.group), "rules", []))
}

prometheus_rule_problems contains "spec.groups is not a list of groups" if {
	prometheus_rule
	not is_array(alert_rule_groups)
}

prometheus_rule_problems contains concat("", [g.where, " has no list of rules"]) if {
	some g in prometheus_rule_groups
	not is_array(object.get(as_object(g.group), "rules", null))
}

prometheus_rule_problems contains concat("", [r.where, " is neither an alerting nor a recording rule"]) if {
	some r in prometheus_rule_entries
	object.get(as_object(r.rule), "alert", null) == null
	object.get(as_object(r.rule), "record", null) == null
}

prometheus_alerts contains {"where": r.where, "rule": r.rule, "name": prometheus_alert_name(r.rule)} if {
	some r in prometheus_rule_entries
	object.get(as_object(r.rule), "alert", null) != null
}

prometheus_alert_name(rule) := rule.alert if is_string(rule.alert)

prometheus_alert_name(rule) := "(unreadable name)" if not is_string(rule.alert)

prometheus_rule_problems contains concat("", [a.where, " (alert \"", a.name, "\"): label severity is missing or not one of warning, critical"]) if {
	some a in prometheus_alerts
	not object.get(as_object(object.get(a.rule, "labels", {})), "severity", null) in alert_severities
}

prometheus_rule_problems contains concat("", [a.where, " (alert \"", a.name, "\"): annotation runbook_url is missing or empty"]) if {
	some a in prometheus_alerts
	url := object.get(as_object(object.get(a.rule, "annotations", {})), "runbook_url", null)
	not readable_runbook_url(url)
}

readable_runbook_url(url) if {
	is_string(url)
	trim_space(url) != ""
	not url in opaque_values
}

# METADATA
# title: Every alert rule carries a severity and a runbook
# description: >-
#   Each alerting rule of a PrometheusRule has the label severity set to warning or critical (the
#   values Alertmanager routes on, DESIGN §5.6) and a non-empty annotation runbook_url, so that the
#   page reaches the right people with the steps to take. Recording rules are exempt; groups or
#   rules that cannot be read (secret, unknown, not lists or objects, neither alert nor record)
#   fail closed.
# custom:
#   severity: medium
#   controls: [NIST-800-53:SI-4, NIST-800-53:IR-4, ISO-27001:A.8.16, ISO-42001:A.6.2.6]
#   message: >-
#     Give every alert labels.severity (warning or critical) and annotations.runbook_url pointing at
#     its runbook in docs/runbooks/.
deny_alert_rule_missing_severity_or_runbook contains msg if {
	some problem in prometheus_rule_problems
	msg := concat("", [subject, ": ", problem])
}
