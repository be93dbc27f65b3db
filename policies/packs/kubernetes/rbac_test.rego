package kubernetes_admission

import rego.v1

# One test per fixture (see the *_fixtures_test.rego next to this file): an allow case keeps
# the rule silent, a deny case makes it fire.

test_deny_rbac_wildcard_allow_explicit if {
	doc := fixtures.deny_rbac_wildcard_allow_explicit
	count(deny_rbac_wildcard) == 0 with input as doc
}

test_deny_rbac_wildcard_deny_verbs if {
	doc := fixtures.deny_rbac_wildcard_deny_verbs
	count(deny_rbac_wildcard) > 0 with input as doc
}

test_deny_rbac_wildcard_deny_resources if {
	doc := fixtures.deny_rbac_wildcard_deny_resources
	count(deny_rbac_wildcard) > 0 with input as doc
}

test_deny_rbac_cluster_admin_binding_allow_view if {
	doc := fixtures.deny_rbac_cluster_admin_binding_allow_view
	count(deny_rbac_cluster_admin_binding) == 0 with input as doc
}

test_deny_rbac_cluster_admin_binding_deny_cluster_admin if {
	doc := fixtures.deny_rbac_cluster_admin_binding_deny_cluster_admin
	count(deny_rbac_cluster_admin_binding) > 0 with input as doc
}

