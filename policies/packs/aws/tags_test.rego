package aws

import rego.v1

test_stack_deny_cost_allocation_tags_allow_tagged if {
	doc := fixtures.stack_deny_cost_allocation_tags_allow_tagged
	count(stack_deny_cost_allocation_tags) == 0 with input as doc
}

test_stack_deny_cost_allocation_tags_allow_provider_default_tags if {
	doc := fixtures.stack_deny_cost_allocation_tags_allow_provider_default_tags
	count(stack_deny_cost_allocation_tags) == 0 with input as doc
}

test_stack_deny_cost_allocation_tags_allow_provider_default_tags_as_json_string if {
	doc := fixtures.stack_deny_cost_allocation_tags_allow_provider_default_tags_as_json_string
	count(stack_deny_cost_allocation_tags) == 0 with input as doc
}

test_stack_deny_cost_allocation_tags_allow_untaggable_type if {
	doc := fixtures.stack_deny_cost_allocation_tags_allow_untaggable_type
	count(stack_deny_cost_allocation_tags) == 0 with input as doc
}

test_stack_deny_cost_allocation_tags_deny_missing_team if {
	doc := fixtures.stack_deny_cost_allocation_tags_deny_missing_team
	stack_deny_cost_allocation_tags == {"urn:pulumi:prod::ai-platform::aws:s3/bucket:Bucket::models: missing cost-allocation tags ai-platform/team"} with input as doc
}

test_stack_deny_cost_allocation_tags_deny_node_group_without_pool if {
	doc := fixtures.stack_deny_cost_allocation_tags_deny_node_group_without_pool
	stack_deny_cost_allocation_tags == {"urn:pulumi:prod::ai-platform::aws:eks/nodeGroup:NodeGroup::gpu: missing cost-allocation tags ai-platform/pool"} with input as doc
}
