package aws

import rego.v1

# Amazon Managed Service for Prometheus (AMP): the stack's global metrics store (docs/adr/0002). A workspace
# holds every region's metrics, so it is encrypted with a key the account controls, logs its own errors, and
# only the identities the program names may write to it or read it.

amp_workspace_type := "aws:amp/workspace:Workspace"

# A value a rule can read and that names something: a non-empty string that is neither secret nor unknown.
amp_readable(value) if {
	is_string(value)
	value != ""
	not value in opaque_values
}

# AWS-managed keys are named by their aws/ aliases; without kmsKeyArn AMP uses an AWS-owned key.
amp_customer_key(value) if {
	amp_readable(value)
	not contains(lower(value), "alias/aws/")
}

# METADATA
# title: AMP workspaces are encrypted with a customer-managed KMS key
# description: >-
#   An Amazon Managed Service for Prometheus workspace without kmsKeyArn keeps every region's metrics under
#   an AWS-owned key the account cannot audit, rotate or revoke; an AWS-managed alias (alias/aws/...) is no
#   better. A kmsKeyArn that is not a readable string (secret, unknown, another type) cannot be shown to be
#   a customer-managed key and is reported too.
# custom:
#   severity: high
#   controls: [NIST-800-53:SC-28, NIST-800-53:SC-12, ISO-27001:A.8.24]
#   message: Set kmsKeyArn on the workspace to a customer-managed, rotating KMS key of the stack.
deny_amp_workspace_encryption contains msg if {
	input.__type == amp_workspace_type
	not amp_customer_key(object.get(input, "kmsKeyArn", ""))
	msg := sprintf("AMP workspace \"%s\": not encrypted with a customer-managed KMS key", [input.__name])
}

# METADATA
# title: AMP workspaces log to CloudWatch
# description: >-
#   Without loggingConfiguration.logGroupArn an AMP workspace drops its own error logs (rejected remote
#   writes, throttling, rule-evaluation failures): series can stop arriving from a region with no trace.
#   A logging configuration that is not readable is reported too.
# custom:
#   severity: medium
#   controls: [NIST-800-53:AU-2, NIST-800-53:AU-12, NIST-800-53:SI-4, ISO-27001:A.8.15]
#   message: >-
#     Set loggingConfiguration.logGroupArn on the workspace to a KMS-encrypted CloudWatch log group with a
#     retention period (its ARN ending in ":*").
deny_amp_workspace_logging contains msg if {
	input.__type == amp_workspace_type
	logging := as_object(object.get(input, "loggingConfiguration", {}))
	not amp_readable(object.get(logging, "logGroupArn", ""))
	msg := sprintf("AMP workspace \"%s\": no CloudWatch logging configuration", [input.__name])
}

# A resource pattern that may name AMP workspaces: not a readable string, no service part ("*"), or a
# service part that is aps or a wildcard.
amp_resource_may_be_workspace(pattern) if not is_string(pattern)

amp_resource_may_be_workspace(pattern) if {
	is_string(pattern)
	count(split(pattern, ":")) < 3
}

amp_resource_may_be_workspace(pattern) if {
	is_string(pattern)
	parts := split(lower(pattern), ":")
	count(parts) >= 3
	parts[2] == "aps"
}

amp_resource_may_be_workspace(pattern) if {
	is_string(pattern)
	parts := split(pattern, ":")
	count(parts) >= 3
	iam_is_wildcard(parts[2])
}

# More than one named workspace: a wildcard (or an unreadable value) where workspaces may be named.
amp_resource_many_workspaces(pattern) if not is_string(pattern)

amp_resource_many_workspaces(pattern) if {
	is_string(pattern)
	iam_is_wildcard(pattern)
	amp_resource_may_be_workspace(pattern)
}

amp_statement_may_reach_workspaces(statement) if {
	some target in as_list(object.get(statement, "Resource", []))
	amp_resource_may_be_workspace(target)
}

