package aws

import rego.v1

# Trust policies of service roles (issue 7): the VPC CNI's permissions belong to its own Pod Identity
# role, not to the node role every pod on the node can reach; and a role a service assumes on the
# account's behalf names the account or resource it acts for (confused-deputy protection).

# The trust policy of a role as an object; undefined when it is secret, unknown or not valid JSON.
trust_document(role) := doc if {
	doc := parsed_json(object.get(role, "assumeRolePolicy", ""))
	is_object(doc)
}

trust_document(role) := role.assumeRolePolicy if is_object(role.assumeRolePolicy)

trust_statements(doc) := as_array(doc.Statement) if is_array(doc.Statement)

trust_statements(doc) := [doc.Statement] if is_object(doc.Statement)

trust_statements(doc) := [] if {
	not is_array(doc.Statement)
	not is_object(doc.Statement)
}

# The Service principal(s) of a statement as a list, whether given as one string or an array.
statement_services(statement) := array.concat(as_array(principal_service(statement)), string_list(principal_service(statement)))

string_list(value) := [value] if is_string(value)

string_list(value) := [] if not is_string(value)

principal_service(statement) := object.get(as_object(object.get(statement, "Principal", {})), "Service", [])

allows(statement) if object.get(statement, "Effect", "") == "Allow"

# Services that do not send aws:SourceAccount / aws:SourceArn when they assume a role (EC2 instance
# profiles), from trust.data.yaml (the program reads the same list); empty when it cannot be read.
trust_config := data.aws_trust if is_object(data.aws_trust)

trust_config := {} if not is_object(data.aws_trust)

confused_deputy_exempt := {service | some service in as_array(object.get(trust_config, "confusedDeputyExempt", []))}

source_condition_keys := {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}

# A condition operator that restricts: not negated (a NotEquals admits every other account) and not
# ...IfExists (which passes when the service sends no such key).
restricting_operator(operator) if {
	not startswith(operator, "StringNot")
	not startswith(operator, "ArnNot")
	not endswith(operator, "IfExists")
	not operator in {"Null"}
}

wildcard_value(value) if value == "*"

wildcard_value(value) if {
	is_array(value)
	"*" in value
}

wildcard_value(value) if {
	is_array(value)
	count(value) == 0
}

has_source_condition(statement) if {
	conditions := as_object(object.get(statement, "Condition", {}))
	some operator, block in conditions
	restricting_operator(operator)
	some key, value in as_object(block)
	lower(key) in source_condition_keys
	is_string(value)
	not wildcard_value(value)
}

has_source_condition(statement) if {
	conditions := as_object(object.get(statement, "Condition", {}))
	some operator, block in conditions
	restricting_operator(operator)
	some key, value in as_object(block)
	lower(key) in source_condition_keys
	is_array(value)
	not wildcard_value(value)
}

# METADATA
# title: Service trust policies carry confused-deputy conditions
# description: >-
#   A role that an AWS service principal may assume must restrict which account or resource the
#   service acts for, with aws:SourceAccount or aws:SourceArn (or aws:SourceOrgID/OrgPaths) under a
#   non-negated operator without IfExists and without a wildcard value. EC2 (instance profiles) does not
#   send these keys and is exempt. A secret, unknown or unreadable trust policy cannot be assessed.
# custom:
#   severity: medium
#   controls: [NIST-800-53:AC-3, NIST-800-53:AC-6, ISO-27001:A.5.15, ISO-27001:A.8.2]
#   message: >-
#     Add "Condition": {"StringEquals": {"aws:SourceAccount": "<account>"}} (and ArnLike aws:SourceArn for
#     the calling resource where known) to the statement, as infra/components/access/iam.py service_trust_policy does.
deny_service_trust_confused_deputy contains msg if {
	input.__type == "aws:iam/role:Role"
	not trust_document(input)
	msg := sprintf("IAM role \"%s\": trust policy cannot be assessed (secret, unknown or not valid JSON)", [input.__name])
}

