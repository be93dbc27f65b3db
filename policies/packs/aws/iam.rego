package aws

import rego.v1

break_glass_tag := "ai-platform/break-glass"

is_break_glass(resource) if object.get(tags_of(resource), break_glass_tag, "") == "true"

# A role is referred to by its name input; the logical name stands in when no explicit name is set.
break_glass_role_refs contains ref if {
	some role in resources_of_type("aws:iam/role:Role")
	is_break_glass(role)
	some ref in [plan_input(role, "name", ""), role.__name, role.__urn]
	ref != ""
}

break_glass_role_urns contains role.__urn if {
	some role in resources_of_type("aws:iam/role:Role")
	is_break_glass(role)
}

# A value a rule can read: a string that is neither unknown, secret nor empty.
iam_known_string(value) if {
	is_string(value)
	not value in iam_unreadable_values
}

# Two values that are both known and differ: a reference that says one thing and a literal another.
# Names and ARNs never hold "*"; the gate's unknown probes do, and an unknown produced by the
# reference is that resource's value, not a contradiction.
iam_known_and_different(a, b) if {
	iam_literal_name(a)
	iam_literal_name(b)
	a != b
}

iam_literal_name(value) if {
	iam_known_string(value)
	not contains(value, "*")
}

iam_property_dependencies(resource, property) := as_array(object.get(plan_property_dependencies(resource), property, []))

# The resource's `role` input names the break-glass role, or resolves (through the plan's property
# dependencies) to exactly that role while its literal value says nothing else.
on_break_glass_role(resource) if object.get(resource, "role", "") in break_glass_role_refs

on_break_glass_role(resource) if {
	deps := iam_property_dependencies(resource, "role")
	count(deps) == 1
	deps[0] in break_glass_role_urns
	not iam_known_string(object.get(resource, "role", ""))
}

# Every IAM identity-policy document in the stack, with the resource that carries it.
iam_documents contains {"urn": policy.__urn, "text": object.get(policy, "policy", "")} if {
	some policy in stack_resources
	policy.__type in iam_document_types
	not is_break_glass(policy)
	not on_break_glass_role(policy)
}

iam_documents contains {"urn": role.__urn, "text": object.get(as_object(inline), "policy", "")} if {
	some role in resources_of_type("aws:iam/role:Role")
	not is_break_glass(role)
	some inline in as_array(object.get(role, "inlinePolicies", []))
	inline != {}
}

# inlinePolicies that is secret, unknown or not a list cannot be read: an unreadable document.
iam_documents contains {"urn": role.__urn, "text": ""} if {
	some role in resources_of_type("aws:iam/role:Role")
	not is_break_glass(role)
	not is_array(object.get(role, "inlinePolicies", []))
}

as_list(value) := value if is_array(value)

as_list(value) := [value] if not is_array(value)

iam_statements contains {"urn": document.urn, "statement": statement} if {
	some document in iam_documents
	parsed := parsed_json(document.text)
	some statement in as_list(object.get(as_object(parsed), "Statement", []))
}

# Anything but an explicit Deny is read as Allow, so a misspelt effect fails closed.
iam_allows(statement) if object.get(statement, "Effect", "") != "Deny"

# Action and resource patterns, lower-cased. IAM wildcards are `*` and `?`; glob.match with no
# delimiters has exactly that meaning, and is only called on patterns without other glob syntax.
iam_pattern_text(pattern) := lower(pattern) if is_string(pattern)

# glob syntax beyond * and ? (classes, alternatives, escapes) never occurs in IAM names; a pattern
# holding it is not matched (and an action holding it cannot be assessed).
iam_glob_safe(pattern) if {
	is_string(pattern)
	count([c | some c in ["[", "]", "{", "}", "\\"]; contains(pattern, c)]) == 0
}

iam_pattern_matches(pattern, value) if {
	text := iam_pattern_text(pattern)
	iam_glob_safe(text)
	glob.match(text, [], value)
}

iam_is_wildcard(pattern) if contains(pattern, "*")

iam_is_wildcard(pattern) if contains(pattern, "?")

