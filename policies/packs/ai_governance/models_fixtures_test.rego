package ai_governance

import rego.v1

fixtures.stack_deny_model_card_invalid_allow_json_card := fx_compliant_stack

fixtures.stack_deny_model_card_invalid_deny_unparseable := {"resources": array.concat(fx_infrastructure, [fx_set(fx_card_resource(fx_card), "data", {"model.json": "{not json"})])}

fixtures.stack_deny_model_card_invalid_deny_secret_value := {"resources": array.concat(fx_infrastructure, [fx_set(fx_card_resource(fx_card), "data", {"model.json": "[secret]"})])}

fixtures.stack_deny_model_owner_allow_owner := fx_compliant_stack

fixtures.stack_deny_model_owner_deny_missing := fx_stack(object.remove(fx_card, ["owner"]), "0 2 * * *")

fixtures.stack_deny_model_owner_deny_blank := fx_stack(fx_set(fx_card, "owner", "  "), "0 2 * * *")

fixtures.stack_deny_model_risk_class_allow_limited := fx_stack(fx_set(fx_card, "riskClass", "limited"), "0 2 * * *")

fixtures.stack_deny_model_risk_class_deny_missing := fx_stack(object.remove(fx_card, ["riskClass"]), "0 2 * * *")

fixtures.stack_deny_model_risk_class_deny_unacceptable := fx_stack(fx_set(fx_card, "riskClass", "unacceptable"), "0 2 * * *")

fx_batch_card(risk, frequency) := fx_set(fx_set(fx_set(fx_card, "serving", "batch"), "riskClass", risk), "driftFrequency", frequency)

fixtures.stack_deny_model_drift_frequency_allow_daily_high_risk := fx_compliant_stack

fixtures.stack_deny_model_drift_frequency_allow_weekly_limited_batch := fx_stack(fx_batch_card("limited", "weekly"), "0 3 * * 1")

fixtures.stack_deny_model_drift_frequency_allow_monthly_minimal_batch := fx_stack(fx_batch_card("minimal", "monthly"), "0 3 1 * *")

fixtures.stack_deny_model_drift_frequency_deny_weekly_high_risk := fx_stack(fx_set(fx_card, "driftFrequency", "weekly"), "0 2 * * *")

fixtures.stack_deny_model_drift_frequency_deny_monthly_limited_batch := fx_stack(fx_batch_card("limited", "monthly"), "0 3 * * 1")

fixtures.stack_deny_model_drift_frequency_deny_weekly_realtime_minimal := fx_stack(fx_set(fx_set(fx_card, "riskClass", "minimal"), "driftFrequency", "weekly"), "0 2 * * *")

fixtures.stack_deny_model_drift_frequency_deny_missing := fx_stack(object.remove(fx_card, ["driftFrequency"]), "0 2 * * *")

fixtures.stack_deny_model_drift_job_allow_daily_schedule := fx_compliant_stack

fixtures.stack_deny_model_drift_job_allow_hourly_macro := fx_stack(fx_card, "@hourly")

fixtures.stack_deny_model_drift_job_allow_weekly_for_limited_batch := fx_stack(fx_batch_card("limited", "weekly"), "30 4 * * 0")

fixtures.stack_deny_model_drift_job_deny_missing_job := {"resources": array.concat(fx_infrastructure, [fx_card_resource(fx_card)])}

fixtures.stack_deny_model_drift_job_deny_weekly_schedule_for_high_risk := fx_stack(fx_card, "0 2 * * 1")

fixtures.stack_deny_model_drift_job_deny_monthly_schedule_for_limited_batch := fx_stack(fx_batch_card("limited", "weekly"), "0 2 1 * *")

fixtures.stack_deny_model_drift_job_deny_suspended := {"resources": array.concat(fx_infrastructure, [
	fx_card_resource(fx_card),
	fx_set(fx_drift_job("fraud-scoring", "0 2 * * *"), "spec", {"schedule": "0 2 * * *", "suspend": true}),
])}

fixtures.stack_deny_high_risk_log_retention_allow_one_year := fx_compliant_stack

fixtures.stack_deny_high_risk_log_retention_allow_short_for_limited := fx_stack(fx_set(fx_set(fx_card, "riskClass", "limited"), "logRetentionDays", 30), "0 2 * * *")

fixtures.stack_deny_high_risk_log_retention_deny_180_days := fx_stack(fx_set(fx_card, "logRetentionDays", 180), "0 2 * * *")

fixtures.stack_deny_high_risk_log_retention_deny_missing := fx_stack(object.remove(fx_card, ["logRetentionDays"]), "0 2 * * *")

fixtures.stack_deny_high_risk_human_oversight_allow_contact := fx_compliant_stack

fixtures.stack_deny_high_risk_human_oversight_deny_null := fx_stack(fx_set(fx_card, "humanOversight", null), "0 2 * * *")

fixtures.stack_deny_high_risk_approval_allow_recorded := fx_compliant_stack

fixtures.stack_deny_high_risk_approval_deny_null := fx_stack(fx_set(fx_card, "approval", null), "0 2 * * *")

fixtures.stack_deny_high_risk_approval_deny_without_ticket := fx_stack(fx_set(fx_card, "approval", {"approvedBy": "committee", "approvedAt": "2026-10-12"}), "0 2 * * *")
