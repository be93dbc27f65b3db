package ai_governance

import rego.v1

# Stack-rule messages that concern one resource start with its URN and ": " (see policies/README.md).

# METADATA
# title: Model cards are readable
# description: >-
#   Every model card ConfigMap (app.kubernetes.io/component model-card) holds a JSON object in
#   data["model.json"]; an unreadable card would hide every other governance check.
# custom:
#   scope: platform
#   severity: high
#   controls: [EU-AI-Act:Art.11, ISO-42001:A.6.2.7, NIST-800-53:CM-8]
#   message: Render data["model.json"] from the model's stack config as a JSON object.
stack_deny_model_card_invalid contains msg if {
	platform_stack
	some r in model_card_resources
	not config_map_json(r, "model.json")
	msg := concat("", [r.__urn, ": model card has no readable JSON object in data[\"model.json\"]"])
}

# METADATA
# title: Every model has an owner
# description: Every model declared in the stack names an accountable owner (team).
# custom:
#   scope: platform
#   severity: high
#   controls: [ISO-42001:A.3.2, EU-AI-Act:Art.17, ISO-27001:A.5.9]
#   message: Set owner on the model in the stack config (ai-platform:models[].owner).
stack_deny_model_owner contains msg if {
	platform_stack
	some model in models
	not non_empty_string(object.get(model.card, "owner", ""))
	msg := concat("", [model.resource.__urn, ": model ", model.name, " has no owner"])
}

risk_classes := {"minimal", "limited", "high"}

# METADATA
# title: Every model has an EU AI Act risk class
# description: Every model declares its EU AI Act risk class, one of minimal, limited or high.
# custom:
#   scope: platform
#   severity: high
#   controls: [EU-AI-Act:Art.6, EU-AI-Act:Art.9, ISO-42001:A.5.2]
#   message: Set riskClass to minimal, limited or high on the model (prohibited practices cannot be deployed).
stack_deny_model_risk_class contains msg if {
	platform_stack
	some model in models
	not object.get(model.card, "riskClass", "") in risk_classes
	msg := concat("", [model.resource.__urn, ": model ", model.name, " has no EU AI Act risk class (minimal, limited or high)"])
}

# METADATA
# title: Drift is checked as often as the model's class requires
# description: >-
#   The model's declared drift frequency is at least what its class requires: daily for high-risk
#   or real-time models, weekly for batch models, monthly for minimal-risk batch models.
# custom:
#   scope: platform
#   severity: high
#   controls: [EU-AI-Act:Art.72, ISO-42001:A.6.2.6, NIST-800-53:SI-4]
#   message: Set drift.frequency (or drop it to get the default) to at least the frequency the model's class requires.
stack_deny_model_drift_frequency contains msg if {
	platform_stack
	some model in models
	required := required_frequency(model.card)
	declared := object.get(model.card, "driftFrequency", "")
	not frequency_rank[declared] <= frequency_rank[required]
	msg := concat("", [model.resource.__urn, ": model ", model.name, " checks drift ", drift_frequency_text(declared), ", its class requires ", required])
}

drift_frequency_text(declared) := declared if declared in object.keys(frequency_rank)

drift_frequency_text(declared) := "never (no driftFrequency)" if not declared in object.keys(frequency_rank)

# METADATA
# title: Every model has a drift job scheduled often enough
# description: >-
#   Every model has an active drift CronJob (labels ai-platform/model and app.kubernetes.io/component
#   drift-job) whose schedule runs at least as often as the model's class requires.
# custom:
#   scope: platform
#   severity: high
#   controls: [EU-AI-Act:Art.72, ISO-42001:A.6.2.6, NIST-800-53:SI-4, NIST-800-53:CA-7]
#   message: Declare drift monitoring for the model; the platform creates its CronJob from the same config.
stack_deny_model_drift_job contains msg if {
	platform_stack
	some model in models
	count(drift_jobs(model.name)) == 0
	msg := concat("", [model.resource.__urn, ": model ", model.name, " has no active drift job"])
}

stack_deny_model_drift_job contains msg if {
	platform_stack
	some model in models
	required := required_frequency(model.card)
	some job in drift_jobs(model.name)
	schedule_rank(schedule_of(job)) > frequency_rank[required]
	msg := concat("", [job.__urn, ": drift job of model ", model.name, " runs on \"", schedule_of(job), "\", less often than ", required])
}

high_risk_models contains model if {
	some model in models
	model.card.riskClass == "high"
}

# EU AI Act Art. 19 and 26(6): logs of high-risk systems kept at least six months.
min_high_risk_log_retention_days := 183

# METADATA
# title: High-risk models keep logs at least six months
# description: A high-risk model's inference and decision logs are retained for at least 183 days.
# custom:
#   scope: platform
#   severity: high
#   controls: [EU-AI-Act:Art.12, EU-AI-Act:Art.19, EU-AI-Act:Art.26, ISO-42001:A.6.2.8, NIST-800-53:AU-11]
#   message: Set logRetentionDays to at least 183 on the high-risk model.
stack_deny_high_risk_log_retention contains msg if {
	platform_stack
	some model in high_risk_models
	not object.get(model.card, "logRetentionDays", 0) >= min_high_risk_log_retention_days
	msg := concat("", [model.resource.__urn, ": high-risk model ", model.name, " keeps logs less than 183 days"])
}

# METADATA
# title: High-risk models name a human-oversight contact
# description: A high-risk model names the person or team that oversees it and can stop it.
# custom:
#   scope: platform
#   severity: high
#   controls: [EU-AI-Act:Art.14, EU-AI-Act:Art.26, ISO-42001:A.9.3]
#   message: Set humanOversight (an e-mail address) on the high-risk model.
stack_deny_high_risk_human_oversight contains msg if {
	platform_stack
	some model in high_risk_models
	not non_empty_string(object.get(model.card, "humanOversight", ""))
	msg := concat("", [model.resource.__urn, ": high-risk model ", model.name, " has no human-oversight contact"])
}

approval_fields := ["approvedBy", "approvedAt", "ticket"]

# METADATA
# title: High-risk models have a recorded approval
# description: A high-risk model records who approved it, when, and under which ticket before deployment.
# custom:
#   scope: platform
#   severity: high
#   controls: [EU-AI-Act:Art.17, EU-AI-Act:Art.43, ISO-42001:A.6.2.5, NIST-800-53:CM-3]
#   message: Record approval { approvedBy, approvedAt, ticket } on the high-risk model.
stack_deny_high_risk_approval contains msg if {
	platform_stack
	some model in high_risk_models
	approval := as_object(object.get(model.card, "approval", {}))
	missing := [field | some field in approval_fields; not non_empty_string(object.get(approval, field, ""))]
	count(missing) > 0
	msg := concat("", [model.resource.__urn, ": high-risk model ", model.name, " approval lacks ", concat(", ", missing)])
}
