package helm

import rego.v1

test_deny_alert_rule_missing_severity_or_runbook_allow_labelled_alert_and_record if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_allow_labelled_alert_and_record
	count(deny_alert_rule_missing_severity_or_runbook) == 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_allow_no_rules if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_allow_no_rules
	count(deny_alert_rule_missing_severity_or_runbook) == 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_allow_warning_in_list_form if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_allow_warning_in_list_form
	count(deny_alert_rule_missing_severity_or_runbook) == 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_missing_severity if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_missing_severity
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_severity_wrong_case if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_severity_wrong_case
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_severity_secret if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_severity_secret
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_missing_runbook if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_missing_runbook
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_blank_runbook if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_blank_runbook
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_labels_not_object if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_labels_not_object
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_list_form if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_list_form
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_groups_not_list if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_groups_not_list
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_rules_not_list if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_rules_not_list
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_neither_alert_nor_record if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_neither_alert_nor_record
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_map_not_object if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_map_not_object
	count(deny_alert_rule_missing_severity_or_runbook) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_allow_routed_tree if {
	doc := fixtures.deny_critical_alerts_not_routed_allow_routed_tree
	count(deny_critical_alerts_not_routed) == 0 with input as doc
}

test_deny_critical_alerts_not_routed_allow_alertmanager_disabled if {
	doc := fixtures.deny_critical_alerts_not_routed_allow_alertmanager_disabled
	count(deny_critical_alerts_not_routed) == 0 with input as doc
}

test_deny_critical_alerts_not_routed_allow_deprecated_match if {
	doc := fixtures.deny_critical_alerts_not_routed_allow_deprecated_match
	count(deny_critical_alerts_not_routed) == 0 with input as doc
}

test_deny_critical_alerts_not_routed_allow_regex_matcher if {
	doc := fixtures.deny_critical_alerts_not_routed_allow_regex_matcher
	count(deny_critical_alerts_not_routed) == 0 with input as doc
}

test_deny_critical_alerts_not_routed_allow_other_chart if {
	doc := fixtures.deny_critical_alerts_not_routed_allow_other_chart
	count(deny_critical_alerts_not_routed) == 0 with input as doc
}

test_deny_critical_alerts_not_routed_deny_chart_default_config if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_chart_default_config
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_routes_by_team_only if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_routes_by_team_only
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_catch_all_null_first if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_catch_all_null_first
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_undefined_receiver if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_undefined_receiver
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_receiver_without_integration if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_receiver_without_integration
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_severity_wrong_case if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_severity_wrong_case
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_matcher_braces if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_matcher_braces
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_matchers_not_list if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_matchers_not_list
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_severity_regex_invalid if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_severity_regex_invalid
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_nested_null if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_nested_null
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_config_secret if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_config_secret
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_config_as_text if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_config_as_text
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_existing_secret if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_existing_secret
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_config_secret_name if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_config_secret_name
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_alertmanager_configuration if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_alertmanager_configuration
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_tpl_config if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_tpl_config
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_root_receiver_removed if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_root_receiver_removed
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_continue_not_boolean if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_continue_not_boolean
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_deny_default_watchdog_kept if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_default_watchdog_kept
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}

test_deny_critical_alerts_not_routed_allow_later_null_route_shadowed if {
	doc := fixtures.deny_critical_alerts_not_routed_allow_later_null_route_shadowed
	count(deny_critical_alerts_not_routed) == 0 with input as doc
}

test_deny_critical_alerts_not_routed_deny_continue_reaches_null_route if {
	doc := fixtures.deny_critical_alerts_not_routed_deny_continue_reaches_null_route
	count(deny_critical_alerts_not_routed) >= 1 with input as doc
}
