package aws

import rego.v1

launch_template if input.__type == "aws:ec2/launchTemplate:LaunchTemplate"

metadata_options := as_object(object.get(input, "metadataOptions", {}))

# METADATA
# title: Launch templates require IMDSv2
# description: >-
#   Node launch templates must require session tokens for the instance metadata service (IMDSv2),
#   which blocks SSRF-style credential theft; a disabled metadata endpoint is also accepted.
# custom:
#   severity: high
#   controls: [CIS-EKS-3.1.1, NIST-800-53:AC-3, NIST-800-53:SC-7, ISO-27001:A.8.9]
#   message: >-
#     Set metadataOptions { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }.
deny_launch_template_imdsv2 contains msg if {
	launch_template
	not metadata_options.httpEndpoint == "disabled"
	not metadata_options.httpTokens == "required"
	msg := sprintf("launch template \"%s\": IMDSv2 is not required (metadataOptions.httpTokens is not \"required\")", [input.__name])
}

# METADATA
# title: Launch templates keep pods away from the instance metadata service
# description: >-
#   A metadata hop limit above 1 lets containers reach the node's IMDS and its IAM credentials;
#   pods get AWS credentials from EKS Pod Identity instead.
# custom:
#   severity: medium
#   controls: [NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: Set metadataOptions.httpPutResponseHopLimit to 1.
warn_launch_template_imds_hop_limit contains msg if {
	launch_template
	not metadata_options.httpEndpoint == "disabled"
	not metadata_options.httpPutResponseHopLimit == 1
	msg := sprintf("launch template \"%s\": metadata hop limit is %s, not 1", [input.__name, hop_limit_text])
}

# Numbers only through %d: regopy's %v quotes strings without escaping them (OPA prints them bare).
hop_limit_text := sprintf("%d", [metadata_options.httpPutResponseHopLimit]) if is_number(metadata_options.httpPutResponseHopLimit)

hop_limit_text := "unset" if not is_number(metadata_options.httpPutResponseHopLimit)

# METADATA
# title: Launch template volumes are encrypted
# description: Every EBS volume a launch template defines must be encrypted at rest.
# custom:
#   severity: high
#   controls: [NIST-800-53:SC-28, ISO-27001:A.8.24]
#   message: Set blockDeviceMappings[].ebs.encrypted to "true" (ideally with kmsKeyId of a rotated customer-managed key).
deny_launch_template_unencrypted_volume contains msg if {
	launch_template
	some mapping in as_array(object.get(input, "blockDeviceMappings", []))
	ebs := as_object(object.get(mapping, "ebs", {}))
	not is_true(object.get(ebs, "encrypted", false))
	msg := sprintf("launch template \"%s\": EBS volume %s is not encrypted", [input.__name, object.get(mapping, "deviceName", "(unnamed)")])
}

# A stand-alone EBS volume is held to the same rule.
deny_launch_template_unencrypted_volume contains msg if {
	input.__type == "aws:ebs/volume:Volume"
	not is_true(object.get(input, "encrypted", false))
	msg := sprintf("EBS volume \"%s\" is not encrypted", [input.__name])
}
