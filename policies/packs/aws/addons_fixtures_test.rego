package aws

import rego.v1

fx_addon(extra) := object.union(
	{
		"__type": "aws:eks/addon:Addon",
		"__urn": "urn:pulumi:prod::ai-platform::aws:eks/addon:Addon::coredns",
		"__name": "coredns",
		"clusterName": "primary",
		"addonName": "coredns",
		"addonVersion": "v1.13.1-eksbuild.1",
		"resolveConflictsOnUpdate": "OVERWRITE",
	},
	extra,
)

fixtures.deny_eks_addon_version_pinned_allow_pinned := fx_addon({})

fixtures.deny_eks_addon_version_pinned_allow_other_type := fx_bucket("models", {})

fixtures.deny_eks_addon_version_pinned_deny_missing := object.remove(fx_addon({}), ["addonVersion"])

fixtures.deny_eks_addon_version_pinned_deny_blank := fx_addon({"addonVersion": " "})

fixtures.deny_eks_addon_version_pinned_deny_unknown := fx_addon({"addonVersion": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})

fixtures.deny_eks_addon_version_pinned_deny_not_a_string := fx_addon({"addonVersion": 1})