# Cheap prefilters keep glob.match (costly on both engines) off the patterns that name one service:
# only a wildcard in the service part can cover every action, or another service's resources.
iam_service_part(pattern) := split(lower(pattern), ":")[0] if is_string(pattern)

iam_every_action(pattern) if {
	iam_is_wildcard(iam_service_part(pattern))
	count([probe | some probe in iam_every_action_probes; iam_pattern_matches(pattern, probe)]) == count(iam_every_action_probes)
}

iam_every_resource(pattern) if {
	iam_wild_arn_service(pattern)
	count([probe | some probe in iam_every_resource_probes; iam_pattern_matches(pattern, probe)]) == count(iam_every_resource_probes)
}

iam_wild_arn_service(pattern) if {
	is_string(pattern)
	parts := split(pattern, ":")
	count(parts) < 3
	iam_is_wildcard(pattern)
}

iam_wild_arn_service(pattern) if {
	is_string(pattern)
	parts := split(pattern, ":")
	count(parts) >= 3
	iam_is_wildcard(concat(":", array.slice(parts, 0, 3)))
}

# A pattern that is not a string, or holds characters no IAM action has, cannot be assessed.
iam_unassessable_action(pattern) if not is_string(pattern)

iam_unassessable_action(pattern) if not iam_glob_safe(iam_pattern_text(pattern))

grants_everything(statement) if {
	is_object(statement)
	iam_allows(statement)
	some action in as_list(object.get(statement, "Action", []))
	iam_every_action(action)
	some target in as_list(object.get(statement, "Resource", []))
	iam_every_resource(target)
}

# METADATA
# title: No IAM policy allows every action on every resource outside the break-glass role
# description: >-
#   An IAM policy statement that allows every action ("*", "*:*" or any pattern matching all
#   actions) on every resource ("*", "arn:*", "arn:aws:*" ...) is only acceptable on the break-glass
#   role, tagged ai-platform/break-glass "true". Documents on aws:iam Policy, RolePolicy, UserPolicy,
#   GroupPolicy and Role.inlinePolicies are read. A document or statement that cannot be read (secret
#   or unknown before apply) cannot be proved safe and is reported too.
# custom:
#   severity: critical
#   controls: [NIST-800-53:AC-6, NIST-800-53:AC-2, ISO-27001:A.8.2, ISO-27001:A.5.15]
#   message: >-
#     Replace "*" actions on "*" resources with the specific actions and resource ARNs needed, or move
#     the permission to the break-glass role (tag ai-platform/break-glass "true").
stack_deny_iam_wildcard_admin contains msg if {
	some item in iam_statements
	grants_everything(item.statement)
	msg := sprintf("%s: IAM policy allows action \"*\" on resource \"*\" outside the break-glass role", [item.urn])
}

stack_deny_iam_wildcard_admin contains msg if {
	some document in iam_documents
	not parsed_json(document.text)
	msg := sprintf("%s: IAM policy document is not readable JSON (secret or unknown before apply), so it cannot be shown to avoid \"*\" on \"*\"", [document.urn])
}

stack_deny_iam_wildcard_admin contains msg if {
	some item in iam_statements
	not is_object(item.statement)
	msg := sprintf("%s: IAM policy statement is not an object, so it cannot be assessed", [item.urn])
}

stack_deny_iam_wildcard_admin contains msg if {
	some attachment in resources_of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
	object.get(attachment, "policyArn", "") in admin_managed_policies
	not object.get(attachment, "role", "") in break_glass_role_refs
	msg := sprintf("%s: AdministratorAccess is attached to role %s, which is not the break-glass role", [attachment.__urn, object.get(attachment, "role", "(unknown)")])
}

admin_managed_policies := {"arn:aws:iam::aws:policy/AdministratorAccess"}