deny_service_trust_confused_deputy contains msg if {
	input.__type == "aws:iam/role:Role"
	doc := trust_document(input)
	some statement in trust_statements(doc)
	allows(statement)
	some service in statement_services(statement)
	not service in confused_deputy_exempt
	not has_source_condition(statement)
	msg := sprintf("IAM role \"%s\": trust of %s has no aws:SourceAccount/aws:SourceArn condition", [input.__name, service])
}

cni_policy_suffix := ":iam::aws:policy/AmazonEKS_CNI_Policy"

pod_identity_in_use if {
	some resource in stack_resources
	resource.__type == "aws:eks/podIdentityAssociation:PodIdentityAssociation"
}

pod_identity_in_use if {
	some resource in stack_resources
	resource.__type == "aws:eks/addon:Addon"
	object.get(resource, "addonName", "") == "eks-pod-identity-agent"
}

# A Pod Identity role: every Allow statement of its trust policy names pods.eks.amazonaws.com only.
pod_identity_role(role) if {
	doc := trust_document(role)
	services := {s | some st in trust_statements(doc); allows(st); some s in statement_services(st)}
	services == {"pods.eks.amazonaws.com"}
}

# Pod Identity roles by every reference an attachment may carry: name, logical name and URN.
pod_identity_roles_by_urn := {role.__urn: role |
	some role in resources_of_type("aws:iam/role:Role")
	pod_identity_role(role)
}

pod_identity_role_names contains name if {
	some role in pod_identity_roles_by_urn
	name := plan_input(role, "name", "")
	iam_literal_name(name)
}

cni_attachment(attachment) if {
	attachment.__type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	policy := object.get(attachment, "policyArn", "")
	is_string(policy)
	endswith(policy, cni_policy_suffix)
}

# The attachment's `role` resolves to a Pod Identity role: through the plan's property dependencies
# (exactly one role, not contradicted by a known literal), or by a literal equal to that role's known
# name. Never by dependsOn or the logical name, which say nothing about which role gets the policy.
on_pod_identity_role(attachment) if {
	urns := iam_property_dependencies(attachment, "role")
	count(urns) == 1
	role := pod_identity_roles_by_urn[urns[0]]
	not iam_known_and_different(object.get(attachment, "role", ""), plan_input(role, "name", ""))
}

on_pod_identity_role(attachment) if object.get(attachment, "role", "") in pod_identity_role_names

# METADATA
# title: The VPC CNI policy is on its own Pod Identity role, not on the node role
# description: >-
#   Where EKS Pod Identity is in use (an eks-pod-identity-agent add-on or a pod identity association),
#   AmazonEKS_CNI_Policy must be attached only to a role that pods.eks.amazonaws.com alone may assume
#   (the vpc-cni add-on's role for kube-system/aws-node); on the node role any pod reaching the instance
#   role could create and attach network interfaces. An attachment whose role cannot be resolved to such
#   a role is reported.
# custom:
#   severity: high
#   controls: [CIS-EKS-5.1.3, NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: >-
#     Remove AmazonEKS_CNI_Policy from the node role and give the vpc-cni add-on a Pod Identity role
#     (podIdentityAssociations [{serviceAccount: aws-node, roleArn: ...}]), as infra/components/cluster/addons.py does.
stack_deny_node_role_cni_policy contains msg if {
	pod_identity_in_use
	some attachment in stack_resources
	cni_attachment(attachment)
	not on_pod_identity_role(attachment)
	msg := sprintf("%s: AmazonEKS_CNI_Policy is attached to a role that is not a Pod Identity role", [attachment.__urn])
}

stack_deny_node_role_cni_policy contains msg if {
	pod_identity_in_use
	some role in resources_of_type("aws:iam/role:Role")
	some policy in as_array(object.get(role, "managedPolicyArns", []))
	is_string(policy)
	endswith(policy, cni_policy_suffix)
	not pod_identity_role(role)
	msg := sprintf("%s: AmazonEKS_CNI_Policy is a managed policy of a role that is not a Pod Identity role", [role.__urn])
}
