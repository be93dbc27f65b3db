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

test_stack_deny_iam_wildcard_admin_deny_arn_wildcard_resource_on_user_policy if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_arn_wildcard_resource_on_user_policy
	count(stack_deny_iam_wildcard_admin) == 1 with input as doc
}

test_stack_deny_iam_wildcard_admin_deny_group_policy if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_group_policy
	count(stack_deny_iam_wildcard_admin) == 1 with input as doc
}

test_stack_deny_iam_wildcard_admin_deny_statement_not_object if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_statement_not_object
	count(stack_deny_iam_wildcard_admin) == 1 with input as doc
}

test_stack_deny_iam_wildcard_admin_deny_secret_inline_policies if {
	doc := fixtures.stack_deny_iam_wildcard_admin_deny_secret_inline_policies
	count(stack_deny_iam_wildcard_admin) == 1 with input as doc
}

test_stack_deny_iam_wildcard_admin_allow_all_actions_on_one_bucket if {
	doc := fixtures.stack_deny_iam_wildcard_admin_allow_all_actions_on_one_bucket
	count(stack_deny_iam_wildcard_admin) == 0 with input as doc
}

test_stack_deny_iam_not_action_allow_deny_with_not_action if {
	doc := fixtures.stack_deny_iam_not_action_allow_deny_with_not_action
	count(stack_deny_iam_not_action) == 0 with input as doc
}

test_stack_deny_iam_not_action_deny_not_action if {
	doc := fixtures.stack_deny_iam_not_action_deny_not_action
	count(stack_deny_iam_not_action) == 1 with input as doc
}

test_stack_deny_iam_not_action_deny_not_resource if {
	doc := fixtures.stack_deny_iam_not_action_deny_not_resource
	count(stack_deny_iam_not_action) == 1 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_allow_scoped_policy if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_allow_scoped_policy
	count(stack_deny_iam_sensitive_wildcard) == 0 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_allow_named_kms_action_on_one_key if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_allow_named_kms_action_on_one_key
	count(stack_deny_iam_sensitive_wildcard) == 0 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_allow_break_glass_role if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_allow_break_glass_role
	count(stack_deny_iam_sensitive_wildcard) == 0 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_deny_iam_star if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_deny_iam_star
	count(stack_deny_iam_sensitive_wildcard) == 1 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_deny_role_glob if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_deny_role_glob
	count(stack_deny_iam_sensitive_wildcard) == 1 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_deny_service_wide_kms_inline if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_deny_service_wide_kms_inline
	count(stack_deny_iam_sensitive_wildcard) == 1 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_deny_passrole_on_every_iam_resource if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_deny_passrole_on_every_iam_resource
	count(stack_deny_iam_sensitive_wildcard) == 1 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_deny_unreadable_action if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_deny_unreadable_action
	count(stack_deny_iam_sensitive_wildcard) == 1 with input as doc
}

test_stack_deny_iam_public_trust_allow_service_principal if {
	doc := fixtures.stack_deny_iam_public_trust_allow_service_principal
	count(stack_deny_iam_public_trust) == 0 with input as doc
}

test_stack_deny_iam_public_trust_allow_wildcard_with_org_condition if {
	doc := fixtures.stack_deny_iam_public_trust_allow_wildcard_with_org_condition
	count(stack_deny_iam_public_trust) == 0 with input as doc
}

test_stack_deny_iam_public_trust_deny_star_principal if {
	doc := fixtures.stack_deny_iam_public_trust_deny_star_principal
	count(stack_deny_iam_public_trust) == 1 with input as doc
}

test_stack_deny_iam_public_trust_deny_aws_star_with_if_exists_condition if {
	doc := fixtures.stack_deny_iam_public_trust_deny_aws_star_with_if_exists_condition
	count(stack_deny_iam_public_trust) == 1 with input as doc
}

test_stack_deny_iam_public_trust_deny_wildcard_condition_value if {
	doc := fixtures.stack_deny_iam_public_trust_deny_wildcard_condition_value
	count(stack_deny_iam_public_trust) == 1 with input as doc
}

test_stack_deny_iam_public_trust_deny_unknown_trust_policy if {
	doc := fixtures.stack_deny_iam_public_trust_deny_unknown_trust_policy
	count(stack_deny_iam_public_trust) == 1 with input as doc
}

test_stack_deny_iam_admin_managed_policy_allow_worker_policy if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_allow_worker_policy
	count(stack_deny_iam_admin_managed_policy) == 0 with input as doc
}

