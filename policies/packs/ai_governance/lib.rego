package ai_governance

import rego.v1

# Helpers for this pack's stack rules (input.resources). Plain style both embedded engines agree
# on: json.unmarshal only after json.is_valid, messages assembled with concat, no `every`.

as_object(value) := value if is_object(value)

as_object(value) := {} if not is_object(value)

as_array(value) := value if is_array(value)

as_array(value) := [] if not is_array(value)

non_empty_string(value) if {
	is_string(value)
	trim_space(value) != ""
}

resources := as_array(object.get(input, "resources", []))

metadata_of(resource) := as_object(object.get(resource, "metadata", {}))

labels_of(resource) := as_object(object.get(metadata_of(resource), "labels", {}))

tags_of(resource) := as_object(object.get(resource, "tags", {}))

# A JSON document held in a ConfigMap key; undefined unless it is a valid JSON object.
config_map_json(resource, key) := document if {
	text := object.get(as_object(object.get(resource, "data", {})), key, "")
	is_string(text)
	json.is_valid(text)
	document := json.unmarshal(text)
	is_object(document)
}

config_maps := [r | some r in resources; r.__type == "kubernetes:core/v1:ConfigMap"]

# --- model cards --------------------------------------------------------------------------

model_card_resources := [r |
	some r in config_maps
	object.get(labels_of(r), "app.kubernetes.io/component", "") == "model-card"
]

model_name(resource) := object.get(labels_of(resource), "ai-platform/model", object.get(metadata_of(resource), "name", ""))

# Every readable model card with its resource: {"resource", "name", "card"}.
models contains {"resource": r, "name": model_name(r), "card": card} if {
	some r in model_card_resources
	card := config_map_json(r, "model.json")
}

# DESIGN §2: real-time or high-risk models daily, minimal-risk (batch) models monthly, else weekly.
frequency_rank := {"daily": 0, "weekly": 1, "monthly": 2}

required_frequency(card) := "daily" if card.riskClass == "high"

required_frequency(card) := "daily" if {
	card.riskClass != "high"
	card.serving == "realtime"
}

required_frequency(card) := "monthly" if {
	card.riskClass == "minimal"
	card.serving != "realtime"
}

required_frequency(card) := "weekly" if {
	not card.riskClass in {"high", "minimal"}
	card.serving != "realtime"
}

# --- drift jobs ------------------------------------------------------------------------------

drift_jobs(name) := [job |
	some job in resources
	job.__type == "kubernetes:batch/v1:CronJob"
	labels := labels_of(job)
	object.get(labels, "app.kubernetes.io/component", "") == "drift-job"
	object.get(labels, "ai-platform/model", "") == name
	not as_object(object.get(job, "spec", {})).suspend == true
]

schedule_of(job) := object.get(as_object(object.get(job, "spec", {})), "schedule", "")

schedule_macros := {"@hourly": 0, "@daily": 0, "@midnight": 0, "@weekly": 1, "@monthly": 2, "@yearly": 3, "@annually": 3}

# How often a cron schedule runs at worst: 0 daily or more, 1 weekly, 2 monthly, 3 rarer or unreadable.
# A day-of-month step (e.g. */2) counts as monthly: conservative, never lenient.
schedule_rank(schedule) := schedule_macros[schedule] if schedule in object.keys(schedule_macros)

schedule_rank(schedule) := rank if {
	not schedule in object.keys(schedule_macros)
	fields := split(trim_space(schedule), " ")
	count(fields) == 5
	rank := field_rank(fields[2], fields[3], fields[4])
}

schedule_rank(schedule) := 3 if {
	not schedule in object.keys(schedule_macros)
	count(split(trim_space(schedule), " ")) != 5
}

field_rank(day_of_month, month, day_of_week) := 0 if {
	month == "*"
	day_of_month == "*"
	day_of_week == "*"
}

field_rank(day_of_month, month, day_of_week) := 1 if {
	month == "*"
	day_of_month == "*"
	day_of_week != "*"
}

field_rank(day_of_month, month, _) := 2 if {
	month == "*"
	day_of_month != "*"
}

field_rank(_, month, _) := 3 if month != "*"

# --- platform profiles and regions ----------------------------------------------------------------

profile_resources := [r |
	some r in config_maps
	object.get(metadata_of(r), "name", "") == "ai-platform-profile"
]

profiles contains {"resource": r, "profile": profile} if {
	some r in profile_resources
	profile := config_map_json(r, "profile.json")
}

prod if {
	some entry in profiles
	entry.profile.environment == "prod"
}

aws_providers := [p | some p in resources; p.__type == "pulumi:providers:aws"]

provider_ref_matches(ref, urn) if ref == urn

provider_ref_matches(ref, urn) if startswith(ref, concat("", [urn, "::"]))

region_of(resource) := provider.region if {
	some provider in aws_providers
	provider_ref_matches(plan_provider_reference(resource), provider.__urn)
}
