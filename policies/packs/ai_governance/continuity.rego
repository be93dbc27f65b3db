package ai_governance

import rego.v1

environments := {"dev", "staging", "prod"}

# METADATA
# title: Each cluster declares a readable platform profile
# description: >-
#   Every ai-platform-profile ConfigMap holds a JSON object with an environment (dev, staging or
#   prod), and the stack has at least one: the continuity rules read the environment from it.
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:CM-8, ISO-27001:A.5.9]
#   message: Render the ai-platform-profile ConfigMap (namespace ai-platform-system) with data["profile.json"].
stack_deny_platform_profile contains msg if {
	platform_stack
	count(profile_resources) == 0
	msg := "stack declares no ai-platform-profile ConfigMap: environment and continuity objectives cannot be checked"
}

stack_deny_platform_profile contains msg if {
	platform_stack
	some r in profile_resources
	not config_map_json(r, "profile.json")
	msg := concat("", [r.__urn, ": platform profile has no readable JSON object in data[\"profile.json\"]"])
}

stack_deny_platform_profile contains msg if {
	platform_stack
	some entry in profiles
	not object.get(entry.profile, "environment", "") in environments
	msg := concat("", [entry.resource.__urn, ": platform profile has no environment (dev, staging or prod)"])
}

declared_regions contains region if {
	some entry in profiles
	some region in as_array(object.get(entry.profile, "regions", []))
}

provider_regions contains provider.region if {
	some provider in aws_providers
	is_string(provider.region)
}

# METADATA
# title: Prod runs in at least two regions
# description: >-
#   A prod stack deploys to at least two AWS regions (active-passive) and its profile declares
#   them, so that a region outage is recoverable (RTO 4 h, RPO 1 h).
# custom:
#   scope: platform
#   severity: critical
#   controls: [NIST-800-53:CP-7, NIST-800-53:CP-2, ISO-27001:A.5.30, ISO-27001:A.8.14]
#   message: Add a standby region to ai-platform:regions of the prod stack.
stack_deny_prod_multi_region contains msg if {
	platform_stack
	prod
	count(provider_regions) < 2
	msg := concat("", ["prod deploys to ", format_int(count(provider_regions), 10), " AWS region(s); at least two are required"])
}

stack_deny_prod_multi_region contains msg if {
	platform_stack
	prod
	count(declared_regions) < 2
	msg := concat("", ["prod platform profile declares ", format_int(count(declared_regions), 10), " region(s); at least two are required"])
}

s3_buckets := [b | some b in resources; b.__type in {"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"}]

backup_buckets := [b | some b in s3_buckets; object.get(tags_of(b), "ai-platform/data-class", "") == "backup"]

bucket_name(bucket) := object.get(bucket, "bucket", bucket.__name)

replication_configs := [c |
	some c in resources
	c.__type in {"aws:s3/bucketReplicationConfig:BucketReplicationConfig", "aws:s3/bucketReplicationConfiguration:BucketReplicationConfiguration"}
]

# A replication config names its source in `bucket` and its destinations as ARNs in
# rules[].destination.bucket. Bucket names generated from bucketPrefix are unknown before apply, so
# the plan's property dependencies (passed by the gate as __propertyDependencies) link them too.
enabled_replication(config) if {
	some rule in as_array(object.get(config, "rules", []))
	object.get(rule, "status", "Enabled") == "Enabled"
}

property_dependencies(config, property) := as_array(object.get(plan_property_dependencies(config), property, []))

replication_source(config, bucket) if object.get(config, "bucket", "") == bucket_name(bucket)

replication_source(config, bucket) if bucket.__urn in property_dependencies(config, "bucket")

replication_destination(config, bucket) if {
	some rule in as_array(object.get(config, "rules", []))
	arn := object.get(as_object(object.get(rule, "destination", {})), "bucket", "")
	trim_prefix(arn, "arn:aws:s3:::") == bucket_name(bucket)
}

replication_destination(config, bucket) if bucket.__urn in property_dependencies(config, "rules")

replicates_off_region(source, destination) if {
	some config in replication_configs
	enabled_replication(config)
	replication_source(config, source)
	replication_destination(config, destination)
	source.__urn != destination.__urn
	region_of(destination) != region_of(source)
}

replicated_off_region(bucket) if {
	some destination in s3_buckets
	replicates_off_region(bucket, destination)
}

# A replica bucket in the other region is itself the off-region copy.
replicated_off_region(bucket) if {
	some source in s3_buckets
	replicates_off_region(source, bucket)
}

# METADATA
# title: Prod backups are replicated to another region
# description: >-
#   In prod, every backup bucket (tag ai-platform/data-class backup) replicates to a bucket of the
#   stack in another region, or is that off-region replica (3-2-1 rule, data-loss RTO 2 h).
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:CP-9, NIST-800-53:CP-6, ISO-27001:A.8.13, ISO-27001:A.5.30]
#   message: Add a BucketReplicationConfig from the backup bucket to the backup bucket of the standby region.
stack_deny_prod_backup_replication contains msg if {
	platform_stack
	prod
	count(backup_buckets) == 0
	msg := "prod declares no backup bucket (tag ai-platform/data-class: backup)"
}

stack_deny_prod_backup_replication contains msg if {
	platform_stack
	prod
	some bucket in backup_buckets
	not replicated_off_region(bucket)
	msg := concat("", [bucket.__urn, ": prod backup bucket is not replicated to another region"])
}

# DESIGN §2 continuity objectives, in minutes: [maximum RTO, maximum RPO].
dr_objectives := {
	"regionOutage": [240, 60],
	"modelCorruption": [30, 0],
	"dataLoss": [120, 1440],
	"humanDeletion": [60, 1440],
}

dr_fields := [["rtoMinutes", 0], ["rpoMinutes", 1]]

# METADATA
# title: Prod declares RTO and RPO within the continuity objectives
# description: >-
#   The prod platform profile declares RTO and RPO for region outage (4 h / 1 h), model corruption
#   (30 min / 0), data loss (2 h / 24 h) and human deletion (1 h / 24 h), each within those bounds.
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:CP-2, NIST-800-53:CP-10, ISO-27001:A.5.30]
#   message: Set ai-platform:dr objectives within the DESIGN §2 bounds for every scenario.
stack_deny_prod_dr_objectives contains msg if {
	platform_stack
	some entry in profiles
	entry.profile.environment == "prod"
	some scenario, bounds in dr_objectives
	some field in dr_fields
	value := object.get(as_object(object.get(as_object(object.get(entry.profile, "dr", {})), scenario, {})), field[0], null)
	not within(value, bounds[field[1]])
	msg := concat("", [entry.resource.__urn, ": DR ", scenario, " ", field[0], " is not declared within ", format_int(bounds[field[1]], 10), " minutes"])
}

within(value, maximum) if {
	is_number(value)
	value >= 0
	value <= maximum
}
