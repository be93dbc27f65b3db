package kubernetes_admission

import rego.v1

role_kinds := {"Role", "ClusterRole"}

binding_kinds := {"RoleBinding", "ClusterRoleBinding"}

# METADATA
# title: RBAC roles use no wildcards
# description: Role and ClusterRole rules must name their verbs and resources; "*" grants future ones too.
# custom:
#   severity: high
#   controls: [CIS-EKS-4.1.3, NIST-800-53:AC-6, ISO-27001:A.5.15]
#   message: Replace "*" in verbs and resources with the explicit verbs and resources the role needs.
deny_rbac_wildcard contains msg if {
	kind in role_kinds
	some rule in as_array(object.get(reviewed, "rules", []))
	some field in ["verbs", "resources"]
	"*" in as_array(object.get(rule, field, []))
	msg := concat("", [subject, ": a rule grants \"*\" in ", field])
}

# METADATA
# title: Nothing is bound to cluster-admin
# description: The cluster-admin ClusterRole must not be granted through our bindings (break-glass access is IAM).
# custom:
#   severity: critical
#   controls: [CIS-EKS-4.1.1, NIST-800-53:AC-6, NIST-800-53:AC-2, ISO-27001:A.8.2]
#   message: Bind a narrower role; for emergencies use the break-glass IAM role through an EKS access entry.
deny_rbac_cluster_admin_binding contains msg if {
	kind in binding_kinds
	role_ref := as_object(object.get(reviewed, "roleRef", {}))
	object.get(role_ref, "name", "") == "cluster-admin"
	msg := concat("", [subject, ": binds cluster-admin"])
}

broad_subjects := {
	["Group", "system:authenticated"],
	["Group", "system:unauthenticated"],
	["User", "system:anonymous"],
	["Group", "system:anonymous"],
}

# METADATA
# title: No binding to every authenticated or anonymous user
# description: >-
#   Role bindings must not grant anything to system:authenticated, system:unauthenticated or
#   system:anonymous: on EKS that is every IAM principal of the account, or everyone.
# custom:
#   severity: critical
#   controls: [CIS-EKS-4.1.1, NIST-800-53:AC-3, NIST-800-53:AC-14, ISO-27001:A.5.15]
#   message: Bind the role to named groups or service accounts instead.
deny_rbac_broad_subject_binding contains msg if {
	kind in binding_kinds
	some bound in as_array(object.get(reviewed, "subjects", []))
	[object.get(bound, "kind", ""), object.get(bound, "name", "")] in broad_subjects
	msg := concat("", [subject, ": binds ", object.get(bound, "kind", ""), " ", object.get(bound, "name", "")])
}
