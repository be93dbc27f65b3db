package aws

import rego.v1

# Audit trail and access logs (issue 7): the account's API activity is recorded by a multi-region
# CloudTrail trail with log file validation and KMS encryption, and every S3 bucket's requests are
# logged (server access logs) to a log bucket.

# A value the plan does not show: a secret, Pulumi's unknown sentinel, or a string where a boolean belongs.
cannot_assess(value) if value in opaque_values

cannot_assess(value) if {
	is_string(value)
	not value in {"true", "false"}
}

trail_type := "aws:cloudtrail/trail:Trail"

trail_required_flags := ["isMultiRegionTrail", "enableLogFileValidation"]

# Platform stacks (those that deploy an EKS cluster) record their account's activity.
deploys_cluster if {
	some resource in stack_resources
	resource.__type == "aws:eks/cluster:Cluster"
}

trail_is_sound(trail) if {
	is_true(object.get(trail, "isMultiRegionTrail", false))
	is_true(object.get(trail, "enableLogFileValidation", false))
	key := object.get(trail, "kmsKeyId", "")
	is_string(key)
	key != ""
	not key in opaque_values
}

# METADATA
# title: A multi-region, validated, KMS-encrypted CloudTrail trail records the stack's account
# description: >-
#   A stack that deploys an EKS cluster must declare a CloudTrail trail with isMultiRegionTrail,
#   enableLogFileValidation and a KMS key (kmsKeyId). A trail whose settings are secret or unknown
#   cannot be assessed and counts as missing.
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:AU-2, NIST-800-53:AU-9, ISO-27001:A.8.15]
#   message: >-
#     Add an aws.cloudtrail.Trail with isMultiRegionTrail true, enableLogFileValidation true and kmsKeyId
#     set to a customer-managed key, writing to an object-locked bucket (infra/components/security/audit.py).
stack_deny_cloudtrail_trail contains msg if {
	platform_stack
	deploys_cluster
	count(resources_of_type(trail_type)) == 0
	msg := "the stack deploys an EKS cluster but declares no CloudTrail trail"
}

stack_deny_cloudtrail_trail contains msg if {
	platform_stack
	some trail in resources_of_type(trail_type)
	some flag in trail_required_flags
	value := object.get(trail, flag, false)
	cannot_assess(value)
	msg := sprintf("%s: CloudTrail trail %s cannot be assessed (secret or unknown value)", [trail.__urn, flag])
}

stack_deny_cloudtrail_trail contains msg if {
	platform_stack
	some trail in resources_of_type(trail_type)
	some flag in trail_required_flags
	value := object.get(trail, flag, false)
	not cannot_assess(value)
	not is_true(value)
	msg := sprintf("%s: CloudTrail trail does not set %s", [trail.__urn, flag])
}

stack_deny_cloudtrail_trail contains msg if {
	platform_stack
	some trail in resources_of_type(trail_type)
	key := object.get(trail, "kmsKeyId", "")
	key in opaque_values
	msg := sprintf("%s: CloudTrail trail kmsKeyId cannot be assessed (secret or unknown value)", [trail.__urn])
}

stack_deny_cloudtrail_trail contains msg if {
	platform_stack
	some trail in resources_of_type(trail_type)
	key := object.get(trail, "kmsKeyId", "")
	not key in opaque_values
	not non_empty_string(key)
	msg := sprintf("%s: CloudTrail trail is not encrypted with a KMS key (kmsKeyId)", [trail.__urn])
}

non_empty_string(value) if {
	is_string(value)
	value != ""
}

bucket_logging_types := {"aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"}

logging_configs := [config | some config in stack_resources; config.__type in bucket_logging_types]

# A logging configuration's target bucket, linked the way s3.rego links a configuration's `bucket`:
# through the plan's `__propertyDependencies.targetBucket` (one bucket URN, not contradicted by a known
# literal), or a literal bucket name. A target that is unknown before apply still links by reference.
log_target_link(config, kind) := concat("", ["urn:", urn]) if {
	kind == "urn"
	urns := iam_property_dependencies(config, "targetBucket")
	count(urns) == 1
	urn := urns[0]
	s3_buckets_by_urn[urn]
	not iam_known_and_different(object.get(config, "targetBucket", ""), object.get(s3_buckets_by_urn[urn], "bucket", ""))
}

log_target_link(config, kind) := concat("", ["name:", name]) if {
	kind == "name"
	name := object.get(config, "targetBucket", "")
	iam_literal_name(name)
}

log_target_keys(config) := {key |
	some kind in ["urn", "name"]
	key := log_target_link(config, kind)
}

# Buckets whose access logs are delivered to a bucket the configuration resolves to.
logged_bucket_references contains reference if {
	some config in logging_configs
	count(log_target_keys(config)) > 0
	some reference in bucket_references(config)
}

# Log buckets themselves: S3 cannot log a target bucket into itself without a loop.
log_target_references contains key if {
	some config in logging_configs
	some key in log_target_keys(config)
}

# METADATA
# title: S3 buckets have server access logging
# description: >-
#   Every S3 bucket must deliver server access logs (an aws.s3.BucketLogging with a target bucket),
#   except a bucket that is itself the target of access logs.
# custom:
#   severity: medium
#   controls: [NIST-800-53:AU-2, NIST-800-53:AU-12, ISO-27001:A.8.15]
#   message: >-
#     Add an aws.s3.BucketLogging for the bucket with targetBucket set to the region's access-log bucket
#     (infra/components/security/audit.py AccessLogBucket).
stack_deny_s3_access_logging contains msg if {
	some bucket in s3_buckets
	not configured(bucket, logged_bucket_references)
	not configured(bucket, log_target_references)
	msg := sprintf("%s: S3 bucket has no server access logging", [bucket.__urn])
}
