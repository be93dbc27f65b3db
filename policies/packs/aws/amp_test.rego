package aws

import rego.v1

test_deny_amp_workspace_encryption_allow_customer_key if {
	doc := fixtures.deny_amp_workspace_encryption_allow_customer_key
	count(deny_amp_workspace_encryption) == 0 with input as doc
}

test_deny_amp_workspace_encryption_deny_no_key if {
	doc := fixtures.deny_amp_workspace_encryption_deny_no_key
	deny_amp_workspace_encryption == {`AMP workspace "prod-global-view": not encrypted with a customer-managed KMS key`} with input as doc
}

test_deny_amp_workspace_encryption_deny_aws_managed_alias if {
	doc := fixtures.deny_amp_workspace_encryption_deny_aws_managed_alias
	deny_amp_workspace_encryption == {`AMP workspace "prod-global-view": not encrypted with a customer-managed KMS key`} with input as doc
}

test_deny_amp_workspace_encryption_deny_secret_key if {
	doc := fixtures.deny_amp_workspace_encryption_deny_secret_key
	deny_amp_workspace_encryption == {`AMP workspace "prod-global-view": not encrypted with a customer-managed KMS key`} with input as doc
}

test_deny_amp_workspace_encryption_deny_key_not_a_string if {
	doc := fixtures.deny_amp_workspace_encryption_deny_key_not_a_string
	deny_amp_workspace_encryption == {`AMP workspace "prod-global-view": not encrypted with a customer-managed KMS key`} with input as doc
}

test_deny_amp_workspace_logging_allow_log_group if {
	doc := fixtures.deny_amp_workspace_logging_allow_log_group
	count(deny_amp_workspace_logging) == 0 with input as doc
}

test_deny_amp_workspace_logging_deny_no_logging if {
	doc := fixtures.deny_amp_workspace_logging_deny_no_logging
	deny_amp_workspace_logging == {`AMP workspace "prod-global-view": no CloudWatch logging configuration`} with input as doc
}

test_deny_amp_workspace_logging_deny_empty_log_group if {
	doc := fixtures.deny_amp_workspace_logging_deny_empty_log_group
	deny_amp_workspace_logging == {`AMP workspace "prod-global-view": no CloudWatch logging configuration`} with input as doc
}

test_deny_amp_workspace_logging_deny_unknown_configuration if {
	doc := fixtures.deny_amp_workspace_logging_deny_unknown_configuration
	deny_amp_workspace_logging == {`AMP workspace "prod-global-view": no CloudWatch logging configuration`} with input as doc
}

test_stack_deny_iam_aps_wildcard_allow_tagged_workspaces if {
	doc := fixtures.stack_deny_iam_aps_wildcard_allow_tagged_workspaces
	count(stack_deny_iam_aps_wildcard) == 0 with input as doc
}

test_stack_deny_iam_aps_wildcard_allow_named_workspace if {
	doc := fixtures.stack_deny_iam_aps_wildcard_allow_named_workspace
	count(stack_deny_iam_aps_wildcard) == 0 with input as doc
}

test_stack_deny_iam_aps_wildcard_allow_other_service_wildcard if {
	doc := fixtures.stack_deny_iam_aps_wildcard_allow_other_service_wildcard
	count(stack_deny_iam_aps_wildcard) == 0 with input as doc
}

test_stack_deny_iam_aps_wildcard_allow_deny_statement if {
	doc := fixtures.stack_deny_iam_aps_wildcard_allow_deny_statement
	count(stack_deny_iam_aps_wildcard) == 0 with input as doc
}

test_stack_deny_iam_aps_wildcard_deny_service_wildcard if {
	doc := fixtures.stack_deny_iam_aps_wildcard_deny_service_wildcard
	stack_deny_iam_aps_wildcard == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::prometheus-write: IAM action pattern aps:* covers AMP workspace actions (write and query every series)`} with input as doc
}

test_stack_deny_iam_aps_wildcard_deny_remote_write_on_everything if {
	doc := fixtures.stack_deny_iam_aps_wildcard_deny_remote_write_on_everything
	stack_deny_iam_aps_wildcard == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::prometheus-write: IAM policy grants aps:RemoteWrite on every AMP workspace, not on named ones`} with input as doc
}

test_stack_deny_iam_aps_wildcard_deny_all_workspaces_without_condition if {
	doc := fixtures.stack_deny_iam_aps_wildcard_deny_all_workspaces_without_condition
	stack_deny_iam_aps_wildcard == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::prometheus-write: IAM policy grants aps:RemoteWrite on every AMP workspace, not on named ones`} with input as doc
}

test_stack_deny_iam_aps_wildcard_deny_wildcard_tag_value if {
	doc := fixtures.stack_deny_iam_aps_wildcard_deny_wildcard_tag_value
	stack_deny_iam_aps_wildcard == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::prometheus-write: IAM policy grants aps:QueryMetrics on every AMP workspace, not on named ones`} with input as doc
}

test_stack_deny_iam_aps_wildcard_deny_glob_action if {
	doc := fixtures.stack_deny_iam_aps_wildcard_deny_glob_action
	stack_deny_iam_aps_wildcard == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::prometheus-write: IAM action pattern APS:Remote* covers AMP workspace actions (write and query every series)`} with input as doc
}

test_stack_deny_iam_aps_wildcard_deny_unreadable_resource if {
	doc := fixtures.stack_deny_iam_aps_wildcard_deny_unreadable_resource
	stack_deny_iam_aps_wildcard == {`urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::prometheus-write: IAM policy grants aps:RemoteWrite on every AMP workspace, not on named ones`} with input as doc
}

test_stack_deny_iam_aps_wildcard_deny_managed_policy if {
	doc := fixtures.stack_deny_iam_aps_wildcard_deny_managed_policy
	stack_deny_iam_aps_wildcard == {`urn:att: AWS-managed policy arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess grants AMP access on every workspace`} with input as doc
}
