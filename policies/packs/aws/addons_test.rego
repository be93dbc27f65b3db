package aws

import rego.v1

test_deny_eks_addon_version_pinned_allow_pinned if {
	doc := fixtures.deny_eks_addon_version_pinned_allow_pinned
	count(deny_eks_addon_version_pinned) == 0 with input as doc
}

test_deny_eks_addon_version_pinned_allow_other_type if {
	doc := fixtures.deny_eks_addon_version_pinned_allow_other_type
	count(deny_eks_addon_version_pinned) == 0 with input as doc
}

test_deny_eks_addon_version_pinned_deny_missing if {
	doc := fixtures.deny_eks_addon_version_pinned_deny_missing
	messages := deny_eks_addon_version_pinned with input as doc
	some message in messages
	contains(message, "is not pinned")
}

test_deny_eks_addon_version_pinned_deny_blank if {
	doc := fixtures.deny_eks_addon_version_pinned_deny_blank
	messages := deny_eks_addon_version_pinned with input as doc
	some message in messages
	contains(message, "is not pinned")
}

test_deny_eks_addon_version_pinned_deny_unknown if {
	doc := fixtures.deny_eks_addon_version_pinned_deny_unknown
	messages := deny_eks_addon_version_pinned with input as doc
	some message in messages
	contains(message, "cannot be assessed")
}

test_deny_eks_addon_version_pinned_deny_not_a_string if {
	doc := fixtures.deny_eks_addon_version_pinned_deny_not_a_string
	messages := deny_eks_addon_version_pinned with input as doc
	some message in messages
	contains(message, "is not pinned")
}
