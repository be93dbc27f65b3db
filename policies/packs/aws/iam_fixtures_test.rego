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

# Issue 7: the IAM families. fx_iam_doc builds any document-carrying resource type.
fx_iam_doc(type_token, name, statements) := {
	"__type": type_token,
	"__urn": concat("", ["urn:pulumi:prod::ai-platform::", type_token, "::", name]),
	"__name": name,
	"__provider": provider_ref,
	"policy": json.marshal({"Version": "2012-10-17", "Statement": statements}),
}

fx_trust(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

fx_service_trust := fx_trust([{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}])

fixtures.stack_deny_iam_wildcard_admin_deny_arn_wildcard_resource_on_user_policy := doc if {
	statement := {"Effect": "Allow", "Action": "*:*", "Resource": "arn:aws:*"}
	doc := {"resources": [fx_iam_doc("aws:iam/userPolicy:UserPolicy", "ops-user", [statement])]}
}

fixtures.stack_deny_iam_wildcard_admin_deny_group_policy := doc if {
	statement := {"Effect": "Allow", "Action": ["*"], "Resource": ["arn:*"]}
	doc := {"resources": [fx_iam_doc("aws:iam/groupPolicy:GroupPolicy", "ops-group", [statement])]}
}

fixtures.stack_deny_iam_wildcard_admin_deny_statement_not_object := doc if {
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "odd", ["[secret]"])]}
}

fixtures.stack_deny_iam_wildcard_admin_deny_secret_inline_policies := doc if {
	doc := {"resources": [fx_role("ops", {"inlinePolicies": "[secret]"})]}
}

