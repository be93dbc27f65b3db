package aws

import rego.v1

# METADATA
# title: EKS add-ons are pinned to a version
# description: >-
#   Every EKS add-on must set addonVersion. Without it EKS installs whatever is the default on the day
#   the add-on is created and never changes it, so regions and stacks drift apart and an upgrade is
#   neither reviewed nor tested. A secret or unknown version cannot be assessed.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CM-2, NIST-800-53:CM-3, ISO-27001:A.8.9, ISO-27001:A.8.32]
#   message: >-
#     Set addonVersion from config (ai-platform:addons.versions, defaults in
#     infra/config/data/addon_versions.yaml) and resolveConflictsOnUpdate, as in infra/components/cluster/addons.py.
#   config_keys: [kubernetesVersion, addons.versions.*]
deny_eks_addon_version_pinned contains msg if {
	input.__type == "aws:eks/addon:Addon"
	version := object.get(input, "addonVersion", "")
	not version in opaque_values
	not addon_version_text(version)
	msg := sprintf("EKS add-on \"%s\" is not pinned to a version (addonVersion)", [input.__name])
}

deny_eks_addon_version_pinned contains msg if {
	input.__type == "aws:eks/addon:Addon"
	object.get(input, "addonVersion", "") in opaque_values
	msg := sprintf("EKS add-on \"%s\": addonVersion cannot be assessed (secret or unknown value)", [input.__name])
}

addon_version_text(version) if {
	is_string(version)
	trim_space(version) != ""
}
