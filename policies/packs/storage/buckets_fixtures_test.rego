package storage

import rego.v1

fixtures.deny_bucket_without_versioning_allow_versioned := fx_contract

fixtures.deny_bucket_without_versioning_allow_other_config_map := fx_set(fx_set(fx_contract, "metadata", {"name": "other", "namespace": "ai-platform-storage"}), "data", {"contract.json": "[secret]"})

fixtures.deny_bucket_without_versioning_deny_unversioned := fx_contract_map(fx_buckets_with("models", fx_set(fx_bucket("models", null, []), "versioning", false)))

# A missing field is not "true" (the JSON is what the reconciler applies).
fixtures.deny_bucket_without_versioning_deny_versioning_absent := fx_contract_map(fx_buckets_with("datasets", object.remove(fx_bucket("datasets", null, []), ["versioning"])))

fixtures.deny_bucket_without_versioning_deny_secret_contract := fx_contract_map_of("[secret]")

fixtures.deny_bucket_without_versioning_deny_invalid_json := fx_contract_map_of("{\"buckets\": [")

# Found by its label under another name.
fixtures.deny_bucket_without_versioning_deny_labelled_map := fx_set(fx_contract_map(fx_buckets_with("models", fx_set(fx_bucket("models", null, []), "versioning", false))), "metadata", {"name": "renamed", "namespace": "ai-platform-storage", "labels": {"ai-platform/bucket-contract": "true"}})

fixtures.stack_deny_backups_without_object_lock_allow_locked := fx_good_prod_stack

# A lock longer than the config's minimum, retention longer than the config's.
fixtures.stack_deny_backups_without_object_lock_allow_longer := fx_prod_stack_with(fx_contract_map(fx_buckets_with("backups", fx_bucket("backups", {"mode": "COMPLIANCE", "days": 60}, [fx_rule("expire", 90, 90)]))))

fixtures.stack_deny_backups_without_object_lock_deny_no_lock := fx_prod_stack_with(fx_contract_map(fx_buckets_with("backups", fx_bucket("backups", null, [fx_rule("expire", 35, 35)]))))

fixtures.stack_deny_backups_without_object_lock_deny_governance_mode := fx_prod_stack_with(fx_contract_map(fx_buckets_with("backups", fx_bucket("backups", {"mode": "GOVERNANCE", "days": 30}, [fx_rule("expire", 35, 35)]))))

fixtures.stack_deny_backups_without_object_lock_deny_lock_days_below_config := fx_prod_stack_with(fx_contract_map(fx_buckets_with("backups", fx_bucket("backups", {"mode": "COMPLIANCE", "days": 7}, [fx_rule("expire", 35, 35)]))))

fixtures.stack_deny_backups_without_object_lock_deny_expiry_below_retention := fx_prod_stack_with(fx_contract_map(fx_buckets_with("backups", fx_bucket("backups", {"mode": "COMPLIANCE", "days": 30}, [fx_rule("expire", 10, 35)]))))

fixtures.stack_deny_backups_without_object_lock_deny_noncurrent_below_retention := fx_prod_stack_with(fx_contract_map(fx_buckets_with("backups", fx_bucket("backups", {"mode": "COMPLIANCE", "days": 30}, [fx_rule("expire", 35, 1)]))))

fixtures.stack_deny_backups_without_object_lock_deny_no_backups_bucket := fx_prod_stack_with(fx_contract_map([b | some b in fx_buckets; b.purpose != "backups"]))

# The profile of the contract's cluster has no storage section.
fixtures.stack_deny_backups_without_object_lock_deny_profile_without_storage := {"resources": [fx_profile("prod", {"environment": "prod"}), fx_contract]}

fixtures.stack_deny_backups_without_object_lock_deny_no_profile := {"resources": [fx_contract]}

fixtures.stack_deny_backups_without_object_lock_deny_secret_contract := fx_prod_stack_with(fx_contract_map_of("[secret]"))

fixtures.deny_inference_logs_without_expiry_allow_expiring := fx_contract

# A per-model rule beside the bucket-wide one.
fixtures.deny_inference_logs_without_expiry_allow_with_model_prefix := fx_contract_map(fx_buckets_with("inference-logs", fx_bucket("inference-logs", null, [fx_set(fx_rule("fraud", 30, 7), "prefix", "fraud/"), fx_rule("expire", 190, 7)])))

fixtures.deny_inference_logs_without_expiry_deny_no_rules := fx_contract_map(fx_buckets_with("inference-logs", fx_bucket("inference-logs", null, [])))

fixtures.deny_inference_logs_without_expiry_deny_noncurrent_only := fx_contract_map(fx_buckets_with("inference-logs", fx_bucket("inference-logs", null, [fx_rule("noncurrent", null, 7)])))

# Only one model's prefix expires: the other models' logs stay forever.
fixtures.deny_inference_logs_without_expiry_deny_prefix_only := fx_contract_map(fx_buckets_with("inference-logs", fx_bucket("inference-logs", null, [fx_set(fx_rule("fraud", 30, 7), "prefix", "fraud/")])))
