package kubernetes_admission

import rego.v1

fx_role(rules) := {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "model-reader"}, "rules": rules}

fx_binding(kind_name, role_name, subjects) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": kind_name,
	"metadata": {"name": "team-access"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role_name},
	"subjects": subjects,
}

fx_team_group := [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "ml-research-view"}]

fixtures.deny_rbac_wildcard_allow_explicit := fx_review(fx_role([{"apiGroups": [""], "resources": ["pods", "configmaps"], "verbs": ["get", "list", "watch"]}]))

fixtures.deny_rbac_wildcard_deny_verbs := fx_review(fx_role([{"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]}]))

fixtures.deny_rbac_wildcard_deny_resources := fx_review(fx_merge(fx_role([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}]), {"kind": "Role", "metadata": {"name": "model-reader", "namespace": "ai-models"}}))

fixtures.deny_rbac_cluster_admin_binding_allow_view := fx_review(fx_binding("ClusterRoleBinding", "view", fx_team_group))

fixtures.deny_rbac_cluster_admin_binding_deny_cluster_admin := fx_review(fx_binding("ClusterRoleBinding", "cluster-admin", fx_team_group))

fixtures.deny_rbac_cluster_admin_binding_deny_namespaced_binding := fx_review(fx_set(fx_binding("RoleBinding", "cluster-admin", fx_team_group), "metadata", {"name": "team-access", "namespace": "ai-models"}))

fixtures.deny_rbac_broad_subject_binding_allow_named_group := fx_review(fx_binding("ClusterRoleBinding", "view", fx_team_group))

fixtures.deny_rbac_broad_subject_binding_deny_authenticated := fx_review(fx_binding("ClusterRoleBinding", "view", [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:authenticated"}]))

fixtures.deny_rbac_broad_subject_binding_deny_anonymous := fx_review(fx_binding("ClusterRoleBinding", "view", [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "system:anonymous"}]))

fx_rbac_unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

fx_reader_rule := {"apiGroups": [""], "resources": ["pods", "configmaps"], "verbs": ["get", "list", "watch"]}

fx_namespaced_binding(kind_name, role_kind, role_name, subjects) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": kind_name,
	"metadata": {"name": "team-access", "namespace": "ai-models"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
	"subjects": subjects,
}

fx_group(group_name) := [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": group_name}]

# escalate, bind, impersonate.
fixtures.deny_rbac_escalation_verbs_allow_reader := fx_review(fx_role([fx_reader_rule]))

fixtures.deny_rbac_escalation_verbs_deny_escalate := fx_review(fx_role([{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["get", "escalate"]}]))

fixtures.deny_rbac_escalation_verbs_deny_bind := fx_review(fx_role([{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings", "roles"], "verbs": ["bind"]}]))

fixtures.deny_rbac_escalation_verbs_deny_impersonate := fx_review(fx_role([{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]}]))

# Reading every secret.
fixtures.deny_rbac_secrets_read_allow_named_secrets := fx_review(fx_role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["model-registry-token"], "verbs": ["get"]}]))

fixtures.deny_rbac_secrets_read_allow_create_only := fx_review(fx_role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}]))

fixtures.deny_rbac_secrets_read_deny_list := fx_review(fx_role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]))

fixtures.deny_rbac_secrets_read_deny_wildcard_group := fx_review(fx_role([{"apiGroups": ["*"], "resources": ["secrets", "configmaps"], "verbs": ["watch"]}]))

# Rules the gate cannot read.
fixtures.deny_rbac_rules_not_assessable_allow_plain := fx_review(fx_role([fx_reader_rule]))

fixtures.deny_rbac_rules_not_assessable_deny_aggregation_rule := fx_review(fx_set(fx_role([]), "aggregationRule", {"clusterRoleSelectors": [{"matchLabels": {"ai-platform/aggregate-to-reader": "true"}}]}))

fixtures.deny_rbac_rules_not_assessable_deny_secret_rules := fx_review(fx_set(fx_role([]), "rules", "[secret]"))

fixtures.deny_rbac_rules_not_assessable_deny_unknown_verbs := fx_review(fx_role([{"apiGroups": [""], "resources": ["pods"], "verbs": fx_rbac_unknown}]))

fixtures.deny_rbac_rules_not_assessable_deny_secret_resource := fx_review(fx_role([{"apiGroups": [""], "resources": ["[secret]"], "verbs": ["get"]}]))

# Built-in admin and edit bound cluster-wide.
fixtures.deny_rbac_builtin_admin_cluster_wide_allow_namespaced_edit := fx_review(fx_namespaced_binding("RoleBinding", "ClusterRole", "edit", fx_team_group))

fixtures.deny_rbac_builtin_admin_cluster_wide_deny_edit := fx_review(fx_binding("ClusterRoleBinding", "edit", fx_team_group))

fixtures.deny_rbac_builtin_admin_cluster_wide_deny_admin := fx_review(fx_binding("ClusterRoleBinding", "admin", fx_team_group))

# Broad subjects beyond the authenticated/anonymous ones.
fixtures.deny_rbac_broad_subject_binding_deny_unauthenticated := fx_review(fx_binding("ClusterRoleBinding", "view", fx_group("system:unauthenticated")))

fixtures.deny_rbac_broad_subject_binding_deny_all_service_accounts := fx_review(fx_binding("ClusterRoleBinding", "view", fx_group("system:serviceaccounts")))

fixtures.deny_rbac_broad_subject_binding_deny_namespace_service_accounts := fx_review(fx_namespaced_binding("RoleBinding", "ClusterRole", "view", fx_group("system:serviceaccounts:ai-models")))

fixtures.deny_rbac_broad_subject_binding_deny_secret_subjects := fx_review(fx_set(fx_binding("ClusterRoleBinding", "view", []), "subjects", "[secret]"))

fixtures.deny_rbac_broad_subject_binding_deny_unknown_name := fx_review(fx_binding("ClusterRoleBinding", "view", fx_group(fx_rbac_unknown)))

fixtures.deny_rbac_broad_subject_binding_allow_service_account := fx_review(fx_namespaced_binding("RoleBinding", "ClusterRole", "view", [{"kind": "ServiceAccount", "name": "model-server", "namespace": "ai-models"}]))

# Bindings to roles the gate cannot see.
fx_platform_role := fx_merge(fx_role([fx_reader_rule]), {"kind": "Role", "metadata": {"name": "model-reader", "namespace": "ai-models"}})

fx_rbac_inventory := {
	"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRole": {"model-reader": fx_role([fx_reader_rule])}}},
	"namespace": {"ai-models": {"rbac.authorization.k8s.io/v1": {"Role": {"model-reader": fx_platform_role}}}},
}

