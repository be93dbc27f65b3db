package kubernetes_admission

import rego.v1

# One test per fixture (see the *_fixtures_test.rego next to this file): an allow case keeps
# the rule silent, a deny case makes it fire.

test_deny_missing_resources_allow_requests_and_limits if {
	doc := fixtures.deny_missing_resources_allow_requests_and_limits
	count(deny_missing_resources) == 0 with input as doc
}

test_deny_missing_resources_deny_no_limits if {
	doc := fixtures.deny_missing_resources_deny_no_limits
	count(deny_missing_resources) > 0 with input as doc
}

test_deny_missing_resources_deny_init_container_without_resources if {
	doc := fixtures.deny_missing_resources_deny_init_container_without_resources
	count(deny_missing_resources) > 0 with input as doc
}

test_deny_gpu_without_toleration_allow_tolerating if {
	doc := fixtures.deny_gpu_without_toleration_allow_tolerating
	count(deny_gpu_without_toleration) == 0 with input as doc
}

test_deny_gpu_without_toleration_allow_cpu_only if {
	doc := fixtures.deny_gpu_without_toleration_allow_cpu_only
	count(deny_gpu_without_toleration) == 0 with input as doc
}

test_deny_gpu_without_toleration_deny_no_toleration if {
	doc := fixtures.deny_gpu_without_toleration_deny_no_toleration
	count(deny_gpu_without_toleration) > 0 with input as doc
}

test_deny_gpu_without_toleration_deny_wrong_effect if {
	doc := fixtures.deny_gpu_without_toleration_deny_wrong_effect
	count(deny_gpu_without_toleration) > 0 with input as doc
}

test_deny_image_latest_tag_allow_version_tag if {
	doc := fixtures.deny_image_latest_tag_allow_version_tag
	count(deny_image_latest_tag) == 0 with input as doc
}

test_deny_image_latest_tag_allow_digest if {
	doc := fixtures.deny_image_latest_tag_allow_digest
	count(deny_image_latest_tag) == 0 with input as doc
}

test_deny_image_latest_tag_allow_registry_port if {
	doc := fixtures.deny_image_latest_tag_allow_registry_port
	count(deny_image_latest_tag) == 0 with input as doc
}

test_deny_image_latest_tag_deny_latest if {
	doc := fixtures.deny_image_latest_tag_deny_latest
	count(deny_image_latest_tag) > 0 with input as doc
}

test_deny_image_latest_tag_deny_untagged if {
	doc := fixtures.deny_image_latest_tag_deny_untagged
	count(deny_image_latest_tag) > 0 with input as doc
}

test_deny_image_latest_tag_deny_untagged_behind_registry_port if {
	doc := fixtures.deny_image_latest_tag_deny_untagged_behind_registry_port
	count(deny_image_latest_tag) > 0 with input as doc
}

test_deny_image_registry_not_allowed_allow_listed_registry if {
	doc := fixtures.deny_image_registry_not_allowed_allow_listed_registry
	count(deny_image_registry_not_allowed) == 0 with input as doc
}

test_deny_image_registry_not_allowed_deny_docker_hub if {
	doc := fixtures.deny_image_registry_not_allowed_deny_docker_hub
	count(deny_image_registry_not_allowed) > 0 with input as doc
}

test_deny_image_registry_not_allowed_deny_without_parameters if {
	doc := fixtures.deny_image_registry_not_allowed_deny_without_parameters
	count(deny_image_registry_not_allowed) > 0 with input as doc
}

test_deny_missing_probes_allow_probed if {
	doc := fixtures.deny_missing_probes_allow_probed
	count(deny_missing_probes) == 0 with input as doc
}

test_deny_missing_probes_allow_cron_job if {
	doc := fixtures.deny_missing_probes_allow_cron_job
	count(deny_missing_probes) == 0 with input as doc
}

test_deny_missing_probes_deny_no_readiness if {
	doc := fixtures.deny_missing_probes_deny_no_readiness
	count(deny_missing_probes) > 0 with input as doc
}

test_deny_missing_probes_deny_stateful_set_without_probes if {
	doc := fixtures.deny_missing_probes_deny_stateful_set_without_probes
	count(deny_missing_probes) > 0 with input as doc
}
