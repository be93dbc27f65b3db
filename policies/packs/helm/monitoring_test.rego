package helm

import rego.v1

test_deny_grafana_admin_password_allow_existing_secret if {
	doc := fixtures.deny_grafana_admin_password_allow_existing_secret
	count(deny_grafana_admin_password) == 0 with input as doc
}

test_deny_grafana_admin_password_allow_grafana_disabled if {
	doc := fixtures.deny_grafana_admin_password_allow_grafana_disabled
	count(deny_grafana_admin_password) == 0 with input as doc
}

test_deny_grafana_admin_password_allow_grafana_chart_existing_secret if {
	doc := fixtures.deny_grafana_admin_password_allow_grafana_chart_existing_secret
	count(deny_grafana_admin_password) == 0 with input as doc
}

test_deny_grafana_admin_password_allow_env_from_secret if {
	doc := fixtures.deny_grafana_admin_password_allow_env_from_secret
	count(deny_grafana_admin_password) == 0 with input as doc
}

test_deny_grafana_admin_password_allow_other_chart if {
	doc := fixtures.deny_grafana_admin_password_allow_other_chart
	count(deny_grafana_admin_password) == 0 with input as doc
}

test_deny_grafana_admin_password_deny_chart_default if {
	doc := fixtures.deny_grafana_admin_password_deny_chart_default
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_secret_password if {
	doc := fixtures.deny_grafana_admin_password_deny_secret_password
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_differently_cased_key if {
	doc := fixtures.deny_grafana_admin_password_deny_differently_cased_key
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_grafana_ini if {
	doc := fixtures.deny_grafana_admin_password_deny_grafana_ini
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_env_variable if {
	doc := fixtures.deny_grafana_admin_password_deny_env_variable
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_no_existing_secret if {
	doc := fixtures.deny_grafana_admin_password_deny_no_existing_secret
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_empty_existing_secret if {
	doc := fixtures.deny_grafana_admin_password_deny_empty_existing_secret
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_secret_existing_secret if {
	doc := fixtures.deny_grafana_admin_password_deny_secret_existing_secret
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_unknown_existing_secret if {
	doc := fixtures.deny_grafana_admin_password_deny_unknown_existing_secret
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_existing_secret_not_text if {
	doc := fixtures.deny_grafana_admin_password_deny_existing_secret_not_text
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_grafana_values_secret if {
	doc := fixtures.deny_grafana_admin_password_deny_grafana_values_secret
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_disabled_as_text if {
	doc := fixtures.deny_grafana_admin_password_deny_disabled_as_text
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_deny_grafana_admin_password_deny_grafana_chart_password if {
	doc := fixtures.deny_grafana_admin_password_deny_grafana_chart_password
	count(deny_grafana_admin_password) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_allow_prod_replicas_and_storage if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_allow_prod_replicas_and_storage
	count(stack_deny_monitoring_not_highly_available) == 0 with input as doc
}

test_stack_deny_monitoring_not_highly_available_allow_dev_defaults if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_allow_dev_defaults
	count(stack_deny_monitoring_not_highly_available) == 0 with input as doc
}

test_stack_deny_monitoring_not_highly_available_allow_replicas_as_text if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_allow_replicas_as_text
	count(stack_deny_monitoring_not_highly_available) == 0 with input as doc
}

test_stack_deny_monitoring_not_highly_available_allow_alertmanager_disabled if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_allow_alertmanager_disabled
	count(stack_deny_monitoring_not_highly_available) == 0 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_chart_defaults if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_chart_defaults
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_one_replica_as_text if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_one_replica_as_text
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_secret_replicas if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_secret_replicas
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_unknown_replicas if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_unknown_replicas
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_alertmanager_no_storage if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_alertmanager_no_storage
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_empty_dir_wins if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_empty_dir_wins
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_claim_without_request if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_claim_without_request
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_prometheus_disabled_as_text if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_prometheus_disabled_as_text
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_unreadable_profile if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_unreadable_profile
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}

test_stack_deny_monitoring_not_highly_available_deny_stack_named_prod if {
	doc := fixtures.stack_deny_monitoring_not_highly_available_deny_stack_named_prod
	count(stack_deny_monitoring_not_highly_available) >= 1 with input as doc
}
