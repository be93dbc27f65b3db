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