# METADATA
# title: IAM Allow statements do not use NotAction or NotResource
# description: >-
#   An Allow statement with NotAction grants every action except those listed (new AWS actions
#   included), and NotResource every resource except those listed: both are wildcards in disguise.
#   Only the break-glass role may carry them.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, ISO-27001:A.8.2, ISO-27001:A.5.15]
#   message: >-
#     List the allowed actions in Action and the resources in Resource; use a separate Deny statement
#     (where NotAction is safe) to carve out exceptions.
stack_deny_iam_not_action contains msg if {
	some item in iam_statements
	is_object(item.statement)
	iam_allows(item.statement)
	some field in ["NotAction", "NotResource"]
	object.get(item.statement, field, null) != null
	msg := sprintf("%s: IAM Allow statement uses %s, which grants everything it does not list", [item.urn, field])
}

iam_sensitive_match(pattern) if {
	not iam_is_wildcard(pattern)
	lower(pattern) in iam_sensitive_actions
}

iam_sensitive_match(pattern) if {
	iam_is_wildcard(pattern)
	iam_sensitive_service_pattern(iam_service_part(pattern))
	some action in iam_sensitive_actions
	iam_pattern_matches(pattern, action)
}

iam_sensitive_service_pattern(service) if iam_is_wildcard(service)

iam_sensitive_service_pattern(service) if service in iam_sensitive_services

iam_sensitive_services := {split(action, ":")[0] | some action in iam_sensitive_actions}

# The statement's resources cover every resource the action's service has (`*`, `arn:aws:*`,
# `arn:aws:iam::*:*` for IAM actions ...).
iam_statement_on_service_resources(statement, action) if {
	service := split(lower(action), ":")[0]
	probes := [probe.arn | some probe in iam_service_resource_probes; probe.service == service]
	count(probes) > 0
	some target in as_list(object.get(statement, "Resource", []))
	count([probe | some probe in probes; iam_pattern_matches(target, probe)]) == count(probes)
}

# A KMS action on every key of an account is narrowed to named keys by the condition
# ForAnyValue:StringEquals kms:ResourceAliases with literal alias names: a key without one of those
# aliases is not matched (an empty alias set fails ForAnyValue). Key ARNs are generated at creation,
# so a policy that must be readable before apply names its keys this way.
iam_narrowed_to_named_keys(statement, action) if {
	split(lower(action), ":")[0] == "kms"
	some operator, block in as_object(object.get(statement, "Condition", {}))
	lower(operator) == "foranyvalue:stringequals"
	some key, aliases in as_object(block)
	lower(key) == "kms:resourcealiases"
	names := as_list(aliases)
	count(names) > 0
	count([name | some name in names; iam_literal_alias(name)]) == count(names)
}

iam_literal_alias(name) if {
	iam_literal_name(name)
	startswith(name, "alias/")
	not contains(name, "?")
}

# METADATA
# title: IAM policies grant no privilege-escalation action through a wildcard
# description: >-
#   Service-wide and glob action patterns ("iam:*", "iam:*Role*", "sts:*", "kms:*", "*:*", "*")
#   silently include actions that let a principal escalate (iam:PassRole, iam:PutRolePolicy,
#   iam:UpdateAssumeRolePolicy, sts:AssumeRole, kms:Decrypt ... see iam_data.rego). A pattern covering
#   one of them, or a sensitive action on every resource, is denied outside the break-glass role. An
#   action that is not a readable string cannot be assessed and is reported too.
# custom:
#   severity: critical
#   controls: [NIST-800-53:AC-6, NIST-800-53:AC-3, ISO-27001:A.8.2, ISO-27001:A.5.15]
#   message: >-
#     Name the individual actions the workload needs and scope them to specific resource ARNs; keep
#     IAM, STS and KMS administration on the break-glass role.
stack_deny_iam_sensitive_wildcard contains msg if {
	some item in iam_statements
	is_object(item.statement)
	iam_allows(item.statement)
	some pattern in as_list(object.get(item.statement, "Action", []))
	is_string(pattern)
	iam_is_wildcard(pattern)
	iam_sensitive_match(pattern)
	msg := sprintf("%s: IAM action pattern %s covers privilege-escalation actions (IAM, STS or KMS)", [item.urn, pattern])
}