# A named AMP data-plane action, or a wildcard whose service part can be aps and that covers one.
amp_data_action(pattern) if {
	is_string(pattern)
	not iam_is_wildcard(pattern)
	lower(pattern) in amp_data_actions
}

amp_wildcard_data_action(pattern) if {
	is_string(pattern)
	iam_is_wildcard(pattern)
	service := iam_service_part(pattern)
	amp_service_pattern(service)
	some action in amp_data_actions
	iam_pattern_matches(pattern, action)
}

amp_service_pattern(service) if service == "aps"

amp_service_pattern(service) if iam_is_wildcard(service)

# Workspaces singled out by a tag: StringEquals on aws:ResourceTag/<key> with literal values. AMP evaluates
# the workspace's tags on every workspace action, so this is how a policy that must be readable before apply
# (the workspace id is generated) names one workspace.
amp_narrowed_by_tag(statement) if {
	some operator, block in as_object(object.get(statement, "Condition", {}))
	lower(operator) == "stringequals"
	some key, values in as_object(block)
	is_string(key)
	startswith(lower(key), "aws:resourcetag/")
	literals := as_list(values)
	count(literals) > 0
	count([value | some value in literals; iam_literal_name(value)]) == count(literals)
}

amp_managed_policy(arn) if {
	is_string(arn)
	contains(arn, ":iam::aws:policy/")
	parts := split(arn, "/")
	parts[count(parts) - 1] in amp_managed_policy_names
}

# METADATA
# title: IAM policies grant AMP workspace access only on named workspaces
# description: >-
#   Writing to or reading from an Amazon Managed Service for Prometheus workspace is access to every region's
#   metrics: a writer can forge series and silence alerts, a reader sees every model's scores. Denied outside
#   the break-glass role: action patterns covering AMP's data-plane actions ("aps:*", "aps:Remote*", "*");
#   aps:RemoteWrite, aps:QueryMetrics, aps:GetSeries, aps:GetLabels or aps:GetMetricMetadata on a resource
#   pattern that covers more than one workspace ("*", "arn:aws:aps:*", ".../workspace/*") unless a
#   StringEquals condition on aws:ResourceTag/<key> with literal values singles the workspace out; and the
#   AWS-managed AmazonPrometheus* policies, which grant on "*".
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, NIST-800-53:AC-3, NIST-800-53:SI-4, ISO-27001:A.8.2, ISO-27001:A.5.15]
#   message: >-
#     Grant the named aps actions on the workspace's ARN, or on arn:<partition>:aps:<region>:<account>:workspace/*
#     with a StringEquals condition on aws:ResourceTag/ai-platform/global-view; do not attach the
#     AmazonPrometheus* managed policies.
stack_deny_iam_aps_wildcard contains msg if {
	some item in iam_statements
	is_object(item.statement)
	iam_allows(item.statement)
	some pattern in as_list(object.get(item.statement, "Action", []))
	amp_wildcard_data_action(pattern)
	amp_statement_may_reach_workspaces(item.statement)
	msg := sprintf("%s: IAM action pattern %s covers AMP workspace actions (write and query every series)", [item.urn, pattern])
}

stack_deny_iam_aps_wildcard contains msg if {
	some item in iam_statements
	is_object(item.statement)
	iam_allows(item.statement)
	some pattern in as_list(object.get(item.statement, "Action", []))
	amp_data_action(pattern)
	some target in as_list(object.get(item.statement, "Resource", []))
	amp_resource_many_workspaces(target)
	not amp_narrowed_by_tag(item.statement)
	msg := sprintf("%s: IAM policy grants %s on every AMP workspace, not on named ones", [item.urn, pattern])
}

stack_deny_iam_aps_wildcard contains msg if {
	some item in iam_policy_attachments
	amp_managed_policy(item.arn)
	msg := sprintf("%s: AWS-managed policy %s grants AMP access on every workspace", [item.urn, item.arn])
}
