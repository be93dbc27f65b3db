package aws

import rego.v1

fixtures.stack_deny_s3_encryption_allow_configured := {"resources": fx_compliant_bucket("models")}

fixtures.stack_deny_s3_encryption_allow_linked_by_dependency := doc if {
	config := object.union(fx_sse("models"), {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "__dependencies": [fx_bucket("models", {}).__urn]})
	doc := {"resources": [fx_bucket("models", {}), config]}
}

fixtures.stack_deny_s3_encryption_deny_missing := {"resources": [fx_bucket("models", {})]}

fixtures.stack_deny_s3_encryption_deny_config_for_other_bucket := {"resources": [fx_bucket("models", {}), fx_sse("datasets")]}

fixtures.stack_deny_s3_versioning_allow_enabled := {"resources": fx_compliant_bucket("models")}

fixtures.stack_deny_s3_versioning_deny_suspended := doc if {
	suspended := fx_bucket_config("aws:s3/bucketVersioning:BucketVersioning", "models", {"versioningConfiguration": {"status": "Suspended"}})
	doc := {"resources": [fx_bucket("models", {}), suspended]}
}

fixtures.stack_deny_s3_public_access_block_allow_all_flags := {"resources": fx_compliant_bucket("models")}

fixtures.stack_deny_s3_public_access_block_deny_one_flag_off := doc if {
	block := object.union(fx_public_access_block("models"), {"restrictPublicBuckets": false})
	doc := {"resources": [fx_bucket("models", {}), block]}
}

fixtures.stack_deny_s3_public_access_block_deny_missing := {"resources": [fx_bucket("models", {})]}

fixtures.stack_deny_backup_bucket_object_lock_allow_locked_backup := {"resources": backup_bucket_resources}

fixtures.stack_deny_backup_bucket_object_lock_allow_ordinary_bucket_without_lock := {"resources": fx_compliant_bucket("models")}

fixtures.stack_deny_backup_bucket_object_lock_deny_without_lock := doc if {
	resources := array.concat([object.remove(backup_bucket_resources[0], ["objectLockEnabled"])], array.slice(backup_bucket_resources, 1, 4))
	doc := {"resources": resources}
}

fixtures.stack_deny_backup_bucket_object_lock_deny_without_retention := doc if {
	resources := array.slice(backup_bucket_resources, 0, 4)
	doc := {"resources": resources}
}
