package ai_governance

import rego.v1

# One test per fixture (see the *_fixtures_test.rego next to this file): an allow case keeps
# the rule silent, a deny case makes it fire.

test_stack_deny_platform_profile_allow_prod_profile if {
	doc := fixtures.stack_deny_platform_profile_allow_prod_profile
	count(stack_deny_platform_profile) == 0 with input as doc
}

test_stack_deny_platform_profile_deny_missing if {
	doc := fixtures.stack_deny_platform_profile_deny_missing
	count(stack_deny_platform_profile) > 0 with input as doc
}

test_stack_deny_platform_profile_deny_unknown_environment if {
	doc := fixtures.stack_deny_platform_profile_deny_unknown_environment
	count(stack_deny_platform_profile) > 0 with input as doc
}

test_stack_deny_platform_profile_deny_unreadable if {
	doc := fixtures.stack_deny_platform_profile_deny_unreadable
	count(stack_deny_platform_profile) > 0 with input as doc
}

test_stack_deny_prod_multi_region_allow_two_regions if {
	doc := fixtures.stack_deny_prod_multi_region_allow_two_regions
	count(stack_deny_prod_multi_region) == 0 with input as doc
}

test_stack_deny_prod_multi_region_allow_single_region_dev if {
	doc := fixtures.stack_deny_prod_multi_region_allow_single_region_dev
	count(stack_deny_prod_multi_region) == 0 with input as doc
}

test_stack_deny_prod_multi_region_deny_single_provider if {
	doc := fixtures.stack_deny_prod_multi_region_deny_single_provider
	count(stack_deny_prod_multi_region) > 0 with input as doc
}

test_stack_deny_prod_multi_region_deny_single_declared_region if {
	doc := fixtures.stack_deny_prod_multi_region_deny_single_declared_region
	count(stack_deny_prod_multi_region) > 0 with input as doc
}

test_stack_deny_prod_backup_replication_allow_cross_region if {
	doc := fixtures.stack_deny_prod_backup_replication_allow_cross_region
	count(stack_deny_prod_backup_replication) == 0 with input as doc
}

test_stack_deny_prod_backup_replication_allow_unreplicated_in_staging if {
	doc := fixtures.stack_deny_prod_backup_replication_allow_unreplicated_in_staging
	count(stack_deny_prod_backup_replication) == 0 with input as doc
}

test_stack_deny_prod_backup_replication_deny_no_replication if {
	doc := fixtures.stack_deny_prod_backup_replication_deny_no_replication
	count(stack_deny_prod_backup_replication) > 0 with input as doc
}

test_stack_deny_prod_backup_replication_deny_same_region_replica if {
	doc := fixtures.stack_deny_prod_backup_replication_deny_same_region_replica
	count(stack_deny_prod_backup_replication) > 0 with input as doc
}

test_stack_deny_prod_backup_replication_deny_no_backup_bucket if {
	doc := fixtures.stack_deny_prod_backup_replication_deny_no_backup_bucket
	count(stack_deny_prod_backup_replication) > 0 with input as doc
}

test_stack_deny_prod_dr_objectives_allow_design_bounds if {
	doc := fixtures.stack_deny_prod_dr_objectives_allow_design_bounds
	count(stack_deny_prod_dr_objectives) == 0 with input as doc
}

test_stack_deny_prod_dr_objectives_allow_loose_in_dev if {
	doc := fixtures.stack_deny_prod_dr_objectives_allow_loose_in_dev
	count(stack_deny_prod_dr_objectives) == 0 with input as doc
}

test_stack_deny_prod_dr_objectives_deny_slow_region_outage if {
	doc := fixtures.stack_deny_prod_dr_objectives_deny_slow_region_outage
	count(stack_deny_prod_dr_objectives) > 0 with input as doc
}

test_stack_deny_prod_dr_objectives_deny_undeclared if {
	doc := fixtures.stack_deny_prod_dr_objectives_deny_undeclared
	count(stack_deny_prod_dr_objectives) > 0 with input as doc
}

test_stack_deny_prod_backup_replication_allow_linked_by_property_dependencies if {
	doc := fixtures.stack_deny_prod_backup_replication_allow_linked_by_property_dependencies
	count(stack_deny_prod_backup_replication) == 0 with input as doc
}

test_stack_deny_prod_dr_objectives_deny_message_names_scenario if {
	doc := fixtures.stack_deny_prod_dr_objectives_deny_slow_region_outage
	stack_deny_prod_dr_objectives == {"urn:pulumi:prod::ai-platform::kubernetes:core/v1:ConfigMap::ai-platform-profile: DR regionOutage rtoMinutes is not declared within 240 minutes"} with input as doc
}
