package aws

import rego.v1

break_glass_tag := "ai-platform/break-glass"

is_break_glass(resource) if object.get(tags_of(resource), break_glass_tag, "") == "true"

# A role is referred to by its name input; the logical name stands in when no explicit name is set.
break_glass_role_refs contains ref if {
	some role in resources_of_type("aws:iam/role:Role")
	is_break_glass(role)
	some ref in [object.get(role, "name", ""), role.__name, role.__urn]
	ref != ""
}

# Every IAM policy document in the stack, with the resource that carries it.
iam_documents contains {"resource": policy, "text": object.get(policy, "policy", "")} if {
	some policy in resources_of_type("aws:iam/policy:Policy")
	not is_break_glass(policy)
}

iam_documents contains {"resource": policy, "text": object.get(policy, "policy", "")} if {
	some policy in resources_of_type("aws:iam/rolePolicy:RolePolicy")
	not object.get(policy, "role", "") in break_glass_role_refs
}

iam_documents contains {"resource": role, "text": object.get(inline, "policy", "")} if {
	some role in resources_of_type("aws:iam/role:Role")
	not is_break_glass(role)
	some inline in as_array(object.get(role, "inlinePolicies", []))
}

as_list(value) := value if is_array(value)

as_list(value) := [value] if not is_array(value)

wildcard_values := {"*", "*:*"}

grants_everything(statement) if {
	object.get(statement, "Effect", "") == "Allow"
	some action in as_list(object.get(statement, "Action", []))
	action in wildcard_values
	some target in as_list(object.get(statement, "Resource", []))
	target == "*"
}

admin_managed_policies := {"arn:aws:iam::aws:policy/AdministratorAccess"}

# METADATA
# title: No IAM policy allows every action on every resource outside the break-glass role
# description: >-
#   An IAM policy statement with Allow, Action "*" and Resource "*" (or the AWS managed
#   AdministratorAccess policy) is only acceptable on the break-glass role, tagged
#   ai-platform/break-glass "true". A document that cannot be read (secret or unknown before apply)
#   cannot be proved safe and is reported too.
# custom:
#   severity: critical
#   controls: [NIST-800-53:AC-6, NIST-800-53:AC-2, ISO-27001:A.8.2, ISO-27001:A.5.15]
#   message: >-
#     Replace "*" actions on "*" resources with the specific actions and resource ARNs needed, or move
#     the permission to the break-glass role (tag ai-platform/break-glass "true").
stack_deny_iam_wildcard_admin contains msg if {
	some document in iam_documents
	parsed := parsed_json(document.text)
	some statement in as_list(object.get(as_object(parsed), "Statement", []))
	grants_everything(statement)
	msg := sprintf("%s: IAM policy allows action \"*\" on resource \"*\" outside the break-glass role", [document.resource.__urn])
}

stack_deny_iam_wildcard_admin contains msg if {
	some document in iam_documents
	not parsed_json(document.text)
	msg := sprintf("%s: IAM policy document is not readable JSON (secret or unknown before apply), so it cannot be shown to avoid \"*\" on \"*\"", [document.resource.__urn])
}

stack_deny_iam_wildcard_admin contains msg if {
	some attachment in resources_of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
	object.get(attachment, "policyArn", "") in admin_managed_policies
	not object.get(attachment, "role", "") in break_glass_role_refs
	msg := sprintf("%s: AdministratorAccess is attached to role %s, which is not the break-glass role", [attachment.__urn, object.get(attachment, "role", "(unknown)")])
}
