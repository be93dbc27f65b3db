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