stack_deny_iam_sensitive_wildcard contains msg if {
	some item in iam_statements
	is_object(item.statement)
	iam_allows(item.statement)
	some pattern in as_list(object.get(item.statement, "Action", []))
	is_string(pattern)
	not iam_is_wildcard(pattern)
	iam_sensitive_match(pattern)
	iam_statement_on_service_resources(item.statement, pattern)
	not iam_narrowed_to_named_keys(item.statement, pattern)
	msg := sprintf("%s: IAM policy grants the privilege-escalation action %s on every resource", [item.urn, pattern])
}

stack_deny_iam_sensitive_wildcard contains msg if {
	some item in iam_statements
	is_object(item.statement)
	iam_allows(item.statement)
	some pattern in as_list(object.get(item.statement, "Action", []))
	iam_unassessable_action(pattern)
	msg := sprintf("%s: IAM policy action is not a readable action name, so it cannot be assessed", [item.urn])
}

# Trust policies: who may assume a role.
iam_trust_statements contains {"urn": role.__urn, "statement": statement} if {
	some role in resources_of_type("aws:iam/role:Role")
	parsed := parsed_json(object.get(role, "assumeRolePolicy", ""))
	some statement in as_list(object.get(as_object(parsed), "Statement", []))
}

# A principal is public when it is "*", holds a wildcard in any of its values, or cannot be read.
iam_public_principal(statement) if {
	principal := object.get(statement, "Principal", {})
	not is_object(principal)
}

iam_public_principal(statement) if {
	principal := object.get(statement, "Principal", {})
	is_object(principal)
	some values in principal
	some value in as_list(values)
	iam_wildcard_principal(value)
}

# NotPrincipal with Allow trusts everyone but the listed principals.
iam_public_principal(statement) if object.get(statement, "NotPrincipal", null) != null

iam_wildcard_principal(value) if not is_string(value)

iam_wildcard_principal(value) if {
	is_string(value)
	contains(value, "*")
}

iam_wildcard_principal(value) if {
	is_string(value)
	value in iam_unreadable_values
}

# A condition that pins the caller to known accounts, organisations or source resources, with
# literal values (no wildcard), under a positive operator that does not pass when the key is absent.
iam_restricting_condition(statement) if {
	condition := object.get(statement, "Condition", {})
	is_object(condition)
	some operator, clauses in condition
	lower(operator) in iam_restricting_condition_operators
	is_object(clauses)
	some key, values in clauses
	lower(key) in iam_restricting_condition_keys
	literals := as_list(values)
	count(literals) > 0
	count([value | some value in literals; iam_known_string(value); not iam_is_wildcard(value)]) == count(literals)
}

# METADATA
# title: IAM role trust policies do not trust everyone
# description: >-
#   A role whose assumeRolePolicy allows Principal "*" (or {"AWS": "*"}, any wildcard principal, or
#   NotPrincipal) can be assumed by any AWS account unless a condition pins the caller (aws:SourceAccount,
#   aws:SourceArn, aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, sts:ExternalId with
#   literal values). A trust policy that cannot be read (secret, unknown, not JSON) is reported too.
# custom:
#   severity: critical
#   controls: [NIST-800-53:AC-3, NIST-800-53:AC-6, ISO-27001:A.5.15, ISO-27001:A.8.2]
#   message: >-
#     Name the trusted principal (account, role or service) in the trust policy, or add a condition on
#     aws:PrincipalOrgID / aws:SourceAccount / aws:SourceArn with literal values.
stack_deny_iam_public_trust contains msg if {
	some item in iam_trust_statements
	is_object(item.statement)
	iam_allows(item.statement)
	iam_public_principal(item.statement)
	not iam_restricting_condition(item.statement)
	msg := sprintf("%s: role trust policy lets any principal assume the role without a restricting condition", [item.urn])
}

stack_deny_iam_public_trust contains msg if {
	some item in iam_trust_statements
	not is_object(item.statement)
	msg := sprintf("%s: role trust policy statement is not an object, so it cannot be assessed", [item.urn])
}

