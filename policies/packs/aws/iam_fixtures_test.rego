package aws

import rego.v1

fixtures.stack_deny_iam_wildcard_admin_allow_scoped_policy := doc if {
	resources := [fx_role("drift-job", {}), fx_role_policy("drift-read", "drift-job", [scoped_statement])]
	doc := {"resources": resources}
}

fixtures.stack_deny_iam_wildcard_admin_allow_break_glass_role := doc if {
	resources := [
		fx_role("break-glass", {"tags": break_glass_tags}),
		fx_role_policy("break-glass-admin", "break-glass", [admin_statement]),
		{"__type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "__urn": "urn:att", "__name": "att", "role": "break-glass", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
	]
	doc := {"resources": resources}
}

fixtures.stack_deny_iam_wildcard_admin_deny_inline_role_policy := doc if {
	resources := [fx_role("drift-job", {}), fx_role_policy("drift-admin", "drift-job", [scoped_statement, admin_statement])]
	doc := {"resources": resources}
}

fixtures.stack_deny_iam_wildcard_admin_deny_managed_policy_single_statement := doc if {
	policy := {
		"__type": "aws:iam/policy:Policy",
		"__urn": "urn:policy",
		"__name": "admin",
		"policy": json.marshal({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["*"], "Resource": "*"}}),
	}
	doc := {"resources": [policy]}
}

fixtures.stack_deny_iam_wildcard_admin_deny_unreadable_document := doc if {
	resources := [fx_role("drift-job", {}), object.union(fx_role_policy("p", "drift-job", []), {"policy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})]
	doc := {"resources": resources}
}

fixtures.stack_deny_iam_wildcard_admin_deny_administrator_access_attachment := doc if {
	attachment := {"__type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "__urn": "urn:att", "__name": "att", "role": "nodes", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
	doc := {"resources": [fx_role("nodes", {}), attachment]}
}

fixtures.stack_deny_iam_wildcard_admin_deny_inline_policies_on_role := doc if {
	admin := fx_role("ops", {"inlinePolicies": [{"name": "all", "policy": json.marshal({"Statement": [admin_statement]})}]})
	doc := {"resources": [admin]}
}
