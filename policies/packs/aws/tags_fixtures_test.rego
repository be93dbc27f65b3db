package aws

import rego.v1

fixtures.stack_deny_cost_allocation_tags_allow_tagged := {"resources": [aws_provider, fx_bucket("models", {})]}

fixtures.stack_deny_cost_allocation_tags_allow_provider_default_tags := doc if {
	provider := object.union(aws_provider, {"defaultTags": {"tags": fx_tags}})
	untagged := object.remove(fx_bucket("models", {}), ["tags"])
	doc := {"resources": [provider, untagged]}
}

fixtures.stack_deny_cost_allocation_tags_allow_provider_default_tags_as_json_string := doc if {
	provider := object.union(aws_provider, {"defaultTags": json.marshal({"tags": fx_tags})})
	untagged := object.remove(fx_bucket("models", {}), ["tags"])
	doc := {"resources": [provider, untagged]}
}

fixtures.stack_deny_cost_allocation_tags_allow_untaggable_type := {"resources": [aws_provider, fx_versioning("models")]}

fixtures.stack_deny_cost_allocation_tags_deny_missing_team := doc if {
	resource := object.union(object.remove(fx_bucket("models", {}), ["tags"]), {"tags": {"ai-platform/stack": "prod", "ai-platform/region": "eu-west-1"}})
	doc := {"resources": [aws_provider, resource]}
}

fixtures.stack_deny_cost_allocation_tags_deny_node_group_without_pool := doc if {
	node_group := object.union(good_gpu_node_group, {"__provider": provider_ref, "tags": fx_tags})
	doc := {"resources": [aws_provider, node_group]}
}