fixtures.deny_rbac_unresolved_role_allow_builtin_view := fx_review(fx_binding("ClusterRoleBinding", "view", fx_team_group))

fixtures.deny_rbac_unresolved_role_allow_cluster_role_in_inventory := fx_review(fx_binding("ClusterRoleBinding", "model-reader", fx_team_group))

fixture_data.deny_rbac_unresolved_role_allow_cluster_role_in_inventory := {"inventory": fx_rbac_inventory}

fixtures.deny_rbac_unresolved_role_allow_role_in_inventory := fx_review(fx_namespaced_binding("RoleBinding", "Role", "model-reader", fx_team_group))

fixture_data.deny_rbac_unresolved_role_allow_role_in_inventory := {"inventory": fx_rbac_inventory}

fixtures.deny_rbac_unresolved_role_deny_undefined_cluster_role := fx_review(fx_binding("ClusterRoleBinding", "platform-operator", fx_team_group))

fixture_data.deny_rbac_unresolved_role_deny_undefined_cluster_role := {"inventory": fx_rbac_inventory}

# A Role of the same name in another namespace grants nothing here: it does not resolve.
fixtures.deny_rbac_unresolved_role_deny_role_in_other_namespace := fx_review(fx_set(fx_namespaced_binding("RoleBinding", "Role", "model-reader", fx_team_group), "metadata", {"name": "team-access", "namespace": "ai-serving"}))

fixture_data.deny_rbac_unresolved_role_deny_role_in_other_namespace := {"inventory": fx_rbac_inventory}

fixtures.deny_rbac_unresolved_role_deny_secret_role_ref := fx_review(fx_set(fx_binding("ClusterRoleBinding", "view", fx_team_group), "roleRef", "[secret]"))

fixtures.deny_rbac_unresolved_role_deny_unknown_role_name := fx_review(fx_binding("ClusterRoleBinding", fx_rbac_unknown, fx_team_group))

fixtures.deny_rbac_unresolved_role_deny_no_inventory := fx_review(fx_binding("ClusterRoleBinding", "model-reader", fx_team_group))
