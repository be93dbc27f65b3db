package storage

import rego.v1

# METADATA
# title: Every bucket of the bucket contract is versioned
# description: >-
#   Each bucket of the bucket contract (the ConfigMap data.storage_pack.bucketContract names, key contract.json:
#   storage_jobs.contract.BucketContract as JSON) must have versioning true: without versions an overwrite or
#   a delete loses the object, and noncurrent-version lifecycle and object lock have nothing to act on. A
#   contract that is secret, unknown or not a JSON object with a list of buckets fails closed.
# custom:
#   severity: high
#   controls: [NIST-800-53:CP-9, NIST-800-53:SI-7, ISO-27001:A.8.13, ISO-42001:A.7.3]
#   message: >-
#     Keep versioning: true on every bucket (storage.buckets cannot turn it off; the buckets are rendered
#     from data.object_storage).
deny_bucket_without_versioning contains msg if {
	bucket_contract_map(input)
	not contracts_unreadable
	some bucket in contract_buckets(input)
	object.get(bucket, "versioning", null) != true
	msg := concat("", ["bucket contract ", resource_name(input), ": ", bucket_label(bucket), " is not versioned"])
}

deny_bucket_without_versioning contains msg if {
	bucket_contract_map(input)
	not contracts_unreadable
	not contract_document(input)
	msg := concat("", ["bucket contract ", resource_name(input), ": ", contract_config.key, " cannot be read (secret, unknown or not a bucket contract)"])
}

deny_bucket_without_versioning contains msg if {
	bucket_contract_map(input)
	contracts_unreadable
	msg := concat("", ["bucket contract ", resource_name(input), ": ", unreadable_contracts_message])
}

# METADATA
# title: Backup buckets are object-locked for the configured days and keep backups for the retention
# description: >-
#   In each bucket contract, every locked purpose (data.object_storage.lockedPurposes: backups) must have a
#   bucket; that bucket must have object_lock with mode data.object_storage.objectLockMode (COMPLIANCE) and
#   days >= storage.backup.objectLockDays, and no lifecycle rule may expire current or noncurrent versions
#   before storage.backup.retentionDays. Both numbers come from the platform profile ConfigMap of the same
#   cluster (section storage.backup); a missing or unreadable profile or contract fails closed.
# custom:
#   scope: platform
#   severity: high
#   controls: [NIST-800-53:CP-9, NIST-800-53:AU-11, NIST-800-53:SI-12, ISO-27001:A.8.13]
#   message: >-
#     Render the backups bucket with object_lock {mode: COMPLIANCE, days: storage.backup.objectLockDays} and
#     lifecycle expiry of at least storage.backup.retentionDays (storage_jobs.contract via the buckets component).
stack_deny_backups_without_object_lock contains msg if {
	platform_stack
	not contracts_unreadable
	some contract_map in resources
	bucket_contract_map(contract_map)
	some purpose in locked_purposes
	count([b | some b in contract_buckets(contract_map); object.get(b, "purpose", null) == purpose]) == 0
	msg := concat("", [contract_map.__urn, ": bucket contract ", resource_name(contract_map), " has no ", purpose, " bucket"])
}

stack_deny_backups_without_object_lock contains msg if {
	platform_stack
	not contracts_unreadable
	some entry in locked_buckets
	lock := object.get(entry.bucket, "object_lock", null)
	not object.get(as_object(lock), "mode", null) == object_lock_mode
	msg := concat("", [entry.map.__urn, ": ", bucket_label(entry.bucket), " has no ", object_lock_mode, " object lock"])
}

stack_deny_backups_without_object_lock contains msg if {
	platform_stack
	not contracts_unreadable
	some entry in locked_buckets
	backup := backup_settings(entry.map)
	days := object.get(as_object(object.get(entry.bucket, "object_lock", {})), "days", null)
	not as_int(days) >= as_int(backup.objectLockDays)
	msg := concat("", [entry.map.__urn, ": ", bucket_label(entry.bucket), " object lock days below storage.backup.objectLockDays (", format_int(as_int(backup.objectLockDays), 10), ")"])
}

stack_deny_backups_without_object_lock contains msg if {
	platform_stack
	not contracts_unreadable
	some entry in locked_buckets
	backup := backup_settings(entry.map)
	some rule in as_array(object.get(entry.bucket, "lifecycle", []))
	some field in ["expiration_days", "noncurrent_expiration_days"]
	value := object.get(as_object(rule), field, null)
	value != null
	not as_int(value) >= as_int(backup.retentionDays)
	msg := concat("", [entry.map.__urn, ": ", bucket_label(entry.bucket), " lifecycle ", field, " below storage.backup.retentionDays (", format_int(as_int(backup.retentionDays), 10), ")"])
}

stack_deny_backups_without_object_lock contains msg if {
	platform_stack
	not contracts_unreadable
	some contract_map in resources
	bucket_contract_map(contract_map)
	not backup_settings(contract_map)
	msg := concat("", [contract_map.__urn, ": no readable storage.backup in the platform profile of the bucket contract's cluster: backup lock and retention cannot be assessed"])
}

stack_deny_backups_without_object_lock contains msg if {
	platform_stack
	not contracts_unreadable
	some contract_map in resources
	bucket_contract_map(contract_map)
	not contract_document(contract_map)
	msg := concat("", [contract_map.__urn, ": bucket contract ", resource_name(contract_map), " cannot be read: backup buckets cannot be assessed"])
}

stack_deny_backups_without_object_lock contains unreadable_contracts_message if {
	platform_stack
	contracts_unreadable
	some contract_map in resources
	bucket_contract_map(contract_map)
}

locked_buckets contains {"map": contract_map, "bucket": bucket} if {
	some contract_map in resources
	bucket_contract_map(contract_map)
	some bucket in contract_buckets(contract_map)
	object.get(bucket, "purpose", null) in locked_purposes
}

# METADATA
# title: Inference logs expire
# description: >-
#   In the bucket contract, the log purpose's bucket (data.object_storage.logPurpose: inference-logs) must
#   have a lifecycle rule with expiration_days > 0 that covers every key (prefix empty or absent): logs of
#   served predictions hold personal data, kept no longer than needed (GDPR storage limitation; per-model
#   prefixes may expire sooner, not instead). An unreadable contract is reported by the versioning rule.
# custom:
#   severity: medium
#   controls: [NIST-800-53:SI-12, NIST-800-53:AU-11, ISO-27001:A.8.10, ISO-42001:A.7.2, EU-AI-Act:Art.12]
#   message: >-
#     Keep a bucket-wide expiry on the inference-logs bucket (storage.buckets.inference-logs.expireAfterDays
#     greater than 0).
deny_inference_logs_without_expiry contains msg if {
	bucket_contract_map(input)
	not contracts_unreadable
	some bucket in contract_buckets(input)
	object.get(bucket, "purpose", null) == log_purpose
	not expires_every_key(bucket)
	msg := concat("", ["bucket contract ", resource_name(input), ": ", bucket_label(bucket), " has no lifecycle rule expiring every key"])
}

expires_every_key(bucket) if {
	some rule in as_array(object.get(bucket, "lifecycle", []))
	object.get(as_object(rule), "prefix", "") in {"", null}
	as_int(object.get(as_object(rule), "expiration_days", null)) > 0
}
