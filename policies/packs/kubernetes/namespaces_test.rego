package kubernetes_admission

import rego.v1

# One test per fixture (see the *_fixtures_test.rego next to this file): an allow case keeps
# the rule silent, a deny case makes it fire.

test_deny_namespace_pod_security_labels_allow_restricted if {
	doc := fixtures.deny_namespace_pod_security_labels_allow_restricted
	inventory := fixture_data.deny_namespace_pod_security_labels_allow_restricted.inventory
	count(deny_namespace_pod_security_labels) == 0 with input as doc with data.inventory as inventory
}

test_deny_namespace_pod_security_labels_deny_missing if {
	doc := fixtures.deny_namespace_pod_security_labels_deny_missing
	inventory := fixture_data.deny_namespace_pod_security_labels_deny_missing.inventory
	count(deny_namespace_pod_security_labels) > 0 with input as doc with data.inventory as inventory
}

test_deny_namespace_pod_security_labels_deny_privileged if {
	doc := fixtures.deny_namespace_pod_security_labels_deny_privileged
	inventory := fixture_data.deny_namespace_pod_security_labels_deny_privileged.inventory
	count(deny_namespace_pod_security_labels) > 0 with input as doc with data.inventory as inventory
}

test_deny_namespace_resource_quota_allow_quota if {
	doc := fixtures.deny_namespace_resource_quota_allow_quota
	inventory := fixture_data.deny_namespace_resource_quota_allow_quota.inventory
	count(deny_namespace_resource_quota) == 0 with input as doc with data.inventory as inventory
}

test_deny_namespace_resource_quota_deny_missing if {
	doc := fixtures.deny_namespace_resource_quota_deny_missing
	inventory := fixture_data.deny_namespace_resource_quota_deny_missing.inventory
	count(deny_namespace_resource_quota) > 0 with input as doc with data.inventory as inventory
}

test_deny_namespace_resource_quota_deny_without_inventory if {
	doc := fixtures.deny_namespace_resource_quota_deny_without_inventory
	count(deny_namespace_resource_quota) > 0 with input as doc
}

test_deny_namespace_default_deny_network_policy_allow_default_deny if {
	doc := fixtures.deny_namespace_default_deny_network_policy_allow_default_deny
	inventory := fixture_data.deny_namespace_default_deny_network_policy_allow_default_deny.inventory
	count(deny_namespace_default_deny_network_policy) == 0 with input as doc with data.inventory as inventory
}

test_deny_namespace_default_deny_network_policy_deny_selective_policy_only if {
	doc := fixtures.deny_namespace_default_deny_network_policy_deny_selective_policy_only
	inventory := fixture_data.deny_namespace_default_deny_network_policy_deny_selective_policy_only.inventory
	count(deny_namespace_default_deny_network_policy) > 0 with input as doc with data.inventory as inventory
}

test_deny_namespace_default_deny_network_policy_deny_missing if {
	doc := fixtures.deny_namespace_default_deny_network_policy_deny_missing
	inventory := fixture_data.deny_namespace_default_deny_network_policy_deny_missing.inventory
	count(deny_namespace_default_deny_network_policy) > 0 with input as doc with data.inventory as inventory
}

test_deny_namespace_pod_security_labels_allow_listed_node_agents if {
	doc := fixtures.deny_namespace_pod_security_labels_allow_listed_node_agents
	inventory := fixture_data.deny_namespace_pod_security_labels_allow_listed_node_agents.inventory
	count(deny_namespace_pod_security_labels) == 0 with input as doc with data.inventory as inventory with data.kubernetes_namespaces as {"nodeAgents": ["node-agents"]}
}

test_deny_namespace_pod_security_labels_deny_node_agents_not_listed if {
	count(deny_namespace_pod_security_labels) > 0 with input as fx_node_agents_namespace with data.inventory as fx_full_inventory with data.kubernetes_namespaces as {"nodeAgents": ["other-agents"]}
}

test_deny_namespace_pod_security_labels_allow_listed_storage_daemons if {
	doc := fixtures.deny_namespace_pod_security_labels_allow_listed_storage_daemons
	inventory := fixture_data.deny_namespace_pod_security_labels_allow_listed_storage_daemons.inventory
	count(deny_namespace_pod_security_labels) == 0 with input as doc with data.inventory as inventory with data.kubernetes_namespaces as {"storageDaemons": ["rook-ceph"]}
}

test_deny_namespace_pod_security_labels_deny_storage_daemons_not_listed if {
	count(deny_namespace_pod_security_labels) > 0 with input as fx_storage_daemons_namespace with data.inventory as fx_full_inventory with data.kubernetes_namespaces as {"nodeAgents": ["node-agents"], "storageDaemons": ["other-storage"]}
}

test_deny_namespace_pod_security_labels_deny_storage_daemons_list_unreadable if {
	count(deny_namespace_pod_security_labels) > 0 with input as fx_storage_daemons_namespace with data.inventory as fx_full_inventory with data.kubernetes_namespaces as {"storageDaemons": "rook-ceph"}
}

test_deny_namespace_pod_security_labels_deny_node_agents_list_unreadable if {
	count(deny_namespace_pod_security_labels) > 0 with input as fx_node_agents_namespace with data.inventory as fx_full_inventory with data.kubernetes_namespaces as {"nodeAgents": "node-agents"}
}

test_deny_namespace_pod_security_labels_allow_listed_backup_agents if {
	doc := fixtures.deny_namespace_pod_security_labels_allow_listed_backup_agents
	inventory := fixture_data.deny_namespace_pod_security_labels_allow_listed_backup_agents.inventory
	count(deny_namespace_pod_security_labels) == 0 with input as doc with data.inventory as inventory with data.kubernetes_namespaces as {"nodeAgents": ["node-agents"], "backupAgents": ["velero"]}
}

test_deny_namespace_pod_security_labels_deny_backup_agents_not_listed if {
	count(deny_namespace_pod_security_labels) > 0 with input as fx_velero_namespace with data.inventory as fx_full_inventory with data.kubernetes_namespaces as {"nodeAgents": ["node-agents"]}
}

test_deny_namespace_pod_security_labels_deny_backup_agents_list_unreadable if {
	count(deny_namespace_pod_security_labels) > 0 with input as fx_velero_namespace with data.inventory as fx_full_inventory with data.kubernetes_namespaces as {"nodeAgents": ["node-agents"], "backupAgents": "velero"}
}
