package storage

import rego.v1

# One test per fixture (buckets_fixtures_test.rego); deny cases count their messages.

test_deny_bucket_without_versioning_allow_versioned if {
	count(deny_bucket_without_versioning) == 0 with input as fixtures.deny_bucket_without_versioning_allow_versioned
}

test_deny_bucket_without_versioning_allow_other_config_map if {
	count(deny_bucket_without_versioning) == 0 with input as fixtures.deny_bucket_without_versioning_allow_other_config_map
}

test_deny_bucket_without_versioning_deny_unversioned if {
	count(deny_bucket_without_versioning) > 0 with input as fixtures.deny_bucket_without_versioning_deny_unversioned
}

test_deny_bucket_without_versioning_deny_versioning_absent if {
	count(deny_bucket_without_versioning) > 0 with input as fixtures.deny_bucket_without_versioning_deny_versioning_absent
}

test_deny_bucket_without_versioning_deny_secret_contract if {
	count(deny_bucket_without_versioning) > 0 with input as fixtures.deny_bucket_without_versioning_deny_secret_contract
}

test_deny_bucket_without_versioning_deny_invalid_json if {
	count(deny_bucket_without_versioning) > 0 with input as fixtures.deny_bucket_without_versioning_deny_invalid_json
}

test_deny_bucket_without_versioning_deny_labelled_map if {
	count(deny_bucket_without_versioning) > 0 with input as fixtures.deny_bucket_without_versioning_deny_labelled_map
}

test_stack_deny_backups_without_object_lock_allow_locked if {
	count(stack_deny_backups_without_object_lock) == 0 with input as fixtures.stack_deny_backups_without_object_lock_allow_locked
}

test_stack_deny_backups_without_object_lock_allow_longer if {
	count(stack_deny_backups_without_object_lock) == 0 with input as fixtures.stack_deny_backups_without_object_lock_allow_longer
}

test_stack_deny_backups_without_object_lock_deny_no_lock if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_no_lock
}

test_stack_deny_backups_without_object_lock_deny_governance_mode if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_governance_mode
}

test_stack_deny_backups_without_object_lock_deny_lock_days_below_config if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_lock_days_below_config
}

test_stack_deny_backups_without_object_lock_deny_expiry_below_retention if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_expiry_below_retention
}

test_stack_deny_backups_without_object_lock_deny_noncurrent_below_retention if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_noncurrent_below_retention
}

test_stack_deny_backups_without_object_lock_deny_no_backups_bucket if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_no_backups_bucket
}

test_stack_deny_backups_without_object_lock_deny_profile_without_storage if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_profile_without_storage
}

test_stack_deny_backups_without_object_lock_deny_no_profile if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_no_profile
}

test_stack_deny_backups_without_object_lock_deny_secret_contract if {
	count(stack_deny_backups_without_object_lock) > 0 with input as fixtures.stack_deny_backups_without_object_lock_deny_secret_contract
}

test_deny_inference_logs_without_expiry_allow_expiring if {
	count(deny_inference_logs_without_expiry) == 0 with input as fixtures.deny_inference_logs_without_expiry_allow_expiring
}

test_deny_inference_logs_without_expiry_allow_with_model_prefix if {
	count(deny_inference_logs_without_expiry) == 0 with input as fixtures.deny_inference_logs_without_expiry_allow_with_model_prefix
}

test_deny_inference_logs_without_expiry_deny_no_rules if {
	count(deny_inference_logs_without_expiry) > 0 with input as fixtures.deny_inference_logs_without_expiry_deny_no_rules
}

test_deny_inference_logs_without_expiry_deny_noncurrent_only if {
	count(deny_inference_logs_without_expiry) > 0 with input as fixtures.deny_inference_logs_without_expiry_deny_noncurrent_only
}

test_deny_inference_logs_without_expiry_deny_prefix_only if {
	count(deny_inference_logs_without_expiry) > 0 with input as fixtures.deny_inference_logs_without_expiry_deny_prefix_only
}
