package aws

import rego.v1

test_stack_deny_s3_encryption_allow_configured if {
	doc := fixtures.stack_deny_s3_encryption_allow_configured
	count(stack_deny_s3_encryption) == 0 with input as doc
}

test_stack_deny_s3_encryption_allow_linked_by_property_dependency if {
	doc := fixtures.stack_deny_s3_encryption_allow_linked_by_property_dependency
	count(stack_deny_s3_encryption) == 0 with input as doc
}

test_stack_deny_s3_encryption_deny_missing if {
	doc := fixtures.stack_deny_s3_encryption_deny_missing
	stack_deny_s3_encryption == {"urn:pulumi:prod::ai-platform::aws:s3/bucket:Bucket::models: S3 bucket has no default server-side encryption configuration"} with input as doc
}

test_stack_deny_s3_encryption_deny_config_for_other_bucket if {
	doc := fixtures.stack_deny_s3_encryption_deny_config_for_other_bucket
	count(stack_deny_s3_encryption) == 1 with input as doc
}

test_stack_deny_s3_versioning_allow_enabled if {
	doc := fixtures.stack_deny_s3_versioning_allow_enabled
	count(stack_deny_s3_versioning) == 0 with input as doc
}

test_stack_deny_s3_versioning_deny_suspended if {
	doc := fixtures.stack_deny_s3_versioning_deny_suspended
	count(stack_deny_s3_versioning) == 1 with input as doc
}

test_stack_deny_s3_public_access_block_allow_all_flags if {
	doc := fixtures.stack_deny_s3_public_access_block_allow_all_flags
	count(stack_deny_s3_public_access_block) == 0 with input as doc
}

test_stack_deny_s3_public_access_block_deny_one_flag_off if {
	doc := fixtures.stack_deny_s3_public_access_block_deny_one_flag_off
	count(stack_deny_s3_public_access_block) == 1 with input as doc
}

test_stack_deny_s3_public_access_block_deny_missing if {
	doc := fixtures.stack_deny_s3_public_access_block_deny_missing
	count(stack_deny_s3_public_access_block) == 1 with input as doc
}

test_stack_deny_backup_bucket_object_lock_allow_locked_backup if {
	doc := fixtures.stack_deny_backup_bucket_object_lock_allow_locked_backup
	count(stack_deny_backup_bucket_object_lock) == 0 with input as doc
}

test_stack_deny_backup_bucket_object_lock_allow_ordinary_bucket_without_lock if {
	doc := fixtures.stack_deny_backup_bucket_object_lock_allow_ordinary_bucket_without_lock
	count(stack_deny_backup_bucket_object_lock) == 0 with input as doc
}

test_stack_deny_backup_bucket_object_lock_deny_without_lock if {
	doc := fixtures.stack_deny_backup_bucket_object_lock_deny_without_lock
	stack_deny_backup_bucket_object_lock == {
		"urn:pulumi:prod::ai-platform::aws:s3/bucket:Bucket::backups: backup bucket is not created with object lock (objectLockEnabled)",
		"urn:pulumi:prod::ai-platform::aws:s3/bucket:Bucket::backups: backup bucket has no object lock default retention",
	} with input as doc
}

test_stack_deny_backup_bucket_object_lock_deny_without_retention if {
	doc := fixtures.stack_deny_backup_bucket_object_lock_deny_without_retention
	count(stack_deny_backup_bucket_object_lock) == 1 with input as doc
}

test_stack_deny_s3_encryption_deny_linked_by_depends_on_only if {
	doc := fixtures.stack_deny_s3_encryption_deny_linked_by_depends_on_only
	count(stack_deny_s3_encryption) == 1 with input as doc
}

test_stack_deny_s3_encryption_deny_linked_by_logical_name_only if {
	doc := fixtures.stack_deny_s3_encryption_deny_linked_by_logical_name_only
	count(stack_deny_s3_encryption) == 1 with input as doc
}

test_stack_deny_s3_encryption_deny_reference_contradicted_by_literal if {
	doc := fixtures.stack_deny_s3_encryption_deny_reference_contradicted_by_literal
	count(stack_deny_s3_encryption) == 1 with input as doc
}

test_stack_deny_s3_versioning_deny_linked_by_depends_on_only if {
	doc := fixtures.stack_deny_s3_versioning_deny_linked_by_depends_on_only
	count(stack_deny_s3_versioning) == 1 with input as doc
}

test_stack_deny_s3_public_access_block_deny_reference_to_bucket_and_other if {
	doc := fixtures.stack_deny_s3_public_access_block_deny_reference_to_bucket_and_other
	count(stack_deny_s3_public_access_block) == 1 with input as doc
}

test_stack_deny_backup_bucket_object_lock_deny_retention_linked_by_name_only if {
	doc := fixtures.stack_deny_backup_bucket_object_lock_deny_retention_linked_by_name_only
	count(stack_deny_backup_bucket_object_lock) == 1 with input as doc
}