stack_deny_iam_public_trust contains msg if {
	some role in resources_of_type("aws:iam/role:Role")
	not parsed_json(object.get(role, "assumeRolePolicy", ""))
	msg := sprintf("%s: role trust policy is not readable JSON (secret or unknown before apply), so it cannot be assessed", [role.__urn])
}

# Managed-policy attachments, whatever resource makes them: one entry per (resource, ARN).
# Policies of this plan whose documents the rules above read (break-glass ones are exempt there, so
# attaching one elsewhere is a finding of its own).
iam_policy_urns := {policy.__urn |
	some policy in resources_of_type("aws:iam/policy:Policy")
	not is_break_glass(policy)
}

iam_break_glass_policy_urns := {policy.__urn |
	some policy in resources_of_type("aws:iam/policy:Policy")
	is_break_glass(policy)
}

iam_policy_attachments contains {"urn": attachment.__urn, "arn": object.get(attachment, "policyArn", null), "deps": iam_property_dependencies(attachment, "policyArn")} if {
	some attachment in stack_resources
	attachment.__type in iam_single_attachment_types
	not on_break_glass_role(attachment)
}

iam_policy_attachments contains {"urn": attachment.__urn, "arn": object.get(attachment, "policyArn", null), "deps": iam_property_dependencies(attachment, "policyArn")} if {
	some attachment in resources_of_type("aws:iam/policyAttachment:PolicyAttachment")
	not iam_attachment_only_break_glass(attachment)
}

iam_policy_attachments contains {"urn": role.__urn, "arn": arn, "deps": iam_property_dependencies(role, "managedPolicyArns")} if {
	some role in resources_of_type("aws:iam/role:Role")
	not is_break_glass(role)
	some arn in as_array(object.get(role, "managedPolicyArns", []))
}

# A policyAttachment is exempt only when every principal it names is the break-glass role.
iam_attachment_only_break_glass(attachment) if {
	roles := as_list(object.get(attachment, "roles", []))
	count(roles) > 0
	count([role | some role in roles; role in break_glass_role_refs]) == count(roles)
	count(as_list(object.get(attachment, "users", []))) == 0
	count(as_list(object.get(attachment, "groups", []))) == 0
}

iam_admin_policy_arn(arn) if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) == 6
	parts[0] == "arn"
	parts[2] == "iam"
	parts[4] == "aws"
	path := split(parts[5], "/")
	path[0] == "policy"
	path[count(path) - 1] in iam_admin_managed_policy_names
}

# An ARN the rule cannot read is still fine when the plan shows it comes from Policy resources of
# this stack: their documents are checked by the rules above.
iam_arn_from_plan_policies(item) if {
	count(item.deps) > 0
	count([urn | some urn in item.deps; not urn in iam_policy_urns]) == 0
}

# METADATA
# title: No AWS-managed administrator policy is attached outside the break-glass role
# description: >-
#   AdministratorAccess, IAMFullAccess, PowerUserAccess and the other managed policies listed in
#   iam_data.rego give administrator rights whatever resource attaches them: aws:iam
#   RolePolicyAttachment, PolicyAttachment, UserPolicyAttachment, GroupPolicyAttachment and
#   Role.managedPolicyArns are all read, and so is a break-glass Policy of this plan attached to
#   anything else. A policy ARN that cannot be read and does not come from a Policy resource of this
#   plan is reported too.
# custom:
#   severity: critical
#   controls: [NIST-800-53:AC-6, NIST-800-53:AC-2, ISO-27001:A.8.2, ISO-27001:A.5.15]
#   message: >-
#     Attach a least-privilege customer-managed policy instead; keep administrator access on the
#     break-glass role (tag ai-platform/break-glass "true").
stack_deny_iam_admin_managed_policy contains msg if {
	some item in iam_policy_attachments
	iam_admin_policy_arn(item.arn)
	msg := sprintf("%s: AWS-managed administrator policy %s is attached outside the break-glass role", [item.urn, item.arn])
}

