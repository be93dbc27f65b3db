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
	["Group", "system:serviceaccounts"],
	["User", "system:anonymous"],
	["Group", "system:anonymous"],
}

# "system:serviceaccounts:<namespace>" is every service account of a namespace, present and future.
broad_subject(bound) if [object.get(bound, "kind", ""), object.get(bound, "name", "")] in broad_subjects

broad_subject(bound) if {
	object.get(bound, "kind", "") == "Group"
	name := object.get(bound, "name", "")
	is_string(name)
	startswith(name, "system:serviceaccounts:")
}

# METADATA
# title: No binding to every authenticated or anonymous user
# description: >-
#   Role bindings must not grant anything to system:authenticated, system:unauthenticated,
#   system:anonymous or the system:serviceaccounts groups: on EKS that is every IAM principal of the
#   account, everyone, or every service account (of a namespace) present and future.
# custom:
#   severity: critical
#   controls: [CIS-EKS-4.1.1, NIST-800-53:AC-3, NIST-800-53:AC-14, ISO-27001:A.5.15]
#   message: Bind the role to named groups or service accounts instead.
deny_rbac_broad_subject_binding contains msg if {
	kind in binding_kinds
	some bound in as_array(object.get(reviewed, "subjects", []))
	broad_subject(bound)
	msg := concat("", [subject, ": binds ", object.get(bound, "kind", ""), " ", object.get(bound, "name", "")])
}

# Subjects the gate cannot read (a secret, the unknown sentinel, not a list, an entry without a
# plain kind and name) could be anyone: the binding fails closed.
deny_rbac_broad_subject_binding contains msg if {
	kind in binding_kinds
	has_key(reviewed, "subjects")
	some bound in unreadable_items(reviewed.subjects)
	msg := concat("", [subject, ": subjects cannot be assessed"])
}

deny_rbac_broad_subject_binding contains msg if {
	kind in binding_kinds
	some bound in as_array(object.get(reviewed, "subjects", []))
	is_object(bound)
	some field in ["kind", "name"]
	not plain_string(object.get(bound, field, null))
	msg := concat("", [subject, ": a subject's ", field, " cannot be assessed"])
}

plain_string(value) if {
	is_string(value)
	value != ""
	not value in opaque_values
}

# Verbs that let a subject grant itself (or act as) more than the role holds.
escalation_verbs := {"escalate", "bind", "impersonate"}

# METADATA
# title: RBAC roles grant no escalate, bind or impersonate
# description: >-
#   escalate and bind let a subject create roles and bindings beyond its own permissions;
#   impersonate lets it act as any user, group or service account. No platform role needs them.
# custom:
#   severity: critical
#   controls: [CIS-EKS-4.1.8, NIST-800-53:AC-6, NIST-800-53:AC-2, ISO-27001:A.5.15]
#   message: Remove escalate, bind and impersonate from the role's verbs.
deny_rbac_escalation_verbs contains msg if {
	kind in role_kinds
	some rule in as_array(object.get(reviewed, "rules", []))
	some verb in as_array(object.get(as_object(rule), "verbs", []))
	is_string(verb)
	lower(verb) in escalation_verbs
	msg := concat("", [subject, ": a rule grants the ", lower(verb), " verb"])
}

secret_read_verbs := {"get", "list", "watch", "*"}

grants(rule, field, values) if {
	some value in as_array(object.get(as_object(rule), field, []))
	value in values
}

# METADATA
# title: RBAC roles do not read every secret
# description: >-
#   get, list or watch on secrets without resourceNames (also through "*" resources or API groups)
#   reads every secret of the namespace, or of the cluster for a ClusterRole.
# custom:
#   severity: high
#   controls: [CIS-EKS-4.1.2, NIST-800-53:AC-6, NIST-800-53:SC-28, ISO-27001:A.5.15]
#   message: Name the secrets the role needs in resourceNames, or read them through a CSI secrets driver.
deny_rbac_secrets_read contains msg if {
	kind in role_kinds
	some rule in as_array(object.get(reviewed, "rules", []))
	grants(rule, "verbs", secret_read_verbs)
	grants(rule, "resources", {"secrets", "*"})
	grants(rule, "apiGroups", {"", "*"})
	count(as_array(object.get(as_object(rule), "resourceNames", []))) == 0
	msg := concat("", [subject, ": a rule reads every secret"])
}

# METADATA
# title: RBAC rules can be assessed
# description: >-
#   Role rules whose list, entries, verbs, resources or API groups are a secret, an unknown value
#   or malformed may grant anything; ClusterRoles with an aggregationRule take their rules from
#   other roles at run time. Neither can be checked statically.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, NIST-800-53:SI-10, ISO-27001:A.5.15]
#   message: Spell out the role's rules as plain lists known at preview time (no aggregationRule).
deny_rbac_rules_not_assessable contains msg if {
	kind in role_kinds
	has_key(reviewed, "rules")
	count(unreadable_items(reviewed.rules)) > 0
	msg := concat("", [subject, ": rules cannot be assessed"])
}

