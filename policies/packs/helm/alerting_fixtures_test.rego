package helm

import rego.v1

# deny_alert_rule_missing_severity_or_runbook
fx_rules(rules) := fx_kps_with("additionalPrometheusRulesMap", fx_rules_map(rules))

fx_alert_labels(labels) := fx_set(fx_alert, "labels", labels)

fx_alert_annotations(annotations) := fx_set(fx_alert, "annotations", annotations)

fixtures.deny_alert_rule_missing_severity_or_runbook_allow_labelled_alert_and_record := good_kps

fixtures.deny_alert_rule_missing_severity_or_runbook_allow_no_rules := good_release

fixtures.deny_alert_rule_missing_severity_or_runbook_allow_warning_in_list_form := fx_kps_with(
	"additionalPrometheusRules",
	[{"name": "drift", "groups": [{"name": "drift", "rules": [fx_alert_labels({"severity": "warning"})]}]}],
)

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_missing_severity := fx_rules([fx_alert_labels({"team": "risk-models"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_severity_wrong_case := fx_rules([fx_alert_labels({"severity": "Critical"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_severity_secret := fx_rules([fx_alert_labels({"severity": "[secret]"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_missing_runbook := fx_rules([fx_alert_annotations({"summary": "drift"})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_blank_runbook := fx_rules([fx_alert_annotations({"runbook_url": " "})])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_labels_not_object := fx_rules([fx_set(fx_alert, "labels", "[secret]")])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_list_form := fx_kps_with(
	"additionalPrometheusRules",
	[{"name": "drift", "groups": [{"name": "drift", "rules": [fx_alert_annotations({})]}]}],
)

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_groups_not_list := fx_kps_with("additionalPrometheusRulesMap", {"drift": {"groups": "[secret]"}})

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_rules_not_list := fx_kps_with("additionalPrometheusRulesMap", {"drift": {"groups": [{"name": "drift", "rules": {"a": fx_alert}}]}})

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_neither_alert_nor_record := fx_rules([{"expr": "up == 0"}])

fixtures.deny_alert_rule_missing_severity_or_runbook_deny_map_not_object := fx_kps_with("additionalPrometheusRulesMap", fx_unknown)

# deny_critical_alerts_not_routed
fx_am(config) := fx_kps_with("alertmanager", fx_set(fx_kps_values.alertmanager, "config", config))

fx_am_route(route) := fx_am(fx_set(fx_am_config, "route", route))

fx_am_values(values) := fx_kps_with("alertmanager", object.union(fx_kps_values.alertmanager, values))

fx_am_spec(spec) := fx_kps_with("alertmanager", fx_set(fx_kps_values.alertmanager, "alertmanagerSpec", object.union(fx_kps_values.alertmanager.alertmanagerSpec, spec)))

fx_team_routes := [{"receiver": "team-risk-models", "matchers": ["team=\"risk-models\""], "routes": [{"receiver": "oncall", "matchers": ["severity=\"critical\""]}]}]

fixtures.deny_critical_alerts_not_routed_allow_routed_tree := good_kps

fixtures.deny_critical_alerts_not_routed_allow_alertmanager_disabled := fx_kps_with("alertmanager", {"enabled": false})

fixtures.deny_critical_alerts_not_routed_allow_deprecated_match := fx_am_route({
	"receiver": "null",
	"routes": [{"receiver": "oncall", "match": {"severity": "critical"}}, {"receiver": "team-risk-models", "match_re": {"severity": "warning|info"}}],
})

fixtures.deny_critical_alerts_not_routed_allow_regex_matcher := fx_am_route({
	"receiver": "null",
	"routes": [{"receiver": "oncall", "matchers": ["severity =~ \"critical|page\""]}],
})

fixtures.deny_critical_alerts_not_routed_allow_other_chart := good_dcgm

fixtures.deny_critical_alerts_not_routed_deny_chart_default_config := object.remove(good_release, ["values"])

fixtures.deny_critical_alerts_not_routed_deny_routes_by_team_only := fx_am_route({"receiver": "null", "routes": fx_team_routes})

fixtures.deny_critical_alerts_not_routed_deny_catch_all_null_first := fx_am_route({
	"receiver": "platform-email",
	"routes": [{"receiver": "null"}, {"receiver": "oncall", "matchers": ["severity=\"critical\""]}],
})

fixtures.deny_critical_alerts_not_routed_deny_undefined_receiver := fx_am_route({
	"receiver": "platform-email",
	"routes": [{"receiver": "pager", "matchers": ["severity=\"critical\""]}],
})

fixtures.deny_critical_alerts_not_routed_deny_receiver_without_integration := fx_am(fx_set(
	fx_am_config, "receivers",
	[{"name": "null"}, {"name": "platform-email", "email_configs": [{"to": "a@example.com"}]}, {"name": "oncall", "pagerduty_configs": []}, {"name": "team-risk-models", "slack_configs": [{"channel": "#x"}]}],
))

fixtures.deny_critical_alerts_not_routed_deny_severity_wrong_case := fx_am_route({
	"receiver": "null",
	"routes": [{"receiver": "oncall", "match": {"severity": "Critical"}}],
})

fixtures.deny_critical_alerts_not_routed_deny_matcher_braces := fx_am_route({
	"receiver": "null",
	"routes": [{"receiver": "oncall", "matchers": ["{severity=\"critical\"}"]}],
})

fixtures.deny_critical_alerts_not_routed_deny_matchers_not_list := fx_am_route({
	"receiver": "platform-email",
	"routes": [{"receiver": "null", "matchers": "severity=\"critical\""}],
})

fixtures.deny_critical_alerts_not_routed_deny_severity_regex_invalid := fx_am_route({
	"receiver": "platform-email",
	"routes": [{"receiver": "null", "matchers": ["severity=~\"(crit\""]}],
})

fixtures.deny_critical_alerts_not_routed_deny_nested_null := fx_am_route({
	"receiver": "platform-email",
	"routes": [{"receiver": "team-risk-models", "matchers": ["team=\"risk-models\""], "routes": [{"receiver": "null", "matchers": ["severity=~\"warning|critical\""]}]}],
})

fixtures.deny_critical_alerts_not_routed_deny_config_secret := fx_am("[secret]")

fixtures.deny_critical_alerts_not_routed_deny_config_as_text := fx_am("route:\n  receiver: oncall\n")

fixtures.deny_critical_alerts_not_routed_deny_existing_secret := fx_am_spec({"useExistingSecret": true})

fixtures.deny_critical_alerts_not_routed_deny_config_secret_name := fx_am_spec({"configSecret": "my-alertmanager"})

fixtures.deny_critical_alerts_not_routed_deny_alertmanager_configuration := fx_am_spec({"alertmanagerConfiguration": {"name": "global"}})

fixtures.deny_critical_alerts_not_routed_deny_tpl_config := fx_am_values({"tplConfig": true})

fixtures.deny_critical_alerts_not_routed_deny_root_receiver_removed := fx_am_route({"receiver": null, "routes": fx_team_routes})

fixtures.deny_critical_alerts_not_routed_deny_continue_not_boolean := fx_am_route({
	"receiver": "platform-email",
	"routes": [{"receiver": "oncall", "matchers": ["severity=\"critical\""], "continue": "false"}],
})

fixtures.deny_critical_alerts_not_routed_deny_default_watchdog_kept := fx_am(object.remove(fx_am_config, ["route"]))

# Critical alerts stop at the first route that takes them all: a later route to the null receiver
# never sees them, unless that first route continues.
fx_shadowing_route(continues) := {
	"receiver": "platform-email",
	"routes": [
		{"receiver": "oncall", "matchers": ["severity=\"critical\""], "continue": continues},
		{"receiver": "null", "matchers": ["team=\"sandbox\""]},
	],
}

fixtures.deny_critical_alerts_not_routed_allow_later_null_route_shadowed := fx_am_route(fx_shadowing_route(false))

fixtures.deny_critical_alerts_not_routed_deny_continue_reaches_null_route := fx_am_route(fx_shadowing_route(true))
