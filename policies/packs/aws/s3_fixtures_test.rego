package aws

import rego.v1

fixtures.stack_deny_s3_encryption_allow_configured := {"resources": fx_compliant_bucket("models")}

fixtures.stack_deny_s3_encryption_allow_linked_by_property_dependency := doc if {
	bucket := fx_bucket("models", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	config := object.union(fx_sse("models"), {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "__propertyDependencies": {"bucket": [bucket.__urn]}})
	doc := {"resources": [bucket, config]}
}

# Issue 7: a configuration is linked by what its `bucket` input resolves to, never by logical name or dependsOn.
fixtures.stack_deny_s3_encryption_deny_linked_by_depends_on_only := doc if {
	bucket := fx_bucket("models", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	config := object.union(fx_sse("models"), {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "__dependencies": [bucket.__urn]})
	doc := {"resources": [bucket, config]}
}

fixtures.stack_deny_s3_encryption_deny_linked_by_logical_name_only := doc if {
	bucket := fx_bucket("models", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	doc := {"resources": [bucket, fx_sse("models")]}
}

fixtures.stack_deny_s3_encryption_deny_reference_contradicted_by_literal := doc if {
	bucket := fx_bucket("models", {})
	config := object.union(fx_sse("other-bucket"), {"__propertyDependencies": {"bucket": [bucket.__urn]}})
	doc := {"resources": [bucket, config]}
}

fixtures.stack_deny_s3_encryption_deny_missing := {"resources": [fx_bucket("models", {})]}

fixtures.stack_deny_s3_encryption_deny_config_for_other_bucket := {"resources": [fx_bucket("models", {}), fx_sse("datasets")]}

fixtures.stack_deny_s3_versioning_allow_enabled := {"resources": fx_compliant_bucket("models")}

fixtures.stack_deny_s3_versioning_deny_linked_by_depends_on_only := doc if {
	bucket := fx_bucket("models", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	enabled := object.union(fx_versioning("models"), {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "__dependencies": [bucket.__urn]})
	doc := {"resources": [bucket, enabled]}
}

fixtures.stack_deny_s3_versioning_deny_suspended := doc if {
	suspended := fx_bucket_config("aws:s3/bucketVersioning:BucketVersioning", "models", {"versioningConfiguration": {"status": "Suspended"}})
	doc := {"resources": [fx_bucket("models", {}), suspended]}
}

fixtures.stack_deny_s3_public_access_block_allow_all_flags := {"resources": fx_compliant_bucket("models")}

fixtures.stack_deny_s3_public_access_block_deny_one_flag_off := doc if {
	block := object.union(fx_public_access_block("models"), {"restrictPublicBuckets": false})
	doc := {"resources": [fx_bucket("models", {}), block]}
}

# `bucket` computed from the bucket and another resource may name either: not a link.
fixtures.stack_deny_s3_public_access_block_deny_reference_to_bucket_and_other := doc if {
	other := {"__type": "random:index/randomString:RandomString", "__urn": "urn:pulumi:prod::ai-platform::random:index/randomString:RandomString::x", "__name": "x"}
	bucket := fx_bucket("models", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	block := object.union(fx_public_access_block("models"), {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "__propertyDependencies": {"bucket": [bucket.__urn, other.__urn]}})
	doc := {"resources": [bucket, other, block]}
}

fixtures.stack_deny_s3_public_access_block_deny_missing := {"resources": [fx_bucket("models", {})]}

fixtures.stack_deny_backup_bucket_object_lock_allow_locked_backup := {"resources": backup_bucket_resources}

fixtures.stack_deny_backup_bucket_object_lock_allow_ordinary_bucket_without_lock := {"resources": fx_compliant_bucket("models")}

fixtures.stack_deny_backup_bucket_object_lock_deny_without_lock := doc if {
	resources := array.concat([object.remove(backup_bucket_resources[0], ["objectLockEnabled"])], array.slice(backup_bucket_resources, 1, 4))
	doc := {"resources": resources}
}

fixtures.stack_deny_backup_bucket_object_lock_deny_retention_linked_by_name_only := doc if {
	bucket := object.union(backup_bucket_resources[0], {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	linked := [fx_linked(config, bucket.__urn) | some config in [fx_sse("backups"), fx_versioning("backups"), fx_public_access_block("backups")]]
	doc := {"resources": array.concat(array.concat([bucket], linked), [fx_object_lock("backups")])}
}

fixtures.stack_deny_backup_bucket_object_lock_deny_without_retention := doc if {
	resources := array.slice(backup_bucket_resources, 0, 4)
	doc := {"resources": resources}
}

# A configuration whose `bucket` input is unknown and resolves, through the plan, to the bucket's URN.
fx_linked(config, bucket_urn) := object.union(config, {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "__propertyDependencies": {"bucket": [bucket_urn]}})
