package helm

import rego.v1

test_deny_chart_not_known_allow_listed_chart if {
	doc := fixtures.deny_chart_not_known_allow_listed_chart
	count(deny_chart_not_known) == 0 with input as doc
}

test_deny_chart_not_known_allow_oci_reference if {
	doc := fixtures.deny_chart_not_known_allow_oci_reference
	count(deny_chart_not_known) == 0 with input as doc
}

test_deny_chart_not_known_allow_repository_with_trailing_slash if {
	doc := fixtures.deny_chart_not_known_allow_repository_with_trailing_slash
	count(deny_chart_not_known) == 0 with input as doc
}

test_deny_chart_not_known_allow_cert_manager if {
	doc := fixtures.deny_chart_not_known_allow_cert_manager
	count(deny_chart_not_known) == 0 with input as doc
}

test_deny_chart_not_known_allow_trust_manager if {
	doc := fixtures.deny_chart_not_known_allow_trust_manager
	count(deny_chart_not_known) == 0 with input as doc
}

test_deny_chart_not_known_deny_cert_manager_from_other_repository if {
	doc := fixtures.deny_chart_not_known_deny_cert_manager_from_other_repository
	count(deny_chart_not_known) >= 1 with input as doc
}

test_deny_chart_not_known_deny_unlisted_chart if {
	doc := fixtures.deny_chart_not_known_deny_unlisted_chart
	count(deny_chart_not_known) >= 1 with input as doc
}

test_deny_chart_not_known_deny_listed_name_from_other_repository if {
	doc := fixtures.deny_chart_not_known_deny_listed_name_from_other_repository
	count(deny_chart_not_known) >= 1 with input as doc
}

test_deny_chart_not_known_deny_local_alias if {
	doc := fixtures.deny_chart_not_known_deny_local_alias
	count(deny_chart_not_known) >= 1 with input as doc
}

test_deny_chart_not_known_deny_secret_chart if {
	doc := fixtures.deny_chart_not_known_deny_secret_chart
	count(deny_chart_not_known) >= 1 with input as doc
}

test_deny_chart_not_known_deny_oci_lookalike if {
	doc := fixtures.deny_chart_not_known_deny_oci_lookalike
	count(deny_chart_not_known) >= 1 with input as doc
}

test_deny_values_not_assessable_allow_plain_values if {
	doc := fixtures.deny_values_not_assessable_allow_plain_values
	count(deny_values_not_assessable) == 0 with input as doc
}

test_deny_values_not_assessable_allow_no_values if {
	doc := fixtures.deny_values_not_assessable_allow_no_values
	count(deny_values_not_assessable) == 0 with input as doc
}

