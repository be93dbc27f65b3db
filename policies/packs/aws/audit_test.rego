package aws

import rego.v1

test_stack_deny_cloudtrail_trail_allow_sound_trail if {
	doc := fixtures.stack_deny_cloudtrail_trail_allow_sound_trail
	count(stack_deny_cloudtrail_trail) == 0 with input as doc
}

test_stack_deny_cloudtrail_trail_allow_stack_without_cluster if {
	doc := fixtures.stack_deny_cloudtrail_trail_allow_stack_without_cluster
	count(stack_deny_cloudtrail_trail) == 0 with input as doc
}

test_stack_deny_cloudtrail_trail_deny_no_trail if {
	doc := fixtures.stack_deny_cloudtrail_trail_deny_no_trail
	messages := stack_deny_cloudtrail_trail with input as doc
	some message in messages
	contains(message, "declares no CloudTrail trail")
}

test_stack_deny_cloudtrail_trail_deny_single_region if {
	doc := fixtures.stack_deny_cloudtrail_trail_deny_single_region
	messages := stack_deny_cloudtrail_trail with input as doc
	some message in messages
	contains(message, "does not set isMultiRegionTrail")
}

test_stack_deny_cloudtrail_trail_deny_no_validation if {
	doc := fixtures.stack_deny_cloudtrail_trail_deny_no_validation
	messages := stack_deny_cloudtrail_trail with input as doc
	some message in messages
	contains(message, "does not set enableLogFileValidation")
}

test_stack_deny_cloudtrail_trail_deny_no_kms_key if {
	doc := fixtures.stack_deny_cloudtrail_trail_deny_no_kms_key
	messages := stack_deny_cloudtrail_trail with input as doc
	some message in messages
	contains(message, "not encrypted with a KMS key")
}

test_stack_deny_cloudtrail_trail_deny_secret_validation if {
	doc := fixtures.stack_deny_cloudtrail_trail_deny_secret_validation
	messages := stack_deny_cloudtrail_trail with input as doc
	some message in messages
	contains(message, "enableLogFileValidation cannot be assessed")
}

test_stack_deny_cloudtrail_trail_deny_unknown_kms_key if {
	doc := fixtures.stack_deny_cloudtrail_trail_deny_unknown_kms_key
	messages := stack_deny_cloudtrail_trail with input as doc
	some message in messages
	contains(message, "kmsKeyId cannot be assessed")
}

test_stack_deny_s3_access_logging_allow_logged_bucket if {
	doc := fixtures.stack_deny_s3_access_logging_allow_logged_bucket
	count(stack_deny_s3_access_logging) == 0 with input as doc
}

test_stack_deny_s3_access_logging_allow_linked_by_reference if {
	doc := fixtures.stack_deny_s3_access_logging_allow_linked_by_reference
	count(stack_deny_s3_access_logging) == 0 with input as doc
}

test_stack_deny_s3_access_logging_deny_linked_by_depends_on_only if {
	doc := fixtures.stack_deny_s3_access_logging_deny_linked_by_depends_on_only
	count(stack_deny_s3_access_logging) > 0 with input as doc
}

test_stack_deny_s3_access_logging_deny_unlogged_bucket if {
	doc := fixtures.stack_deny_s3_access_logging_deny_unlogged_bucket
	messages := stack_deny_s3_access_logging with input as doc
	some message in messages
	contains(message, "Bucket::models: S3 bucket has no server access logging")
}

test_stack_deny_s3_access_logging_deny_secret_target if {
	doc := fixtures.stack_deny_s3_access_logging_deny_secret_target
	messages := stack_deny_s3_access_logging with input as doc
	some message in messages
	contains(message, "Bucket::models: S3 bucket has no server access logging")
}
