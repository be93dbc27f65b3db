package kubernetes_admission

import rego.v1

fx_compliant_namespace := fx_review(fx_namespace(fx_restricted_labels))

fx_full_inventory := fx_inventory([fx_quota, fx_default_deny])

fixtures.deny_namespace_pod_security_labels_allow_restricted := fx_compliant_namespace

fixture_data.deny_namespace_pod_security_labels_allow_restricted := {"inventory": fx_full_inventory}

fixtures.deny_namespace_pod_security_labels_deny_missing := fx_review(fx_namespace({}))

fixture_data.deny_namespace_pod_security_labels_deny_missing := {"inventory": fx_full_inventory}

fixtures.deny_namespace_pod_security_labels_deny_privileged := fx_review(fx_namespace({"pod-security.kubernetes.io/enforce": "privileged"}))

fixture_data.deny_namespace_pod_security_labels_deny_privileged := {"inventory": fx_full_inventory}

fixtures.deny_namespace_resource_quota_allow_quota := fx_compliant_namespace

fixture_data.deny_namespace_resource_quota_allow_quota := {"inventory": fx_full_inventory}

fixtures.deny_namespace_resource_quota_deny_missing := fx_compliant_namespace

fixture_data.deny_namespace_resource_quota_deny_missing := {"inventory": fx_inventory([fx_default_deny])}

# Without any inventory the rule fails closed.
fixtures.deny_namespace_resource_quota_deny_without_inventory := fx_compliant_namespace

fixtures.deny_namespace_default_deny_network_policy_allow_default_deny := fx_compliant_namespace

fixture_data.deny_namespace_default_deny_network_policy_allow_default_deny := {"inventory": fx_full_inventory}

fixtures.deny_namespace_default_deny_network_policy_deny_selective_policy_only := fx_compliant_namespace

fixture_data.deny_namespace_default_deny_network_policy_deny_selective_policy_only := {"inventory": fx_inventory([
	fx_quota,
	fx_set(fx_default_deny, "spec", {"podSelector": {"matchLabels": {"app": "fraud-scoring"}}, "policyTypes": ["Ingress", "Egress"]}),
])}

fixtures.deny_namespace_default_deny_network_policy_deny_missing := fx_compliant_namespace

fixture_data.deny_namespace_default_deny_network_policy_deny_missing := {"inventory": fx_inventory([fx_quota])}

fx_node_agents_namespace := fx_review({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "node-agents", "labels": {"pod-security.kubernetes.io/enforce": "privileged"}}})

fixtures.deny_namespace_pod_security_labels_allow_listed_node_agents := fx_node_agents_namespace

fixture_data.deny_namespace_pod_security_labels_allow_listed_node_agents := {"inventory": fx_full_inventory}

fx_storage_daemons_namespace := fx_review({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "rook-ceph", "labels": {"pod-security.kubernetes.io/enforce": "privileged"}}})

fixtures.deny_namespace_pod_security_labels_allow_listed_storage_daemons := fx_storage_daemons_namespace

fixture_data.deny_namespace_pod_security_labels_allow_listed_storage_daemons := {"inventory": fx_full_inventory}


fx_velero_namespace := fx_review({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "velero", "labels": {"pod-security.kubernetes.io/enforce": "privileged"}}})

fixtures.deny_namespace_pod_security_labels_allow_listed_backup_agents := fx_velero_namespace

fixture_data.deny_namespace_pod_security_labels_allow_listed_backup_agents := {"inventory": fx_full_inventory}
