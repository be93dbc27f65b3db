package aws

import rego.v1

s3_bucket_types := {"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"}

s3_buckets := [bucket | some bucket in stack_resources; bucket.__type in s3_bucket_types]

# pulumi-aws v7 configures a bucket through separate resources whose `bucket` input is the bucket's
# name (its id). A configuration is linked to a bucket only by what its `bucket` input resolves to:
# the plan's `__propertyDependencies.bucket` holding that bucket's URN and nothing else (names generated
# from bucketPrefix are unknown before apply), or the `bucket` input equal to the bucket's own known
# `bucket` name input. Never by the bucket's logical `__name` (any string can spell it) and never by
# `dependsOn` (`__dependencies`) alone, which says nothing about which bucket is configured. A
# reference contradicted by a known literal (`bucket` names another bucket) links nothing. Each check
# first collects, in one pass over the resources, the link keys of its good configurations, so a stack
# of thousands of resources stays linear.
s3_buckets_by_urn := {bucket.__urn: bucket | some bucket in s3_buckets}

s3_bucket_name(resource) := name if {
	name := object.get(resource, "bucket", "")
	iam_literal_name(name)
}

configured(bucket, references) if concat("", ["urn:", bucket.__urn]) in references

configured(bucket, references) if concat("", ["name:", s3_bucket_name(bucket)]) in references

bucket_references(config) := {reference |
	some kind in ["urn", "name"]
	reference := s3_link_key(config, kind)
}

s3_link_key(config, kind) := concat("", ["urn:", urn]) if {
	kind == "urn"
	urns := iam_property_dependencies(config, "bucket")
	count(urns) == 1
	urn := urns[0]
	s3_buckets_by_urn[urn]
	not iam_known_and_different(object.get(config, "bucket", ""), object.get(s3_buckets_by_urn[urn], "bucket", ""))
}

s3_link_key(config, kind) := concat("", ["name:", s3_bucket_name(config)]) if {
	kind == "name"
	s3_bucket_name(config)
}

sse_types := {
	"aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
}

sse_algorithms := {"aws:kms", "aws:kms:dsse", "AES256"}

encrypted_bucket_references contains reference if {
	some config in stack_resources
	config.__type in sse_types
	some rule in as_array(object.get(config, "rules", []))
	default_encryption := as_object(object.get(rule, "applyServerSideEncryptionByDefault", {}))
	object.get(default_encryption, "sseAlgorithm", "") in sse_algorithms
	some reference in bucket_references(config)
}

# METADATA
# title: S3 buckets have default server-side encryption
# description: Every S3 bucket must have a server-side encryption configuration (SSE-KMS preferred).
# custom:
#   severity: high
#   controls: [NIST-800-53:SC-28, ISO-27001:A.8.24]
#   message: >-
#     Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with
#     applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms" and a customer-managed key.
stack_deny_s3_encryption contains msg if {
	some bucket in s3_buckets
	not configured(bucket, encrypted_bucket_references)
	msg := sprintf("%s: S3 bucket has no default server-side encryption configuration", [bucket.__urn])
}

versioning_types := {"aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"}

versioned_bucket_references contains reference if {
	some config in stack_resources
	config.__type in versioning_types
	as_object(object.get(config, "versioningConfiguration", {})).status == "Enabled"
	some reference in bucket_references(config)
}

# METADATA
# title: S3 buckets have versioning enabled
# description: Every S3 bucket must keep object versions so that overwrites and deletions can be undone.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CP-9, NIST-800-53:SI-12, ISO-27001:A.8.13]
#   message: Add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status "Enabled".
stack_deny_s3_versioning contains msg if {
	some bucket in s3_buckets
	not configured(bucket, versioned_bucket_references)
	msg := sprintf("%s: S3 bucket versioning is not enabled", [bucket.__urn])
}

public_access_flags := ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]

blocked_bucket_references contains reference if {
	some block in stack_resources
	block.__type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	count([flag | some flag in public_access_flags; is_true(object.get(block, flag, false))]) == count(public_access_flags)
	some reference in bucket_references(block)
}

# METADATA
# title: S3 buckets block all public access
# description: >-
#   Every S3 bucket must have a public access block with blockPublicAcls, blockPublicPolicy,
#   ignorePublicAcls and restrictPublicBuckets all set to true.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-3, NIST-800-53:SC-7, ISO-27001:A.8.3]
#   message: Add an aws.s3.BucketPublicAccessBlock for the bucket with all four flags set to true.
stack_deny_s3_public_access_block contains msg if {
	some bucket in s3_buckets
	not configured(bucket, blocked_bucket_references)
	msg := sprintf("%s: S3 bucket does not block all public access", [bucket.__urn])
}

is_backup_bucket(bucket) if object.get(tags_of(bucket), "ai-platform/data-class", "") == "backup"

object_lock_types := {
	"aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
}

locked_bucket_references contains reference if {
	some config in stack_resources
	config.__type in object_lock_types
	rule := as_object(object.get(config, "rule", {}))
	retention := as_object(object.get(rule, "defaultRetention", {}))
	object.get(retention, "mode", "") in {"COMPLIANCE", "GOVERNANCE"}
	some reference in bucket_references(config)
}

# METADATA
# title: Backup buckets have object lock with a default retention
# description: >-
#   Buckets tagged ai-platform/data-class "backup" must be created with object lock and carry a
#   default retention, so that backups survive accidental or malicious deletion (3-2-1 rule).
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:CP-9, NIST-800-53:SI-7, ISO-27001:A.8.13, ISO-27001:A.5.33]
#   message: >-
#     Set objectLockEnabled to true on the backup bucket and add an aws.s3.BucketObjectLockConfiguration
#     with rule.defaultRetention (mode COMPLIANCE, days or years).
stack_deny_backup_bucket_object_lock contains msg if {
	platform_stack
	some bucket in s3_buckets
	is_backup_bucket(bucket)
	not is_true(object.get(bucket, "objectLockEnabled", false))
	msg := sprintf("%s: backup bucket is not created with object lock (objectLockEnabled)", [bucket.__urn])
}

stack_deny_backup_bucket_object_lock contains msg if {
	platform_stack
	some bucket in s3_buckets
	is_backup_bucket(bucket)
	not configured(bucket, locked_bucket_references)
	msg := sprintf("%s: backup bucket has no object lock default retention", [bucket.__urn])
}