stack_deny_iam_admin_managed_policy contains msg if {
	some item in iam_policy_attachments
	not iam_known_string(item.arn)
	not iam_arn_from_plan_policies(item)
	msg := sprintf("%s: attached policy ARN cannot be read, so it cannot be shown not to be an administrator policy", [item.urn])
}

stack_deny_iam_admin_managed_policy contains msg if {
	some item in iam_policy_attachments
	some urn in item.deps
	urn in iam_break_glass_policy_urns
	msg := sprintf("%s: attaches the break-glass policy %s outside the break-glass role", [item.urn, urn])
}

stack_deny_iam_admin_managed_policy contains msg if {
	some role in resources_of_type("aws:iam/role:Role")
	not is_break_glass(role)
	not is_array(object.get(role, "managedPolicyArns", []))
	msg := sprintf("%s: managedPolicyArns cannot be read, so it cannot be shown not to hold an administrator policy", [role.__urn])
}

# EKS access entries tagged ai-platform/break-glass "true" are the administrators the program declares
# (`cluster.adminRoleArns`); an association reaches one through its principalArn reference.
eks_break_glass_entries := {entry.__urn: entry |
	some entry in resources_of_type("aws:eks/accessEntry:AccessEntry")
	is_break_glass(entry)
}

eks_break_glass_principals contains principal if {
	some entry in eks_break_glass_entries
	principal := object.get(entry, "principalArn", "")
	iam_known_string(principal)
}

eks_break_glass_association(association) if object.get(association, "principalArn", "") in eks_break_glass_principals

eks_break_glass_association(association) if {
	deps := iam_property_dependencies(association, "principalArn")
	count(deps) == 1
	entry := eks_break_glass_entries[deps[0]]
	not iam_known_and_different(object.get(association, "principalArn", ""), object.get(entry, "principalArn", ""))
}

eks_admin_access_policy(arn) if {
	is_string(arn)
	parts := split(arn, "/")
	parts[count(parts) - 1] in eks_admin_access_policy_names
}

# Namespace scope only counts with a readable list of literal namespaces; anything else is cluster-wide.
eks_namespace_scoped(association) if {
	scope := as_object(object.get(association, "accessScope", {}))
	object.get(scope, "type", "") == "namespace"
	namespaces := as_array(object.get(scope, "namespaces", []))
	count(namespaces) > 0
	count([ns | some ns in namespaces; iam_known_string(ns); not iam_is_wildcard(ns)]) == count(namespaces)
}

# METADATA
# title: EKS cluster-admin access policies go only to the declared administrators
# description: >-
#   An aws:eks AccessPolicyAssociation with AmazonEKSClusterAdminPolicy or AmazonEKSAdminPolicy at
#   cluster scope makes its principal a cluster administrator. Only the administrators the program
#   declares (cluster.adminRoleArns, whose access entries carry the tag ai-platform/break-glass "true")
#   may get it; the association must reach such an entry through its principalArn. A policy ARN that
#   cannot be read is reported too.
# custom:
#   severity: critical
#   controls: [CIS-EKS-5.1.1, NIST-800-53:AC-6, NIST-800-53:AC-2, ISO-27001:A.8.2]
#   message: >-
#     Grant a namespace-scoped access policy (AmazonEKSEditPolicy / AmazonEKSViewPolicy) or Kubernetes
#     groups with RoleBindings; add administrators through the stack's cluster.adminRoleArns.
stack_deny_eks_cluster_admin_access contains msg if {
	some association in resources_of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
	eks_admin_access_policy(object.get(association, "policyArn", ""))
	not eks_namespace_scoped(association)
	not eks_break_glass_association(association)
	msg := sprintf("%s: EKS cluster-admin access policy is granted at cluster scope to a principal that is not a declared administrator", [association.__urn])
}

stack_deny_eks_cluster_admin_access contains msg if {
	some association in resources_of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
	not iam_known_string(object.get(association, "policyArn", ""))
	not eks_break_glass_association(association)
	msg := sprintf("%s: EKS access policy ARN cannot be read, so it cannot be shown not to grant cluster admin", [association.__urn])
}
