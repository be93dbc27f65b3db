package aws

import rego.v1

good_amp_workspace := {
	"__type": "aws:amp/workspace:Workspace",
	"__urn": "urn:pulumi:prod::ai-platform::aws:amp/workspace:Workspace::prod-global-view",
	"__name": "prod-global-view",
	"__provider": provider_ref,
	"alias": "ai-platform-prod-global",
	"kmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/abc",
	"loggingConfiguration": {"logGroupArn": "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/prometheus/global:*"},
	"tags": object.union(fx_tags, {"ai-platform/global-view": "ai-platform-prod"}),
}

fx_unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

fixtures.deny_amp_workspace_encryption_allow_customer_key := good_amp_workspace

fixtures.deny_amp_workspace_encryption_deny_no_key := object.remove(good_amp_workspace, ["kmsKeyArn"])

fixtures.deny_amp_workspace_encryption_deny_aws_managed_alias := fx_set(good_amp_workspace, "kmsKeyArn", "arn:aws:kms:eu-west-1:111122223333:alias/aws/aps")

fixtures.deny_amp_workspace_encryption_deny_secret_key := fx_set(good_amp_workspace, "kmsKeyArn", "[secret]")

fixtures.deny_amp_workspace_encryption_deny_key_not_a_string := fx_set(good_amp_workspace, "kmsKeyArn", {"arn": "x"})

fixtures.deny_amp_workspace_logging_allow_log_group := good_amp_workspace

fixtures.deny_amp_workspace_logging_deny_no_logging := object.remove(good_amp_workspace, ["loggingConfiguration"])

fixtures.deny_amp_workspace_logging_deny_empty_log_group := fx_set(good_amp_workspace, "loggingConfiguration", {"logGroupArn": ""})

fixtures.deny_amp_workspace_logging_deny_unknown_configuration := fx_set(good_amp_workspace, "loggingConfiguration", fx_unknown)

# The program's own remote-write policy: the primary region's workspaces carrying the stack's tag.
fx_aps_tagged_statement(actions) := {
	"Effect": "Allow",
	"Action": actions,
	"Resource": "arn:aws:aps:eu-west-1:111122223333:workspace/*",
	"Condition": {"StringEquals": {"aws:ResourceTag/ai-platform/global-view": "ai-platform-prod"}},
}

fx_aps_doc(statements) := {"resources": [fx_role("prometheus", {}), fx_role_policy("prometheus-write", "prometheus", statements)]}

fixtures.stack_deny_iam_aps_wildcard_allow_tagged_workspaces := fx_aps_doc([fx_aps_tagged_statement(["aps:RemoteWrite"])])

fixtures.stack_deny_iam_aps_wildcard_allow_named_workspace := fx_aps_doc([{
	"Effect": "Allow",
	"Action": ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"],
	"Resource": "arn:aws:aps:eu-west-1:111122223333:workspace/ws-12345678-abcd",
}])

fixtures.stack_deny_iam_aps_wildcard_allow_other_service_wildcard := fx_aps_doc([{
	"Effect": "Allow",
	"Action": ["s3:Get*"],
	"Resource": "arn:aws:s3:::ai-platform-prod-drift-reports/*",
}])

fixtures.stack_deny_iam_aps_wildcard_allow_deny_statement := fx_aps_doc([{"Effect": "Deny", "Action": "aps:*", "Resource": "*"}])

fixtures.stack_deny_iam_aps_wildcard_deny_service_wildcard := fx_aps_doc([fx_aps_tagged_statement(["aps:*"])])

fixtures.stack_deny_iam_aps_wildcard_deny_remote_write_on_everything := fx_aps_doc([{"Effect": "Allow", "Action": "aps:RemoteWrite", "Resource": "*"}])

fixtures.stack_deny_iam_aps_wildcard_deny_all_workspaces_without_condition := fx_aps_doc([object.remove(fx_aps_tagged_statement(["aps:RemoteWrite"]), ["Condition"])])

fixtures.stack_deny_iam_aps_wildcard_deny_wildcard_tag_value := fx_aps_doc([fx_set(fx_aps_tagged_statement(["aps:QueryMetrics"]), "Condition", {"StringEquals": {"aws:ResourceTag/ai-platform/global-view": "*"}})])

fixtures.stack_deny_iam_aps_wildcard_deny_glob_action := fx_aps_doc([{"Effect": "Allow", "Action": "APS:Remote*", "Resource": "arn:aws:aps:eu-west-1:111122223333:workspace/ws-12345678-abcd"}])

fixtures.stack_deny_iam_aps_wildcard_deny_unreadable_resource := fx_aps_doc([{"Effect": "Allow", "Action": "aps:RemoteWrite", "Resource": {"arn": "x"}}])

fixtures.stack_deny_iam_aps_wildcard_deny_managed_policy := doc if {
	attachment := {
		"__type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
		"__urn": "urn:att",
		"__name": "att",
		"role": "prometheus",
		"policyArn": "arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess",
	}
	doc := {"resources": [fx_role("prometheus", {}), attachment]}
}
