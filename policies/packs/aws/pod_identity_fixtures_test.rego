package aws

import rego.v1

fx_single_statement_trust(statement) := json.marshal({"Version": "2012-10-17", "Statement": [statement]})

fx_service_statement(service, condition) := object.union(
	{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"},
	condition,
)

fx_account_condition := {"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}

fx_pod_identity_trust := json.marshal({"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow",
	"Principal": {"Service": "pods.eks.amazonaws.com"},
	"Action": ["sts:AssumeRole", "sts:TagSession"],
	"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
}]})

fx_trusted_role(name, service, condition) := fx_role(name, {"assumeRolePolicy": fx_single_statement_trust(fx_service_statement(service, condition))})

fixtures.deny_service_trust_confused_deputy_allow_source_account := fx_trusted_role("flow-logs", "vpc-flow-logs.amazonaws.com", fx_account_condition)

fixtures.deny_service_trust_confused_deputy_allow_source_arn_case_insensitive := fx_trusted_role("replication", "s3.amazonaws.com", {"Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::backups"}}})

fixtures.deny_service_trust_confused_deputy_allow_ec2_exempt := fx_trusted_role("node", "ec2.amazonaws.com", {})

fixtures.deny_service_trust_confused_deputy_allow_trust_as_object := fx_role("flow-logs", {"assumeRolePolicy": {"Version": "2012-10-17", "Statement": fx_service_statement("vpc-flow-logs.amazonaws.com", fx_account_condition)}})

fixtures.deny_service_trust_confused_deputy_deny_no_condition := fx_trusted_role("flow-logs", "vpc-flow-logs.amazonaws.com", {})

fixtures.deny_service_trust_confused_deputy_deny_wildcard_account := fx_trusted_role("flow-logs", "vpc-flow-logs.amazonaws.com", {"Condition": {"StringLike": {"aws:SourceAccount": "*"}}})

fixtures.deny_service_trust_confused_deputy_deny_if_exists := fx_trusted_role("flow-logs", "vpc-flow-logs.amazonaws.com", {"Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}})

fixtures.deny_service_trust_confused_deputy_deny_negated := fx_trusted_role("flow-logs", "vpc-flow-logs.amazonaws.com", {"Condition": {"StringNotEquals": {"aws:SourceAccount": "999999999999"}}})

fixtures.deny_service_trust_confused_deputy_deny_exempt_service_beside_another := fx_trusted_role("mixed", ["ec2.amazonaws.com", "eks.amazonaws.com"], {})

fixtures.deny_service_trust_confused_deputy_deny_secret_trust := fx_role("flow-logs", {"assumeRolePolicy": "[secret]"})

fixtures.deny_service_trust_confused_deputy_deny_unknown_trust := fx_role("flow-logs", {"assumeRolePolicy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})

fx_agent_addon := object.union(fx_addon({}), {"__urn": "urn:pulumi:prod::ai-platform::aws:eks/addon:Addon::agent", "addonName": "eks-pod-identity-agent"})

fx_cni_attachment(role_ref, deps) := {
	"__type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
	"__urn": "urn:pulumi:prod::ai-platform::aws:iam/rolePolicyAttachment:RolePolicyAttachment::cni",
	"__name": "cni",
	"__provider": provider_ref,
	"role": role_ref,
	"policyArn": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
	"__propertyDependencies": {"role": deps},
}

fx_cni_role := fx_role("vpc-cni", {"assumeRolePolicy": fx_pod_identity_trust})

fx_node_role := fx_trusted_role("node", "ec2.amazonaws.com", {})

fixtures.stack_deny_node_role_cni_policy_allow_pod_identity_role := {"resources": [aws_provider, fx_agent_addon, fx_cni_role, fx_cni_attachment("vpc-cni", [])]}

fixtures.stack_deny_node_role_cni_policy_allow_linked_by_reference := {"resources": [aws_provider, fx_agent_addon, fx_cni_role, fx_cni_attachment("04da6b54-80e4-46f7-96ec-b56ff0331ba9", [fx_cni_role.__urn])]}

# The literal names the node role while the reference points at the Pod Identity role: contradicted, no link.
fixtures.stack_deny_node_role_cni_policy_deny_reference_contradicted := {"resources": [aws_provider, fx_agent_addon, fx_node_role, fx_cni_role, fx_cni_attachment("node", [fx_cni_role.__urn])]}

fixtures.stack_deny_node_role_cni_policy_allow_without_pod_identity := {"resources": [aws_provider, fx_node_role, fx_cni_attachment("node", [])]}

fixtures.stack_deny_node_role_cni_policy_deny_node_role := {"resources": [aws_provider, fx_agent_addon, fx_node_role, fx_cni_role, fx_cni_attachment("node", [])]}

fixtures.stack_deny_node_role_cni_policy_deny_unresolved_role := {"resources": [aws_provider, fx_agent_addon, fx_cni_attachment("04da6b54-80e4-46f7-96ec-b56ff0331ba9", [])]}

fixtures.stack_deny_node_role_cni_policy_deny_managed_policy_arns := doc if {
	role := object.union(fx_node_role, {"managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]})
	association := {"__type": "aws:eks/podIdentityAssociation:PodIdentityAssociation", "__urn": "urn:pulumi:prod::ai-platform::aws:eks/podIdentityAssociation:PodIdentityAssociation::x", "__name": "x"}
	doc := {"resources": [aws_provider, association, role]}
}