test_deny_rbac_cluster_admin_binding_deny_namespaced_binding if {
	doc := fixtures.deny_rbac_cluster_admin_binding_deny_namespaced_binding
	count(deny_rbac_cluster_admin_binding) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_allow_named_group if {
	doc := fixtures.deny_rbac_broad_subject_binding_allow_named_group
	count(deny_rbac_broad_subject_binding) == 0 with input as doc
}

test_deny_rbac_broad_subject_binding_deny_authenticated if {
	doc := fixtures.deny_rbac_broad_subject_binding_deny_authenticated
	count(deny_rbac_broad_subject_binding) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_deny_anonymous if {
	doc := fixtures.deny_rbac_broad_subject_binding_deny_anonymous
	count(deny_rbac_broad_subject_binding) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_deny_message_names_subject if {
	doc := fixtures.deny_rbac_broad_subject_binding_deny_authenticated
	deny_rbac_broad_subject_binding == {"ClusterRoleBinding team-access: binds Group system:authenticated"} with input as doc
}

test_deny_rbac_escalation_verbs_allow_reader if {
	doc := fixtures.deny_rbac_escalation_verbs_allow_reader
	count(deny_rbac_escalation_verbs) == 0 with input as doc
}

test_deny_rbac_escalation_verbs_deny_escalate if {
	doc := fixtures.deny_rbac_escalation_verbs_deny_escalate
	count(deny_rbac_escalation_verbs) > 0 with input as doc
}

test_deny_rbac_escalation_verbs_deny_bind if {
	doc := fixtures.deny_rbac_escalation_verbs_deny_bind
	count(deny_rbac_escalation_verbs) > 0 with input as doc
}

test_deny_rbac_escalation_verbs_deny_impersonate if {
	doc := fixtures.deny_rbac_escalation_verbs_deny_impersonate
	count(deny_rbac_escalation_verbs) > 0 with input as doc
}

test_deny_rbac_secrets_read_allow_named_secrets if {
	doc := fixtures.deny_rbac_secrets_read_allow_named_secrets
	count(deny_rbac_secrets_read) == 0 with input as doc
}

test_deny_rbac_secrets_read_allow_create_only if {
	doc := fixtures.deny_rbac_secrets_read_allow_create_only
	count(deny_rbac_secrets_read) == 0 with input as doc
}

test_deny_rbac_secrets_read_deny_list if {
	doc := fixtures.deny_rbac_secrets_read_deny_list
	count(deny_rbac_secrets_read) > 0 with input as doc
}

test_deny_rbac_secrets_read_deny_wildcard_group if {
	doc := fixtures.deny_rbac_secrets_read_deny_wildcard_group
	count(deny_rbac_secrets_read) > 0 with input as doc
}

test_deny_rbac_rules_not_assessable_allow_plain if {
	doc := fixtures.deny_rbac_rules_not_assessable_allow_plain
	count(deny_rbac_rules_not_assessable) == 0 with input as doc
}

test_deny_rbac_rules_not_assessable_deny_aggregation_rule if {
	doc := fixtures.deny_rbac_rules_not_assessable_deny_aggregation_rule
	count(deny_rbac_rules_not_assessable) > 0 with input as doc
}

test_deny_rbac_rules_not_assessable_deny_secret_rules if {
	doc := fixtures.deny_rbac_rules_not_assessable_deny_secret_rules
	count(deny_rbac_rules_not_assessable) > 0 with input as doc
}

test_deny_rbac_rules_not_assessable_deny_unknown_verbs if {
	doc := fixtures.deny_rbac_rules_not_assessable_deny_unknown_verbs
	count(deny_rbac_rules_not_assessable) > 0 with input as doc
}

test_deny_rbac_rules_not_assessable_deny_secret_resource if {
	doc := fixtures.deny_rbac_rules_not_assessable_deny_secret_resource
	count(deny_rbac_rules_not_assessable) > 0 with input as doc
}

test_deny_rbac_builtin_admin_cluster_wide_allow_namespaced_edit if {
	doc := fixtures.deny_rbac_builtin_admin_cluster_wide_allow_namespaced_edit
	count(deny_rbac_builtin_admin_cluster_wide) == 0 with input as doc
}

test_deny_rbac_builtin_admin_cluster_wide_deny_edit if {
	doc := fixtures.deny_rbac_builtin_admin_cluster_wide_deny_edit
	count(deny_rbac_builtin_admin_cluster_wide) > 0 with input as doc
}

test_deny_rbac_builtin_admin_cluster_wide_deny_admin if {
	doc := fixtures.deny_rbac_builtin_admin_cluster_wide_deny_admin
	count(deny_rbac_builtin_admin_cluster_wide) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_deny_unauthenticated if {
	doc := fixtures.deny_rbac_broad_subject_binding_deny_unauthenticated
	count(deny_rbac_broad_subject_binding) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_deny_all_service_accounts if {
	doc := fixtures.deny_rbac_broad_subject_binding_deny_all_service_accounts
	count(deny_rbac_broad_subject_binding) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_deny_namespace_service_accounts if {
	doc := fixtures.deny_rbac_broad_subject_binding_deny_namespace_service_accounts
	count(deny_rbac_broad_subject_binding) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_deny_secret_subjects if {
	doc := fixtures.deny_rbac_broad_subject_binding_deny_secret_subjects
	count(deny_rbac_broad_subject_binding) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_deny_unknown_name if {
	doc := fixtures.deny_rbac_broad_subject_binding_deny_unknown_name
	count(deny_rbac_broad_subject_binding) > 0 with input as doc
}

test_deny_rbac_broad_subject_binding_allow_service_account if {
	doc := fixtures.deny_rbac_broad_subject_binding_allow_service_account
	count(deny_rbac_broad_subject_binding) == 0 with input as doc
}

test_deny_rbac_unresolved_role_allow_builtin_view if {
	doc := fixtures.deny_rbac_unresolved_role_allow_builtin_view
	count(deny_rbac_unresolved_role) == 0 with input as doc
}

test_deny_rbac_unresolved_role_allow_cluster_role_in_inventory if {
	doc := fixtures.deny_rbac_unresolved_role_allow_cluster_role_in_inventory
	inventory := fixture_data.deny_rbac_unresolved_role_allow_cluster_role_in_inventory.inventory
	count(deny_rbac_unresolved_role) == 0 with input as doc with data.inventory as inventory
}

test_deny_rbac_unresolved_role_allow_role_in_inventory if {
	doc := fixtures.deny_rbac_unresolved_role_allow_role_in_inventory
	inventory := fixture_data.deny_rbac_unresolved_role_allow_role_in_inventory.inventory
	count(deny_rbac_unresolved_role) == 0 with input as doc with data.inventory as inventory
}

test_deny_rbac_unresolved_role_deny_undefined_cluster_role if {
	doc := fixtures.deny_rbac_unresolved_role_deny_undefined_cluster_role
	inventory := fixture_data.deny_rbac_unresolved_role_deny_undefined_cluster_role.inventory
	count(deny_rbac_unresolved_role) > 0 with input as doc with data.inventory as inventory
}

test_deny_rbac_unresolved_role_deny_role_in_other_namespace if {
	doc := fixtures.deny_rbac_unresolved_role_deny_role_in_other_namespace
	inventory := fixture_data.deny_rbac_unresolved_role_deny_role_in_other_namespace.inventory
	count(deny_rbac_unresolved_role) > 0 with input as doc with data.inventory as inventory
}

test_deny_rbac_unresolved_role_deny_secret_role_ref if {
	doc := fixtures.deny_rbac_unresolved_role_deny_secret_role_ref
	count(deny_rbac_unresolved_role) > 0 with input as doc
}

test_deny_rbac_unresolved_role_deny_unknown_role_name if {
	doc := fixtures.deny_rbac_unresolved_role_deny_unknown_role_name
	count(deny_rbac_unresolved_role) > 0 with input as doc
}

test_deny_rbac_unresolved_role_deny_no_inventory if {
	doc := fixtures.deny_rbac_unresolved_role_deny_no_inventory
	count(deny_rbac_unresolved_role) > 0 with input as doc
}

test_deny_rbac_unresolved_role_deny_undefined_cluster_role_names_it if {
	doc := fixtures.deny_rbac_unresolved_role_deny_undefined_cluster_role
	inventory := fixture_data.deny_rbac_unresolved_role_deny_undefined_cluster_role.inventory
	expected := {"ClusterRoleBinding team-access: binds ClusterRole platform-operator, which is not defined in the evaluated objects"}
	deny_rbac_unresolved_role == expected with input as doc with data.inventory as inventory
}
