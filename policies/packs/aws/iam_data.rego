package aws

import rego.v1

# Values the IAM rules (iam.rego) compare against. Kept apart from the logic so that reviewing what
# counts as "sensitive" or "admin" never means reading rule bodies. Actions are lower case: IAM
# matches action names case-insensitively and the rules lower-case every pattern first.

# Actions that let a principal escalate its own privileges, mint credentials or read any secret.
# A wildcard pattern (`iam:*`, `iam:*Role*`, `sts:*`, `kms:*`, `*:*`, `*`) that covers any of them is
# treated as granting it.
iam_sensitive_actions := {
	"iam:addusertogroup",
	"iam:attachgrouppolicy",
	"iam:attachrolepolicy",
	"iam:attachuserpolicy",
	"iam:createaccesskey",
	"iam:createloginprofile",
	"iam:createpolicyversion",
	"iam:createrole",
	"iam:createuser",
	"iam:deleterolepermissionsboundary",
	"iam:passrole",
	"iam:putgrouppolicy",
	"iam:putrolepermissionsboundary",
	"iam:putrolepolicy",
	"iam:putuserpolicy",
	"iam:setdefaultpolicyversion",
	"iam:updateassumerolepolicy",
	"iam:updateloginprofile",
	"sts:assumerole",
	"sts:assumerolewithsaml",
	"sts:assumerolewithwebidentity",
	"sts:getfederationtoken",
	"kms:creategrant",
	"kms:decrypt",
	"kms:disablekey",
	"kms:putkeypolicy",
	"kms:schedulekeydeletion",
}

# An action pattern that matches every one of these grants "every action" (`*`, `*:*`, `*?`...).
iam_every_action_probes := {"iam:passrole", "s3:getobject", "ec2:runinstances", "kms:decrypt", "zz9:zz9"}

# A resource pattern that matches every one of these is treated like "*" (`arn:*`, `arn:aws:*`,
# `arn:*:*:*:*:*`...). All sit in the aws partition: `arn:aws:*` is the whole of a commercial account.
iam_every_resource_probes := {
	"arn:aws:iam::123456789012:role/any",
	"arn:aws:s3:::any-bucket/any/key",
	"arn:aws:kms:eu-west-1:123456789012:key/any",
	"arn:aws:ec2:eu-west-1:123456789012:instance/i-0",
	"arn:aws:secretsmanager:eu-west-1:123456789012:secret:any",
}

# A sensitive action (even named exactly) on a resource pattern that covers all of its service's
# probes here is granted on every resource of that service (`*`, `arn:aws:iam::*:*` for iam:PassRole).
iam_service_resource_probes := [
	{"service": "iam", "arn": "arn:aws:iam::123456789012:role/any"},
	{"service": "iam", "arn": "arn:aws:iam::123456789012:user/any"},
	{"service": "iam", "arn": "arn:aws:iam::123456789012:policy/any"},
	{"service": "sts", "arn": "arn:aws:iam::123456789012:role/any"},
	{"service": "kms", "arn": "arn:aws:kms:eu-west-1:123456789012:key/any"},
]

# AWS managed policies that amount to administrator rights (by policy name, any path and partition).
iam_admin_managed_policy_names := {
	"AdministratorAccess",
	"AdministratorAccess-Amplify",
	"AWSOrganizationsFullAccess",
	"IAMFullAccess",
	"PowerUserAccess",
}

# Trust-policy conditions that restrict a wildcard principal to known accounts, organisations or
# source resources (compared lower case), and the operators that make them a restriction.
iam_restricting_condition_keys := {
	"aws:principalaccount",
	"aws:principalarn",
	"aws:principalorgid",
	"aws:sourceaccount",
	"aws:sourcearn",
	"aws:sourceorgid",
	"aws:sourceowner",
	"sts:externalid",
}

iam_restricting_condition_operators := {"arnequals", "arnlike", "stringequals", "stringequalsignorecase", "stringlike"}

# EKS access policies that give cluster-wide administration (by the last segment of their ARN).
eks_admin_access_policy_names := {"AmazonEKSAdminPolicy", "AmazonEKSClusterAdminPolicy"}

# Attachment resources that carry one managed policy ARN in `policyArn`.
iam_single_attachment_types := {
	"aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment",
	"aws:iam/userPolicyAttachment:UserPolicyAttachment",
}

# Resources whose `policy` input is a whole identity-policy document.
iam_document_types := {
	"aws:iam/groupPolicy:GroupPolicy",
	"aws:iam/policy:Policy",
	"aws:iam/rolePolicy:RolePolicy",
	"aws:iam/userPolicy:UserPolicy",
}

# Pulumi's unknown sentinel and the secret placeholder (policies/gate/unknowns.py): values no rule can read.
iam_unreadable_values contains value if some value in opaque_values

iam_unreadable_values contains ""