test_stack_deny_iam_admin_managed_policy_allow_break_glass_role if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_allow_break_glass_role
	count(stack_deny_iam_admin_managed_policy) == 0 with input as doc
}

test_stack_deny_iam_admin_managed_policy_allow_unknown_arn_of_plan_policy if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_allow_unknown_arn_of_plan_policy
	count(stack_deny_iam_admin_managed_policy) == 0 with input as doc
}

test_stack_deny_iam_admin_managed_policy_deny_user_attachment if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_deny_user_attachment
	count(stack_deny_iam_admin_managed_policy) == 1 with input as doc
}

test_stack_deny_iam_admin_managed_policy_deny_group_attachment if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_deny_group_attachment
	count(stack_deny_iam_admin_managed_policy) == 1 with input as doc
}

test_stack_deny_iam_admin_managed_policy_deny_policy_attachment_with_user if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_deny_policy_attachment_with_user
	count(stack_deny_iam_admin_managed_policy) == 1 with input as doc
}

test_stack_deny_iam_admin_managed_policy_deny_role_managed_policy_arns if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_deny_role_managed_policy_arns
	count(stack_deny_iam_admin_managed_policy) == 1 with input as doc
}

test_stack_deny_iam_admin_managed_policy_deny_role_policy_attachment_other_admin if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_deny_role_policy_attachment_other_admin
	count(stack_deny_iam_admin_managed_policy) == 1 with input as doc
}

test_stack_deny_iam_admin_managed_policy_deny_secret_arn if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_deny_secret_arn
	count(stack_deny_iam_admin_managed_policy) == 1 with input as doc
}

test_stack_deny_eks_cluster_admin_access_allow_declared_admin if {
	doc := fixtures.stack_deny_eks_cluster_admin_access_allow_declared_admin
	count(stack_deny_eks_cluster_admin_access) == 0 with input as doc
}

test_stack_deny_eks_cluster_admin_access_allow_namespaced_admin if {
	doc := fixtures.stack_deny_eks_cluster_admin_access_allow_namespaced_admin
	count(stack_deny_eks_cluster_admin_access) == 0 with input as doc
}

test_stack_deny_eks_cluster_admin_access_deny_team_principal if {
	doc := fixtures.stack_deny_eks_cluster_admin_access_deny_team_principal
	count(stack_deny_eks_cluster_admin_access) == 1 with input as doc
}

test_stack_deny_eks_cluster_admin_access_deny_literal_principal_contradicts_reference if {
	doc := fixtures.stack_deny_eks_cluster_admin_access_deny_literal_principal_contradicts_reference
	count(stack_deny_eks_cluster_admin_access) == 1 with input as doc
}

test_stack_deny_eks_cluster_admin_access_deny_wildcard_namespace_scope if {
	doc := fixtures.stack_deny_eks_cluster_admin_access_deny_wildcard_namespace_scope
	count(stack_deny_eks_cluster_admin_access) == 1 with input as doc
}

test_stack_deny_eks_cluster_admin_access_deny_unknown_policy_arn if {
	doc := fixtures.stack_deny_eks_cluster_admin_access_deny_unknown_policy_arn
	count(stack_deny_eks_cluster_admin_access) == 1 with input as doc
}

test_stack_deny_iam_admin_managed_policy_deny_break_glass_policy_attached_elsewhere if {
	doc := fixtures.stack_deny_iam_admin_managed_policy_deny_break_glass_policy_attached_elsewhere
	stack_deny_iam_admin_managed_policy == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicyAttachment:RolePolicyAttachment::nodes-bg: attaches the break-glass policy urn:pulumi:prod::ai-platform::aws:iam/policy:Policy::bg-admin outside the break-glass role`} with input as doc
}

test_stack_deny_iam_sensitive_wildcard_allow_kms_action_narrowed_to_named_alias if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_allow_kms_action_narrowed_to_named_alias
	count(stack_deny_iam_sensitive_wildcard) == 0 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_deny_kms_alias_condition_with_wildcard if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_deny_kms_alias_condition_with_wildcard
	count(stack_deny_iam_sensitive_wildcard) > 0 with input as doc
}

test_stack_deny_iam_sensitive_wildcard_deny_kms_alias_for_all_values if {
	doc := fixtures.stack_deny_iam_sensitive_wildcard_deny_kms_alias_for_all_values
	count(stack_deny_iam_sensitive_wildcard) > 0 with input as doc
}
