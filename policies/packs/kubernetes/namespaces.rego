package kubernetes_admission

import rego.v1

# Namespace rules need the other objects of the namespace. They follow Gatekeeper's referential
# data convention: data.inventory.namespace[<namespace>][<apiVersion>][<kind>][<name>] = object.
# The gate builds this inventory from every manifest it evaluates; in-cluster, Gatekeeper's sync
# config provides it. Without an inventory the namespace has no quota or policy: the rule fails
# closed.

# Literal paths on purpose: regopy 1.5.2 ignores function arguments used as segments of a data
# reference (it returned the NetworkPolicies when asked for ResourceQuotas: a fail-open).
namespace_quotas := [item | some item in data.inventory.namespace[name].v1.ResourceQuota]

namespace_network_policies := [item | some item in data.inventory.namespace[name]["networking.k8s.io/v1"].NetworkPolicy]

pod_security_levels := {"baseline", "restricted"}

# Node-agent, backup-agent and storage-daemon namespaces (namespaces.data.yaml) may also enforce privileged; a
# list that cannot be read exempts nothing.
node_agent_namespaces := {ns | some ns in array.concat(node_agent_list, backup_agent_list); is_string(ns)}

node_agent_list := data.kubernetes_namespaces.nodeAgents if is_array(data.kubernetes_namespaces.nodeAgents)

else := []

storage_daemon_namespaces := {ns | some ns in storage_daemon_list; is_string(ns)}

storage_daemon_list := data.kubernetes_namespaces.storageDaemons if is_array(data.kubernetes_namespaces.storageDaemons)

else := []

privileged_namespaces := node_agent_namespaces | storage_daemon_namespaces

# Backup agents (Velero's node agent) read pod volumes from the host: the same exemption, listed apart.
backup_agent_list := data.kubernetes_namespaces.backupAgents if is_array(data.kubernetes_namespaces.backupAgents)

else := []

allowed_pod_security_levels := pod_security_levels | {"privileged"} if {
	kind == "Namespace"
	name in privileged_namespaces
} else := pod_security_levels

# METADATA
# title: Namespaces enforce a Pod Security level
# description: >-
#   Every namespace carries the label pod-security.kubernetes.io/enforce with baseline or
#   restricted, so the API server itself refuses unsafe pods. Only the node-agent, backup-agent and storage-daemon
#   namespaces listed in namespaces.data.yaml may enforce privileged.
# custom:
#   severity: high
#   controls: [CIS-EKS-4.2.1, CIS-EKS-4.6.1, NIST-800-53:CM-7, ISO-27001:A.8.9]
#   message: Label the namespace pod-security.kubernetes.io/enforce=restricted (or baseline where justified).
deny_namespace_pod_security_labels contains msg if {
	kind == "Namespace"
	labels := as_object(object.get(metadata, "labels", {}))
	not object.get(labels, "pod-security.kubernetes.io/enforce", "") in allowed_pod_security_levels
	msg := concat("", [subject, ": no pod-security.kubernetes.io/enforce label set to baseline or restricted"])
}

# METADATA
# title: Every namespace has a ResourceQuota
# description: Every namespace must hold a ResourceQuota so that one team cannot starve the cluster.
# custom:
#   severity: medium
#   controls: [NIST-800-53:SC-6, ISO-27001:A.8.6]
#   message: Add a ResourceQuota to the namespace (cpu, memory, nvidia.com/gpu, pods).
#   config_keys: [teams.*.quota]
deny_namespace_resource_quota contains msg if {
	kind == "Namespace"
	count(namespace_quotas) == 0
	msg := concat("", [subject, ": namespace has no ResourceQuota"])
}

default_deny_ingress(policy) if {
	policy_spec := as_object(object.get(policy, "spec", {}))
	selector := as_object(object.get(policy_spec, "podSelector", {}))
	count(as_object(object.get(selector, "matchLabels", {}))) == 0
	count(as_array(object.get(selector, "matchExpressions", []))) == 0
	"Ingress" in as_array(object.get(policy_spec, "policyTypes", []))
	count(as_array(object.get(policy_spec, "ingress", []))) == 0
}

# METADATA
# title: Every namespace has a default-deny NetworkPolicy
# description: >-
#   Every namespace must hold a NetworkPolicy that selects all pods (empty podSelector) with
#   policyType Ingress and no ingress rule, so that traffic is denied unless another policy allows it.
# custom:
#   severity: high
#   controls: [CIS-EKS-4.3.2, NIST-800-53:SC-7, ISO-27001:A.8.22]
#   message: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules.'
deny_namespace_default_deny_network_policy contains msg if {
	kind == "Namespace"
	count([policy | some policy in namespace_network_policies; default_deny_ingress(policy)]) == 0
	msg := concat("", [subject, ": namespace has no default-deny ingress NetworkPolicy"])
}
