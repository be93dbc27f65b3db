package ai_governance

import rego.v1

# One test per fixture (see the *_fixtures_test.rego next to this file): an allow case keeps
# the rule silent, a deny case makes it fire.

test_stack_deny_model_card_invalid_allow_json_card if {
	doc := fixtures.stack_deny_model_card_invalid_allow_json_card
	count(stack_deny_model_card_invalid) == 0 with input as doc
}

test_stack_deny_model_card_invalid_deny_unparseable if {
	doc := fixtures.stack_deny_model_card_invalid_deny_unparseable
	count(stack_deny_model_card_invalid) > 0 with input as doc
}

test_stack_deny_model_card_invalid_deny_secret_value if {
	doc := fixtures.stack_deny_model_card_invalid_deny_secret_value
	count(stack_deny_model_card_invalid) > 0 with input as doc
}

test_stack_deny_model_owner_allow_owner if {
	doc := fixtures.stack_deny_model_owner_allow_owner
	count(stack_deny_model_owner) == 0 with input as doc
}

test_stack_deny_model_owner_deny_missing if {
	doc := fixtures.stack_deny_model_owner_deny_missing
	count(stack_deny_model_owner) > 0 with input as doc
}

test_stack_deny_model_owner_deny_blank if {
	doc := fixtures.stack_deny_model_owner_deny_blank
	count(stack_deny_model_owner) > 0 with input as doc
}

test_stack_deny_model_risk_class_allow_limited if {
	doc := fixtures.stack_deny_model_risk_class_allow_limited
	count(stack_deny_model_risk_class) == 0 with input as doc
}

test_stack_deny_model_risk_class_deny_missing if {
	doc := fixtures.stack_deny_model_risk_class_deny_missing
	count(stack_deny_model_risk_class) > 0 with input as doc
}

test_stack_deny_model_risk_class_deny_unacceptable if {
	doc := fixtures.stack_deny_model_risk_class_deny_unacceptable
	count(stack_deny_model_risk_class) > 0 with input as doc
}

test_stack_deny_model_drift_frequency_allow_daily_high_risk if {
	doc := fixtures.stack_deny_model_drift_frequency_allow_daily_high_risk
	count(stack_deny_model_drift_frequency) == 0 with input as doc
}

test_stack_deny_model_drift_frequency_allow_weekly_limited_batch if {
	doc := fixtures.stack_deny_model_drift_frequency_allow_weekly_limited_batch
	count(stack_deny_model_drift_frequency) == 0 with input as doc
}

test_stack_deny_model_drift_frequency_allow_monthly_minimal_batch if {
	doc := fixtures.stack_deny_model_drift_frequency_allow_monthly_minimal_batch
	count(stack_deny_model_drift_frequency) == 0 with input as doc
}

test_stack_deny_model_drift_frequency_deny_weekly_high_risk if {
	doc := fixtures.stack_deny_model_drift_frequency_deny_weekly_high_risk
	count(stack_deny_model_drift_frequency) > 0 with input as doc
}

test_stack_deny_model_drift_frequency_deny_monthly_limited_batch if {
	doc := fixtures.stack_deny_model_drift_frequency_deny_monthly_limited_batch
	count(stack_deny_model_drift_frequency) > 0 with input as doc
}

test_stack_deny_model_drift_frequency_deny_weekly_realtime_minimal if {
	doc := fixtures.stack_deny_model_drift_frequency_deny_weekly_realtime_minimal
	count(stack_deny_model_drift_frequency) > 0 with input as doc
}

test_stack_deny_model_drift_frequency_deny_missing if {
	doc := fixtures.stack_deny_model_drift_frequency_deny_missing
	count(stack_deny_model_drift_frequency) > 0 with input as doc
}

test_stack_deny_model_drift_job_allow_daily_schedule if {
	doc := fixtures.stack_deny_model_drift_job_allow_daily_schedule
	count(stack_deny_model_drift_job) == 0 with input as doc
}

test_stack_deny_model_drift_job_allow_hourly_macro if {
	doc := fixtures.stack_deny_model_drift_job_allow_hourly_macro
	count(stack_deny_model_drift_job) == 0 with input as doc
}

