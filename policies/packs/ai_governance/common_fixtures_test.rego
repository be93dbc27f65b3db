package ai_governance

import rego.v1

# A compliant prod stack (two regions, governed models, replicated backups) from which each deny
# case removes or breaks one thing. Helper names start with fx_ (no clash with rule variables).

fx_set(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

fx_urn(type_token, name) := concat("", ["urn:pulumi:prod::ai-platform::", type_token, "::", name])

fx_provider(region) := {
	"__type": "pulumi:providers:aws",
	"__urn": fx_urn("pulumi:providers:aws", region),
	"__name": region,
	"region": region,
}

fx_ref(region) := concat("", [fx_urn("pulumi:providers:aws", region), "::0f0f0f0f-0000-4000-8000-000000000000"])

fx_card := {
	"name": "fraud-scoring",
	"version": "2.3.1",
	"stage": "production",
	"owner": "risk-models",
	"framework": "xgboost",
	"riskClass": "high",
	"serving": "realtime",
	"driftFrequency": "daily",
	"logRetentionDays": 365,
	"humanOversight": "fraud-oversight@example.com",
	"approval": {"approvedBy": "model-risk-committee", "approvedAt": "2026-10-12", "ticket": "MRM-1142"},
	"datasetVersion": "transactions-2026-09",
	"trainedBy": "risk-models-ci",
}

fx_card_resource(card) := {
	"__type": "kubernetes:core/v1:ConfigMap",
	"__urn": fx_urn("kubernetes:core/v1:ConfigMap", concat("", ["model-card-", card.name])),
	"__name": concat("", ["model-card-", card.name]),
	"apiVersion": "v1",
	"kind": "ConfigMap",
	"metadata": {
		"name": concat("", ["model-card-", card.name]),
		"namespace": "ai-models",
		"labels": {"app.kubernetes.io/component": "model-card", "ai-platform/model": card.name},
	},
	"data": {"model.json": json.marshal(card)},
}

fx_drift_job(model, schedule) := {
	"__type": "kubernetes:batch/v1:CronJob",
	"__urn": fx_urn("kubernetes:batch/v1:CronJob", concat("", ["drift-", model])),
	"__name": concat("", ["drift-", model]),
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": {
		"name": concat("", ["drift-", model]),
		"namespace": "ai-models",
		"labels": {"app.kubernetes.io/component": "drift-job", "ai-platform/model": model},
	},
	"spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}},
}

fx_dr := {
	"regionOutage": {"rtoMinutes": 240, "rpoMinutes": 60},
	"modelCorruption": {"rtoMinutes": 30, "rpoMinutes": 0},
	"dataLoss": {"rtoMinutes": 120, "rpoMinutes": 1440},
	"humanDeletion": {"rtoMinutes": 60, "rpoMinutes": 1440},
}

fx_profile := {
	"stack": "prod",
	"environment": "prod",
	"region": "eu-west-1",
	"regionRole": "primary",
	"regions": ["eu-west-1", "eu-central-1"],
	"dr": fx_dr,
}

fx_profile_resource(profile) := {
	"__type": "kubernetes:core/v1:ConfigMap",
	"__urn": fx_urn("kubernetes:core/v1:ConfigMap", "ai-platform-profile"),
	"__name": "ai-platform-profile",
	"apiVersion": "v1",
	"kind": "ConfigMap",
	"metadata": {"name": "ai-platform-profile", "namespace": "ai-platform-system"},
	"data": {"profile.json": json.marshal(profile)},
}

fx_backup_bucket(name, region) := {
	"__type": "aws:s3/bucket:Bucket",
	"__urn": fx_urn("aws:s3/bucket:Bucket", name),
	"__name": name,
	"__provider": fx_ref(region),
	"bucket": name,
	"objectLockEnabled": true,
	"tags": {"ai-platform/data-class": "backup"},
}

fx_replication(source, destination) := {
	"__type": "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
	"__urn": fx_urn("aws:s3/bucketReplicationConfig:BucketReplicationConfig", source),
	"__name": source,
	"__provider": fx_ref("eu-west-1"),
	"bucket": source,
	"role": "arn:aws:iam::111122223333:role/replication",
	"rules": [{"id": "backups", "status": "Enabled", "destination": {"bucket": concat("", ["arn:aws:s3:::", destination])}}],
}

fx_infrastructure := [
	fx_provider("eu-west-1"),
	fx_provider("eu-central-1"),
	fx_backup_bucket("prod-backups-eu-west-1", "eu-west-1"),
	fx_backup_bucket("prod-backups-eu-central-1", "eu-central-1"),
	fx_replication("prod-backups-eu-west-1", "prod-backups-eu-central-1"),
	fx_profile_resource(fx_profile),
]

# A compliant stack whose single model has the given card and drift schedule.
fx_stack(card, schedule) := {"resources": array.concat(fx_infrastructure, [fx_card_resource(card), fx_drift_job(card.name, schedule)])}

fx_compliant_stack := fx_stack(fx_card, "0 2 * * *")

# The compliant stack with its profile replaced.
fx_stack_with_profile(profile) := {"resources": array.concat(
	[r | some r in fx_compliant_stack.resources; r.__name != "ai-platform-profile"],
	[fx_profile_resource(profile)],
)}