test_deny_values_not_assessable_deny_secret_values if {
	doc := fixtures.deny_values_not_assessable_deny_secret_values
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_deny_unknown_values if {
	doc := fixtures.deny_values_not_assessable_deny_unknown_values
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_deny_values_as_text if {
	doc := fixtures.deny_values_not_assessable_deny_values_as_text
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_deny_nested_secret if {
	doc := fixtures.deny_values_not_assessable_deny_nested_secret
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_deny_nested_unknown if {
	doc := fixtures.deny_values_not_assessable_deny_nested_unknown
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_deny_secret_envelope if {
	doc := fixtures.deny_values_not_assessable_deny_secret_envelope
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_deny_value_files if {
	doc := fixtures.deny_values_not_assessable_deny_value_files
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_deny_post_renderer if {
	doc := fixtures.deny_values_not_assessable_deny_post_renderer
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_allow_empty_extra_manifests if {
	doc := fixtures.deny_values_not_assessable_allow_empty_extra_manifests
	count(deny_values_not_assessable) == 0 with input as doc
}

test_deny_values_not_assessable_deny_extra_manifests if {
	doc := fixtures.deny_values_not_assessable_deny_extra_manifests
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_values_not_assessable_deny_extra_objects_as_text if {
	doc := fixtures.deny_values_not_assessable_deny_extra_objects_as_text
	count(deny_values_not_assessable) >= 1 with input as doc
}

test_deny_chart_version_not_pinned_allow_exact_version if {
	doc := fixtures.deny_chart_version_not_pinned_allow_exact_version
	count(deny_chart_version_not_pinned) == 0 with input as doc
}

test_deny_chart_version_not_pinned_allow_v_prefix_and_prerelease if {
	doc := fixtures.deny_chart_version_not_pinned_allow_v_prefix_and_prerelease
	count(deny_chart_version_not_pinned) == 0 with input as doc
}

test_deny_chart_version_not_pinned_deny_missing if {
	doc := fixtures.deny_chart_version_not_pinned_deny_missing
	count(deny_chart_version_not_pinned) >= 1 with input as doc
}

test_deny_chart_version_not_pinned_deny_range if {
	doc := fixtures.deny_chart_version_not_pinned_deny_range
	count(deny_chart_version_not_pinned) >= 1 with input as doc
}

test_deny_chart_version_not_pinned_deny_major_only if {
	doc := fixtures.deny_chart_version_not_pinned_deny_major_only
	count(deny_chart_version_not_pinned) >= 1 with input as doc
}

test_deny_chart_version_not_pinned_deny_latest if {
	doc := fixtures.deny_chart_version_not_pinned_deny_latest
	count(deny_chart_version_not_pinned) >= 1 with input as doc
}

test_deny_chart_version_not_pinned_deny_unknown if {
	doc := fixtures.deny_chart_version_not_pinned_deny_unknown
	count(deny_chart_version_not_pinned) >= 1 with input as doc
}

test_deny_host_access_in_values_allow_chart_listed_host_network if {
	doc := fixtures.deny_host_access_in_values_allow_chart_listed_host_network
	count(deny_host_access_in_values) == 0 with input as doc
}

test_deny_host_access_in_values_allow_flags_false if {
	doc := fixtures.deny_host_access_in_values_allow_flags_false
	count(deny_host_access_in_values) == 0 with input as doc
}

test_deny_host_access_in_values_deny_privileged if {
	doc := fixtures.deny_host_access_in_values_deny_privileged
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_host_access_in_values_deny_privileged_as_text if {
	doc := fixtures.deny_host_access_in_values_deny_privileged_as_text
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_host_access_in_values_deny_yaml11_yes if {
	doc := fixtures.deny_host_access_in_values_deny_yaml11_yes
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_host_access_in_values_deny_host_network_not_listed if {
	doc := fixtures.deny_host_access_in_values_deny_host_network_not_listed
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_host_access_in_values_deny_in_list if {
	doc := fixtures.deny_host_access_in_values_deny_in_list
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_host_access_in_values_deny_unknown_chart if {
	doc := fixtures.deny_host_access_in_values_deny_unknown_chart
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_host_access_in_values_deny_host_pid if {
	doc := fixtures.deny_host_access_in_values_deny_host_pid
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_host_access_in_values_deny_host_ipc if {
	doc := fixtures.deny_host_access_in_values_deny_host_ipc
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_image_registry_not_allowed_allow_chart_registries if {
	doc := fixtures.deny_image_registry_not_allowed_allow_chart_registries
	count(deny_image_registry_not_allowed) == 0 with input as doc
}

test_deny_image_registry_not_allowed_allow_registry_and_repository if {
	doc := fixtures.deny_image_registry_not_allowed_allow_registry_and_repository
	count(deny_image_registry_not_allowed) == 0 with input as doc
}

test_deny_image_registry_not_allowed_allow_full_reference if {
	doc := fixtures.deny_image_registry_not_allowed_allow_full_reference
	count(deny_image_registry_not_allowed) == 0 with input as doc
}

test_deny_image_registry_not_allowed_deny_other_registry if {
	doc := fixtures.deny_image_registry_not_allowed_deny_other_registry
	count(deny_image_registry_not_allowed) >= 1 with input as doc
}

test_deny_image_registry_not_allowed_deny_docker_hub_short_name if {
	doc := fixtures.deny_image_registry_not_allowed_deny_docker_hub_short_name
	count(deny_image_registry_not_allowed) >= 1 with input as doc
}

test_deny_image_registry_not_allowed_deny_image_string if {
	doc := fixtures.deny_image_registry_not_allowed_deny_image_string
	count(deny_image_registry_not_allowed) >= 1 with input as doc
}

test_deny_image_registry_not_allowed_deny_global_registry if {
	doc := fixtures.deny_image_registry_not_allowed_deny_global_registry
	count(deny_image_registry_not_allowed) >= 1 with input as doc
}

test_deny_image_registry_not_allowed_deny_lookalike_host if {
	doc := fixtures.deny_image_registry_not_allowed_deny_lookalike_host
	count(deny_image_registry_not_allowed) >= 1 with input as doc
}

test_deny_chart_version_not_pinned_allow_chart_component_pinned if {
	doc := fixtures.deny_chart_version_not_pinned_allow_chart_component_pinned
	count(deny_chart_version_not_pinned) == 0 with input as doc
}

test_deny_chart_version_not_pinned_deny_chart_component_without_version if {
	doc := fixtures.deny_chart_version_not_pinned_deny_chart_component_without_version
	count(deny_chart_version_not_pinned) >= 1 with input as doc
}

test_deny_chart_not_known_allow_device_plugin if {
	doc := fixtures.deny_chart_not_known_allow_device_plugin
	count(deny_chart_not_known) == 0 with input as doc
}

test_deny_chart_not_known_deny_device_plugin_from_other_repository if {
	doc := fixtures.deny_chart_not_known_deny_device_plugin_from_other_repository
	count(deny_chart_not_known) >= 1 with input as doc
}

test_deny_host_access_in_values_allow_device_plugin if {
	doc := fixtures.deny_host_access_in_values_allow_device_plugin
	count(deny_host_access_in_values) == 0 with input as doc
}

test_deny_host_access_in_values_deny_device_plugin_privileged_gfd if {
	doc := fixtures.deny_host_access_in_values_deny_device_plugin_privileged_gfd
	count(deny_host_access_in_values) >= 1 with input as doc
}

test_deny_image_registry_not_allowed_allow_device_plugin if {
	doc := fixtures.deny_image_registry_not_allowed_allow_device_plugin
	count(deny_image_registry_not_allowed) == 0 with input as doc
}

test_deny_image_registry_not_allowed_deny_device_plugin_image_elsewhere if {
	doc := fixtures.deny_image_registry_not_allowed_deny_device_plugin_image_elsewhere
	count(deny_image_registry_not_allowed) >= 1 with input as doc
}