deny_rbac_rules_not_assessable contains msg if {
	kind in role_kinds
	some rule in as_array(object.get(reviewed, "rules", []))
	is_object(rule)
	some field in ["verbs", "resources", "apiGroups", "resourceNames", "nonResourceURLs"]
	has_key(rule, field)
	some value in unreadable_strings(rule[field])
	msg := concat("", [subject, ": a rule's ", field, " cannot be assessed"])
}

deny_rbac_rules_not_assessable contains msg if {
	kind in role_kinds
	some rule in as_array(object.get(reviewed, "rules", []))
	is_object(rule)
	some field in ["verbs", "resources", "apiGroups", "resourceNames"]
	some value in as_array(object.get(rule, field, []))
	value in opaque_values
	msg := concat("", [subject, ": a rule's ", field, " cannot be assessed"])
}

deny_rbac_rules_not_assessable contains msg if {
	kind == "ClusterRole"
	has_key(reviewed, "aggregationRule")
	msg := concat("", [subject, ": aggregates other ClusterRoles (aggregationRule); its rules cannot be assessed"])
}

# METADATA
# title: Built-in admin and edit are not bound cluster-wide
# description: >-
#   A ClusterRoleBinding to the built-in admin or edit ClusterRole grants write access (and secrets)
#   in every namespace, kube-system included; bind them per namespace with a RoleBinding.
# custom:
#   severity: high
#   controls: [CIS-EKS-4.1.1, NIST-800-53:AC-6, ISO-27001:A.5.15]
#   message: Replace the ClusterRoleBinding with RoleBindings in the namespaces the subjects work in.
deny_rbac_builtin_admin_cluster_wide contains msg if {
	kind == "ClusterRoleBinding"
	role_ref := as_object(object.get(reviewed, "roleRef", {}))
	object.get(role_ref, "kind", "") == "ClusterRole"
	object.get(role_ref, "name", "") in {"admin", "edit"}
	msg := concat("", [subject, ": binds the built-in ", role_ref.name, " ClusterRole cluster-wide"])
}

# Built-in ClusterRoles whose rules are known (cluster-admin, admin and edit have rules of their own).
builtin_cluster_roles := {"cluster-admin", "admin", "edit", "view"}

rbac_api_version := "rbac.authorization.k8s.io/v1"

# One lookup per binding in the inventory (no scan of every object); literal paths, see namespaces.rego.
inventory_document := data.inventory if is_object(data.inventory)

inventory_document := {} if not is_object(data.inventory)

inventory_cluster_roles := as_object(object.get(inventory_document, ["cluster", rbac_api_version, "ClusterRole"], {}))

inventory_namespace_roles := as_object(object.get(inventory_document, ["namespace", namespace, rbac_api_version, "Role"], {}))

binding_role_ref := as_object(object.get(reviewed, "roleRef", {}))

role_ref_kind := object.get(binding_role_ref, "kind", null)

role_ref_name := object.get(binding_role_ref, "name", null)

role_resolved if {
	role_ref_kind == "ClusterRole"
	plain_string(role_ref_name)
	role_ref_name in builtin_cluster_roles
}

role_resolved if {
	role_ref_kind == "ClusterRole"
	plain_string(role_ref_name)
	has_key(inventory_cluster_roles, role_ref_name)
}

role_resolved if {
	kind == "RoleBinding"
	role_ref_kind == "Role"
	plain_string(role_ref_name)
	has_key(inventory_namespace_roles, role_ref_name)
}

# METADATA
# title: Bindings reference roles the gate can see
# description: >-
#   A binding whose roleRef names a Role or ClusterRole that is neither among the evaluated objects
#   nor a known built-in (cluster-admin, admin, edit, view), or whose roleRef is a secret, an unknown
#   value or malformed, grants permissions the gate cannot assess.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, NIST-800-53:SI-10, ISO-27001:A.5.15]
#   message: Define the referenced role in the same change (or bind a built-in role) with a plain roleRef.
deny_rbac_unresolved_role contains msg if {
	kind in binding_kinds
	not role_resolved
	plain_string(role_ref_name)
	is_string(role_ref_kind)
	msg := concat("", [subject, ": binds ", role_ref_kind, " ", role_ref_name, ", which is not defined in the evaluated objects"])
}

deny_rbac_unresolved_role contains msg if {
	kind in binding_kinds
	not role_resolved
	not role_ref_readable
	msg := concat("", [subject, ": roleRef cannot be assessed"])
}

role_ref_readable if {
	is_object(object.get(reviewed, "roleRef", null))
	plain_string(role_ref_name)
	is_string(role_ref_kind)
}
