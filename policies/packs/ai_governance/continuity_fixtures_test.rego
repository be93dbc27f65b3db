package ai_governance

import rego.v1

fixtures.stack_deny_platform_profile_allow_prod_profile := fx_compliant_stack

fixtures.stack_deny_platform_profile_deny_missing := {"resources": [r | some r in fx_compliant_stack.resources; r.__name != "ai-platform-profile"]}

fixtures.stack_deny_platform_profile_deny_unknown_environment := fx_stack_with_profile(fx_set(fx_profile, "environment", "qa"))

fixtures.stack_deny_platform_profile_deny_unreadable := {"resources": array.concat(
	[r | some r in fx_compliant_stack.resources; r.__name != "ai-platform-profile"],
	[fx_set(fx_profile_resource(fx_profile), "data", {"profile.json": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})],
)}

fixtures.stack_deny_prod_multi_region_allow_two_regions := fx_compliant_stack

fixtures.stack_deny_prod_multi_region_allow_single_region_dev := {"resources": array.concat(
	[r | some r in fx_stack_with_profile(fx_set(fx_set(fx_profile, "environment", "dev"), "regions", ["eu-west-1"])).resources; r.__name != "eu-central-1"],
	[],
)}

fixtures.stack_deny_prod_multi_region_deny_single_provider := {"resources": [r | some r in fx_compliant_stack.resources; r.__name != "eu-central-1"]}

fixtures.stack_deny_prod_multi_region_deny_single_declared_region := fx_stack_with_profile(fx_set(fx_profile, "regions", ["eu-west-1"]))

fixtures.stack_deny_prod_backup_replication_allow_cross_region := fx_compliant_stack

fixtures.stack_deny_prod_backup_replication_allow_unreplicated_in_staging := {"resources": [r |
	some r in fx_stack_with_profile(fx_set(fx_profile, "environment", "staging")).resources
	r.__type != "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
]}

fixtures.stack_deny_prod_backup_replication_deny_no_replication := {"resources": [r |
	some r in fx_compliant_stack.resources
	r.__type != "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
]}

fixtures.stack_deny_prod_backup_replication_deny_same_region_replica := {"resources": array.concat(
	[r | some r in fx_compliant_stack.resources; not r.__name in {"prod-backups-eu-central-1", "prod-backups-eu-west-1"}],
	[fx_backup_bucket("prod-backups-eu-west-1", "eu-west-1"), fx_backup_bucket("prod-backups-eu-central-1", "eu-west-1")],
)}

fixtures.stack_deny_prod_backup_replication_deny_no_backup_bucket := {"resources": [r |
	some r in fx_compliant_stack.resources
	not r.__type in {"aws:s3/bucket:Bucket", "aws:s3/bucketReplicationConfig:BucketReplicationConfig"}
]}

fixtures.stack_deny_prod_dr_objectives_allow_design_bounds := fx_compliant_stack

fixtures.stack_deny_prod_dr_objectives_allow_loose_in_dev := fx_stack_with_profile(fx_set(fx_set(fx_profile, "environment", "dev"), "dr", {}))

fixtures.stack_deny_prod_dr_objectives_deny_slow_region_outage := fx_stack_with_profile(fx_set(fx_profile, "dr", fx_set(fx_dr, "regionOutage", {"rtoMinutes": 480, "rpoMinutes": 60})))

fixtures.stack_deny_prod_dr_objectives_deny_undeclared := fx_stack_with_profile(fx_set(fx_profile, "dr", object.remove(fx_dr, ["dataLoss"])))

# Names generated from bucketPrefix are unknown before apply: the plan's property dependencies link them.
fixtures.stack_deny_prod_backup_replication_allow_linked_by_property_dependencies := {"resources": array.concat(
	[r | some r in fx_compliant_stack.resources; r.__type != "aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
	[object.union(
		fx_set(fx_set(fx_replication("prod-backups-eu-west-1", "prod-backups-eu-central-1"), "bucket", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"), "rules", [{"status": "Enabled", "destination": {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}]),
		{"__propertyDependencies": {
			"bucket": [fx_urn("aws:s3/bucket:Bucket", "prod-backups-eu-west-1")],
			"rules": [fx_urn("aws:s3/bucket:Bucket", "prod-backups-eu-central-1")],
		}},
	)],
)}
