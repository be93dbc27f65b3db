package aws

import rego.v1

fx_cluster_in_stack := object.union(good_cluster, {"__provider": provider_ref})

fx_trail(extra) := object.union(
	{
		"__type": "aws:cloudtrail/trail:Trail",
		"__urn": "urn:pulumi:prod::ai-platform::aws:cloudtrail/trail:Trail::audit",
		"__name": "audit",
		"__provider": provider_ref,
		"name": "ai-platform-prod",
		"s3BucketName": "trail-logs",
		"isMultiRegionTrail": true,
		"enableLogFileValidation": true,
		"kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/trail",
	},
	extra,
)

fx_logging(name, target) := fx_bucket_config("aws:s3/bucketLogging:BucketLogging", name, {"targetBucket": target, "targetPrefix": "x/"})

fixtures.stack_deny_cloudtrail_trail_allow_sound_trail := {"resources": [aws_provider, fx_cluster_in_stack, fx_trail({})]}

fixtures.stack_deny_cloudtrail_trail_allow_stack_without_cluster := {"resources": [aws_provider, fx_bucket("models", {})]}

fixtures.stack_deny_cloudtrail_trail_deny_no_trail := {"resources": [aws_provider, fx_cluster_in_stack]}

fixtures.stack_deny_cloudtrail_trail_deny_single_region := {"resources": [aws_provider, fx_cluster_in_stack, fx_trail({"isMultiRegionTrail": false})]}

fixtures.stack_deny_cloudtrail_trail_deny_no_validation := doc if {
	trail := object.remove(fx_trail({}), ["enableLogFileValidation"])
	doc := {"resources": [aws_provider, fx_cluster_in_stack, trail]}
}

fixtures.stack_deny_cloudtrail_trail_deny_no_kms_key := doc if {
	trail := object.remove(fx_trail({}), ["kmsKeyId"])
	doc := {"resources": [aws_provider, fx_cluster_in_stack, trail]}
}

fixtures.stack_deny_cloudtrail_trail_deny_secret_validation := {"resources": [aws_provider, fx_cluster_in_stack, fx_trail({"enableLogFileValidation": "[secret]"})]}

fixtures.stack_deny_cloudtrail_trail_deny_unknown_kms_key := {"resources": [aws_provider, fx_cluster_in_stack, fx_trail({"kmsKeyId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})]}

fixtures.stack_deny_s3_access_logging_allow_logged_bucket := {"resources": [aws_provider, fx_bucket("models", {}), fx_bucket("logs", {}), fx_logging("models", "logs")]}

# Names unknown before apply: the configuration is linked to its bucket and to its target through
# the references its inputs resolve to (the plan's property dependencies).
fixtures.stack_deny_s3_access_logging_allow_linked_by_reference := doc if {
	bucket := fx_bucket("models", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	target := fx_bucket("logs", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	logging := fx_bucket_config("aws:s3/bucketLogging:BucketLogging", "models", {
		"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
		"targetBucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
		"__propertyDependencies": {"bucket": [bucket.__urn], "targetBucket": [target.__urn]},
	})
	doc := {"resources": [aws_provider, bucket, target, logging]}
}

# dependsOn says nothing about which bucket is configured or where its logs go.
fixtures.stack_deny_s3_access_logging_deny_linked_by_depends_on_only := doc if {
	bucket := fx_bucket("models", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	logging := fx_bucket_config("aws:s3/bucketLogging:BucketLogging", "models", {
		"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
		"targetBucket": "logs",
		"__dependencies": [bucket.__urn],
	})
	doc := {"resources": [aws_provider, bucket, fx_bucket("logs", {}), logging]}
}

fixtures.stack_deny_s3_access_logging_deny_unlogged_bucket := {"resources": [aws_provider, fx_bucket("models", {}), fx_bucket("logs", {}), fx_logging("other", "logs")]}

fixtures.stack_deny_s3_access_logging_deny_secret_target := {"resources": [aws_provider, fx_bucket("models", {}), fx_logging("models", "[secret]")]}
