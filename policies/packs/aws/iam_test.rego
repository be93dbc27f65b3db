package aws

import rego.v1

test_stack_deny_iam_wildcard_admin_allow_scoped_policy if {
	doc := fixtures.stack_deny_iam_wildcard_admin_allow_scoped_policy
	count(stack_deny_iam_wildcard_admin) == 0 with input as doc
}

test_stack_deny_iam_wildcard_admin_allow_break_glass_role if {
	doc := fixtures.stack_deny_iam_wildcard_admin_allow_break_glass_role
	count(stack_deny_iam_wildcard_admin) == 0 with input as doc
}

test_stack_deny_iam_wildcard_admin_deny_inline_role_policy if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_inline_role_policy
	stack_deny_iam_wildcard_admin == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::drift-admin: IAM policy allows action "*" on resource "*" outside the break-glass role`} with input as doc
}

test_stack_deny_iam_wildcard_admin_deny_managed_policy_single_statement if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_managed_policy_single_statement
	count(stack_deny_iam_wildcard_admin) == 1 with input as doc
}

test_stack_deny_iam_wildcard_admin_deny_unreadable_document if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_unreadable_document
	count(stack_deny_iam_wildcard_admin) == 1 with input as doc
}

test_stack_deny_iam_wildcard_admin_deny_administrator_access_attachment if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_administrator_access_attachment
	count(stack_deny_iam_wildcard_admin) == 1 with input as doc
}

test_stack_deny_iam_wildcard_admin_deny_inline_policies_on_role if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_inline_policies_on_role
	count(stack_deny_iam_wildcard_admin) == 1 with input as doc
}