test_stack_deny_model_drift_job_allow_weekly_for_limited_batch if {
	doc := fixtures.stack_deny_model_drift_job_allow_weekly_for_limited_batch
	count(stack_deny_model_drift_job) == 0 with input as doc
}

test_stack_deny_model_drift_job_deny_missing_job if {
	doc := fixtures.stack_deny_model_drift_job_deny_missing_job
	count(stack_deny_model_drift_job) > 0 with input as doc
}

test_stack_deny_model_drift_job_deny_weekly_schedule_for_high_risk if {
	doc := fixtures.stack_deny_model_drift_job_deny_weekly_schedule_for_high_risk
	count(stack_deny_model_drift_job) > 0 with input as doc
}

test_stack_deny_model_drift_job_deny_monthly_schedule_for_limited_batch if {
	doc := fixtures.stack_deny_model_drift_job_deny_monthly_schedule_for_limited_batch
	count(stack_deny_model_drift_job) > 0 with input as doc
}

test_stack_deny_model_drift_job_deny_suspended if {
	doc := fixtures.stack_deny_model_drift_job_deny_suspended
	count(stack_deny_model_drift_job) > 0 with input as doc
}

test_stack_deny_high_risk_log_retention_allow_one_year if {
	doc := fixtures.stack_deny_high_risk_log_retention_allow_one_year
	count(stack_deny_high_risk_log_retention) == 0 with input as doc
}

test_stack_deny_high_risk_log_retention_allow_short_for_limited if {
	doc := fixtures.stack_deny_high_risk_log_retention_allow_short_for_limited
	count(stack_deny_high_risk_log_retention) == 0 with input as doc
}

test_stack_deny_high_risk_log_retention_deny_180_days if {
	doc := fixtures.stack_deny_high_risk_log_retention_deny_180_days
	count(stack_deny_high_risk_log_retention) > 0 with input as doc
}

test_stack_deny_high_risk_log_retention_deny_missing if {
	doc := fixtures.stack_deny_high_risk_log_retention_deny_missing
	count(stack_deny_high_risk_log_retention) > 0 with input as doc
}

test_stack_deny_high_risk_human_oversight_allow_contact if {
	doc := fixtures.stack_deny_high_risk_human_oversight_allow_contact
	count(stack_deny_high_risk_human_oversight) == 0 with input as doc
}

test_stack_deny_high_risk_human_oversight_deny_null if {
	doc := fixtures.stack_deny_high_risk_human_oversight_deny_null
	count(stack_deny_high_risk_human_oversight) > 0 with input as doc
}

test_stack_deny_high_risk_approval_allow_recorded if {
	doc := fixtures.stack_deny_high_risk_approval_allow_recorded
	count(stack_deny_high_risk_approval) == 0 with input as doc
}

test_stack_deny_high_risk_approval_deny_null if {
	doc := fixtures.stack_deny_high_risk_approval_deny_null
	count(stack_deny_high_risk_approval) > 0 with input as doc
}

test_stack_deny_high_risk_approval_deny_without_ticket if {
	doc := fixtures.stack_deny_high_risk_approval_deny_without_ticket
	count(stack_deny_high_risk_approval) > 0 with input as doc
}

# Exact messages: stack-rule messages start with the URN of the resource they concern.

test_stack_deny_high_risk_approval_deny_message_names_missing_fields if {
	doc := fixtures.stack_deny_high_risk_approval_deny_without_ticket
	stack_deny_high_risk_approval == {"urn:pulumi:prod::ai-platform::kubernetes:core/v1:ConfigMap::model-card-fraud-scoring: high-risk model fraud-scoring approval lacks ticket"} with input as doc
}

test_stack_deny_model_drift_job_deny_message_names_schedule if {
	doc := fixtures.stack_deny_model_drift_job_deny_weekly_schedule_for_high_risk
	stack_deny_model_drift_job == {`urn:pulumi:prod::ai-platform::kubernetes:batch/v1:CronJob::drift-fraud-scoring: drift job of model fraud-scoring runs on "0 2 * * 1", less often than daily`} with input as doc
}
