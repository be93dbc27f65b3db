package aws

import rego.v1

# Values the AMP rules (amp.rego) compare against; lower case, as the IAM rules compare actions.

# The data-plane actions of a workspace: writing series and reading them.
amp_data_actions := {
	"aps:remotewrite",
	"aps:querymetrics",
	"aps:getseries",
	"aps:getlabels",
	"aps:getmetricmetadata",
}

# AWS-managed policies that grant AMP actions on "*" (by policy name).
amp_managed_policy_names := {
	"AmazonPrometheusConsoleFullAccess",
	"AmazonPrometheusFullAccess",
	"AmazonPrometheusQueryAccess",
	"AmazonPrometheusRemoteWriteAccess",
}