fixtures.stack_deny_iam_wildcard_admin_allow_all_actions_on_one_bucket := doc if {
	statement := {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::models", "arn:aws:s3:::models/*"]}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "models-rw", [statement])]}
}

fixtures.stack_deny_iam_not_action_allow_deny_with_not_action := doc if {
	statement := {"Effect": "Deny", "NotAction": ["s3:GetObject"], "Resource": "*"}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "guard", [scoped_statement, statement])]}
}

fixtures.stack_deny_iam_not_action_deny_not_action := doc if {
	statement := {"Effect": "Allow", "NotAction": ["iam:DeleteRole"], "Resource": "arn:aws:s3:::models"}
	doc := {"resources": [fx_role("drift-job", {}), fx_role_policy("drift-not", "drift-job", [statement])]}
}

fixtures.stack_deny_iam_not_action_deny_not_resource := doc if {
	statement := {"Effect": "Allow", "Action": ["s3:GetObject"], "NotResource": "arn:aws:s3:::secret/*"}
	doc := {"resources": [fx_iam_doc("aws:iam/userPolicy:UserPolicy", "reader", [statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_allow_scoped_policy := doc if {
	statement := {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": ["arn:aws:s3:::models", "arn:aws:s3:::models/*"]}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "models-read", [scoped_statement, statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_allow_named_kms_action_on_one_key := doc if {
	statement := {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "arn:aws:kms:eu-west-1:111122223333:key/abc"}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "decrypt-one", [statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_allow_kms_action_narrowed_to_named_alias := doc if {
	statement := {
		"Effect": "Allow",
		"Action": ["kms:Decrypt"],
		"Resource": ["arn:aws:kms:*:*:key/*"],
		"Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/ai-platform-prod-storage"]}},
	}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "decrypt-by-alias", [statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_deny_kms_alias_condition_with_wildcard := doc if {
	statement := {
		"Effect": "Allow",
		"Action": ["kms:Decrypt"],
		"Resource": ["arn:aws:kms:*:*:key/*"],
		"Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/*"]}},
	}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "decrypt-any-alias", [statement])]}
}

# ForAllValues is vacuously true for a key with no alias at all: it narrows nothing.
fixtures.stack_deny_iam_sensitive_wildcard_deny_kms_alias_for_all_values := doc if {
	statement := {
		"Effect": "Allow",
		"Action": ["kms:Decrypt"],
		"Resource": ["arn:aws:kms:*:*:key/*"],
		"Condition": {"ForAllValues:StringEquals": {"kms:ResourceAliases": ["alias/ai-platform-prod-storage"]}},
	}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "decrypt-for-all", [statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_allow_break_glass_role := doc if {
	statement := {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}
	doc := {"resources": [fx_role("break-glass", {"tags": break_glass_tags}), fx_role_policy("bg-iam", "break-glass", [statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_deny_iam_star := doc if {
	statement := {"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::111122223333:role/app"}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "iam-all", [statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_deny_role_glob := doc if {
	statement := {"Effect": "Allow", "Action": ["s3:GetObject", "IAM:*Role*"], "Resource": "arn:aws:s3:::models/*"}
	doc := {"resources": [fx_role("drift-job", {}), fx_role_policy("drift-roles", "drift-job", [statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_deny_service_wide_kms_inline := doc if {
	inline := {"name": "keys", "policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/abc"}]})}
	doc := {"resources": [fx_role("ops", {"inlinePolicies": [inline]})]}
}

fixtures.stack_deny_iam_sensitive_wildcard_deny_passrole_on_every_iam_resource := doc if {
	statement := {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:*"}
	doc := {"resources": [fx_iam_doc("aws:iam/groupPolicy:GroupPolicy", "passers", [statement])]}
}

fixtures.stack_deny_iam_sensitive_wildcard_deny_unreadable_action := doc if {
	statement := {"Effect": "Allow", "Action": [{"secret": true}], "Resource": "arn:aws:s3:::models/*"}
	doc := {"resources": [fx_iam_doc("aws:iam/policy:Policy", "odd-action", [statement])]}
}

fixtures.stack_deny_iam_public_trust_allow_service_principal := {"resources": [fx_role("drift-job", {"assumeRolePolicy": fx_service_trust})]}

fixtures.stack_deny_iam_public_trust_allow_wildcard_with_org_condition := doc if {
	statement := {
		"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
		"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
	}
	doc := {"resources": [fx_role("org-reader", {"assumeRolePolicy": fx_trust([statement])})]}
}

fixtures.stack_deny_iam_public_trust_deny_star_principal := doc if {
	statement := {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
	doc := {"resources": [fx_role("open", {"assumeRolePolicy": fx_trust([statement])})]}
}

fixtures.stack_deny_iam_public_trust_deny_aws_star_with_if_exists_condition := doc if {
	statement := {
		"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]}, "Action": "sts:AssumeRole",
		"Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}},
	}
	doc := {"resources": [fx_role("open", {"assumeRolePolicy": fx_trust([statement])})]}
}

fixtures.stack_deny_iam_public_trust_deny_wildcard_condition_value := doc if {
	statement := {
		"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
		"Condition": {"StringLike": {"aws:SourceAccount": "*"}},
	}
	doc := {"resources": [fx_role("open", {"assumeRolePolicy": fx_trust([statement])})]}
}

fixtures.stack_deny_iam_public_trust_deny_unknown_trust_policy := {"resources": [fx_role("unknown", {"assumeRolePolicy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})]}

fx_attachment(type_token, name, properties) := object.union(
	{
		"__type": type_token,
		"__urn": concat("", ["urn:pulumi:prod::ai-platform::", type_token, "::", name]),
		"__name": name,
		"__provider": provider_ref,
	},
	properties,
)

fixtures.stack_deny_iam_admin_managed_policy_allow_worker_policy := doc if {
	attachment := fx_attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-worker", {"role": "nodes", "policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"})
	doc := {"resources": [fx_role("nodes", {}), attachment]}
}

fixtures.stack_deny_iam_admin_managed_policy_allow_break_glass_role := doc if {
	attachment := fx_attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "bg-admin", {"role": "break-glass", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
	doc := {"resources": [fx_role("break-glass", {"tags": break_glass_tags}), attachment]}
}

fixtures.stack_deny_iam_admin_managed_policy_allow_unknown_arn_of_plan_policy := doc if {
	policy := fx_iam_doc("aws:iam/policy:Policy", "models-read", [scoped_statement])
	attachment := fx_attachment("aws:iam/userPolicyAttachment:UserPolicyAttachment", "reader", {
		"user": "reader",
		"policyArn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
		"__propertyDependencies": {"policyArn": [policy.__urn], "user": []},
	})
	doc := {"resources": [policy, attachment]}
}

fixtures.stack_deny_iam_admin_managed_policy_deny_break_glass_policy_attached_elsewhere := doc if {
	policy := object.union(fx_iam_doc("aws:iam/policy:Policy", "bg-admin", [admin_statement]), {"tags": break_glass_tags})
	attachment := fx_attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-bg", {
		"role": "nodes",
		"policyArn": "arn:aws:iam::111122223333:policy/bg-admin",
		"__propertyDependencies": {"policyArn": [policy.__urn], "role": []},
	})
	doc := {"resources": [fx_role("nodes", {}), policy, attachment]}
}

fixtures.stack_deny_iam_admin_managed_policy_deny_user_attachment := doc if {
	attachment := fx_attachment("aws:iam/userPolicyAttachment:UserPolicyAttachment", "ops", {"user": "ops", "policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"})
	doc := {"resources": [attachment]}
}

fixtures.stack_deny_iam_admin_managed_policy_deny_group_attachment := doc if {
	attachment := fx_attachment("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "ops", {"group": "ops", "policyArn": "arn:aws-us-gov:iam::aws:policy/PowerUserAccess"})
	doc := {"resources": [attachment]}
}

fixtures.stack_deny_iam_admin_managed_policy_deny_policy_attachment_with_user := doc if {
	attachment := fx_attachment("aws:iam/policyAttachment:PolicyAttachment", "mixed", {
		"roles": ["break-glass"], "users": ["intern"],
		"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
	})
	doc := {"resources": [fx_role("break-glass", {"tags": break_glass_tags}), attachment]}
}

fixtures.stack_deny_iam_admin_managed_policy_deny_role_managed_policy_arns := {"resources": [fx_role("ops", {"managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"]})]}

fixtures.stack_deny_iam_admin_managed_policy_deny_role_policy_attachment_other_admin := doc if {
	attachment := fx_attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-power", {"role": "nodes", "policyArn": "arn:aws:iam::aws:policy/PowerUserAccess"})
	doc := {"resources": [fx_role("nodes", {}), attachment]}
}

fixtures.stack_deny_iam_admin_managed_policy_deny_secret_arn := doc if {
	attachment := fx_attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-secret", {"role": "nodes", "policyArn": "[secret]"})
	doc := {"resources": [fx_role("nodes", {}), attachment]}
}

# EKS access policies: the program's shape (association → admin access entry through principalArn).
fx_eks_urn(type_token, name) := concat("", ["urn:pulumi:prod::ai-platform::ai-platform:cluster:Cluster$", type_token, "::", name])

fx_access_entry(name, principal, tags) := {
	"__type": "aws:eks/accessEntry:AccessEntry",
	"__urn": fx_eks_urn("aws:eks/accessEntry:AccessEntry", name),
	"__name": name,
	"clusterName": "ai-platform-prod-eu-west-1",
	"principalArn": principal,
	"type": "STANDARD",
	"tags": tags,
}

fx_access_association(name, entry, policy, scope) := {
	"__type": "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
	"__urn": fx_eks_urn("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", name),
	"__name": name,
	"clusterName": "ai-platform-prod-eu-west-1",
	"principalArn": entry.principalArn,
	"policyArn": concat("", ["arn:aws:eks::aws:cluster-access-policy/", policy]),
	"accessScope": scope,
	"__propertyDependencies": {"principalArn": [entry.__urn], "policyArn": [], "accessScope": []},
}

fx_admin_entry := fx_access_entry("eks-admin-0", "arn:aws:iam::333344445555:role/platform-admins", break_glass_tags)

fx_team_entry := fx_access_entry("eks-team-0", "arn:aws:iam::333344445555:role/ml-engineers", fx_tags)

fixtures.stack_deny_eks_cluster_admin_access_allow_declared_admin := doc if {
	association := fx_access_association("eks-admin-0", fx_admin_entry, "AmazonEKSClusterAdminPolicy", {"type": "cluster"})
	doc := {"resources": [fx_admin_entry, association]}
}

fixtures.stack_deny_eks_cluster_admin_access_allow_namespaced_admin := doc if {
	association := fx_access_association("eks-team-0", fx_team_entry, "AmazonEKSAdminPolicy", {"type": "namespace", "namespaces": ["ml"]})
	doc := {"resources": [fx_team_entry, association]}
}

fixtures.stack_deny_eks_cluster_admin_access_deny_team_principal := doc if {
	association := fx_access_association("eks-team-0", fx_team_entry, "AmazonEKSClusterAdminPolicy", {"type": "cluster"})
	doc := {"resources": [fx_admin_entry, fx_team_entry, association]}
}

fixtures.stack_deny_eks_cluster_admin_access_deny_literal_principal_contradicts_reference := doc if {
	association := object.union(
		fx_access_association("eks-x", fx_admin_entry, "AmazonEKSAdminPolicy", {"type": "cluster"}),
		{"principalArn": "arn:aws:iam::999999999999:role/attacker"},
	)
	doc := {"resources": [fx_admin_entry, association]}
}

fixtures.stack_deny_eks_cluster_admin_access_deny_wildcard_namespace_scope := doc if {
	association := fx_access_association("eks-team-0", fx_team_entry, "AmazonEKSClusterAdminPolicy", {"type": "namespace", "namespaces": ["*"]})
	doc := {"resources": [fx_team_entry, association]}
}

fixtures.stack_deny_eks_cluster_admin_access_deny_unknown_policy_arn := doc if {
	association := object.union(
		fx_access_association("eks-team-0", fx_team_entry, "AmazonEKSViewPolicy", {"type": "cluster"}),
		{"policyArn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
	)
	doc := {"resources": [fx_team_entry, association]}
}
