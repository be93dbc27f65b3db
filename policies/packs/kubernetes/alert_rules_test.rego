package kubernetes_admission

import rego.v1

test_deny_alert_rule_missing_severity_or_runbook_allow_labelled_alert_and_record if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_allow_labelled_alert_and_record
	count(deny_alert_rule_missing_severity_or_runbook) == 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_allow_warning if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_allow_warning
	count(deny_alert_rule_missing_severity_or_runbook) == 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_allow_other_kind if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_allow_other_kind
	count(deny_alert_rule_missing_severity_or_runbook) == 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_missing_severity if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_missing_severity
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_unknown_severity if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_unknown_severity
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_secret_labels if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_secret_labels
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_missing_runbook if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_missing_runbook
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_unknown_runbook if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_unknown_runbook
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_groups_unknown if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_groups_unknown
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_groups_missing if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_groups_missing
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_rules_not_list if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_rules_not_list
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_neither_alert_nor_record if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_neither_alert_nor_record
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}

test_deny_alert_rule_missing_severity_or_runbook_deny_other_version if {
	doc := fixtures.deny_alert_rule_missing_severity_or_runbook_deny_other_version
	count(deny_alert_rule_missing_severity_or_runbook) > 0 with input as doc
}
