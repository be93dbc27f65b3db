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
#   A metadata hop limit above 1 lets containers reach the node's IMDS and its IAM credentials
#   (pods get AWS credentials from EKS Pod Identity instead). Anything but 1 (or "1") is denied,
#   an unset or unreadable limit included.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: Set metadataOptions.httpPutResponseHopLimit to 1.
deny_launch_template_imds_hop_limit contains msg if {
	launch_template
	not metadata_options.httpEndpoint == "disabled"
	not imds_hop_limit_one(input)
	msg := sprintf("launch template \"%s\": metadata hop limit is %s, not 1", [input.__name, hop_limit_text])
}

# Numbers only through %d: regopy's %v quotes strings without escaping them (OPA prints them bare).
hop_limit_text := sprintf("%d", [metadata_options.httpPutResponseHopLimit]) if is_number(metadata_options.httpPutResponseHopLimit)

hop_limit_text := "unset or not a number" if not is_number(metadata_options.httpPutResponseHopLimit)

# IMDS settings shared by launch templates, EC2 instances and launch configurations (same field names).
imds_options(resource) := as_object(object.get(resource, "metadataOptions", {}))

imds_disabled(resource) if imds_options(resource).httpEndpoint == "disabled"

imds_hop_limit_one(resource) if imds_options(resource).httpPutResponseHopLimit == 1

imds_hop_limit_one(resource) if imds_options(resource).httpPutResponseHopLimit == "1"

# IMDSv2 required and unreachable from pods, or no metadata endpoint at all.
imds_compliant(resource) if imds_disabled(resource)

imds_compliant(resource) if {
	imds_options(resource).httpTokens == "required"
	imds_hop_limit_one(resource)
}

imds_instance_types := {"aws:ec2/instance:Instance", "aws:ec2/launchConfiguration:LaunchConfiguration"}

# METADATA
# title: EC2 instances and launch configurations require IMDSv2 with hop limit 1
# description: >-
#   Instances and launch configurations launch with IMDSv1 allowed unless metadataOptions says
#   otherwise; a hop limit other than 1 lets containers reach the instance's credentials. Both must
#   require tokens with hop limit 1, or disable the endpoint; unset or unreadable options are denied.
# custom:
#   severity: high
#   controls: [CIS-EKS-3.1.1, NIST-800-53:AC-3, NIST-800-53:AC-6, ISO-27001:A.8.9]
#   message: >-
#     Set metadataOptions { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }.
deny_ec2_imds contains msg if {
	input.__type in imds_instance_types
	not imds_compliant(input)
	msg := sprintf("%s \"%s\": metadata service does not require IMDSv2 with hop limit 1", [input.__type, input.__name])
}

# Templates of this plan (launch templates and configurations), by URN, and which of them are not compliant.
imds_template_types := {"aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/launchConfiguration:LaunchConfiguration"}

imds_templates := {template.__urn: template |
	some template in stack_resources
	template.__type in imds_template_types
}

imds_noncompliant_templates contains urn if {
	some urn, template in imds_templates
	not imds_compliant(template)
}

# The templates a property resolves to through the plan's references (`__propertyDependencies`).
imds_template_refs(resource, properties) := {urn |
	some property in properties
	some urn in iam_property_dependencies(resource, property)
	imds_templates[urn]
}

# The distinct template references a resource spells out (id, name or launch configuration name).
# More spellings than resolved templates means one of them points outside the plan.
# An auto scaling group's own launchTemplate spells id/name; a mixed-instances specification spells
# launchTemplateId/launchTemplateName. The first one present is the reference AWS uses.
imds_spec_keys := ["id", "launchTemplateId", "name", "launchTemplateName"]

imds_spec_reference(spec) := values[0] if {
	values := [value | some key in imds_spec_keys; value := object.get(spec, key, null); value != null]
	count(values) > 0
}

imds_spec_reference(spec) := null if {
	count([key | some key in imds_spec_keys; object.get(spec, key, null) != null]) == 0
}

asg_template_specs(group) := array.concat(
	[as_object(object.get(group, "launchTemplate", {}))],
	array.concat(
		[as_object(object.get(asg_mixed_template(group), "launchTemplateSpecification", {}))],
		[as_object(object.get(as_object(override), "launchTemplateSpecification", {})) |
			some override in as_array(object.get(asg_mixed_template(group), "overrides", []))
		],
	),
)

asg_mixed_template(group) := as_object(object.get(as_object(object.get(group, "mixedInstancesPolicy", {})), "launchTemplate", {}))

asg_spec_references(group) := {reference |
	some spec in asg_template_specs(group)
	spec != {}
	reference := imds_spec_reference(spec)
} | {reference | reference := object.get(group, "launchConfiguration", null); reference != null}

asg_properties := ["launchTemplate", "mixedInstancesPolicy", "launchConfiguration"]

node_group_properties := ["launchTemplate"]

# METADATA
# title: Node groups and auto scaling groups launch only from templates that require IMDSv2 with hop limit 1
# description: >-
#   An EKS managed node group without a launch template gets the EKS default (IMDSv1 allowed, hop
#   limit 2). A node group or auto scaling group (launch template, launch configuration, or the
#   mixed-instances policy's template and its overrides) must reference templates of this plan, through
#   the plan's references, that require IMDSv2 with hop limit 1; a template that cannot be resolved
#   cannot be assessed and is denied.
# custom:
#   severity: high
#   controls: [CIS-EKS-3.1.1, NIST-800-53:AC-3, NIST-800-53:AC-6, ISO-27001:A.8.9]
#   message: >-
#     Give the node group a launch template (from this stack) with metadataOptions { httpTokens:
#     "required", httpPutResponseHopLimit: 1 } and reference it by the template's id output.
stack_deny_node_imds contains msg if {
	some group in resources_of_type("aws:eks/nodeGroup:NodeGroup")
	not is_object(object.get(group, "launchTemplate", null))
	msg := sprintf("%s: node group has no launch template, so EKS defaults apply (IMDSv1 allowed, hop limit 2)", [group.__urn])
}

stack_deny_node_imds contains msg if {
	some group in resources_of_type("aws:eks/nodeGroup:NodeGroup")
	is_object(object.get(group, "launchTemplate", null))
	not node_group_template_resolved(group)
	msg := sprintf("%s: node group launch template cannot be resolved to a launch template of this plan", [group.__urn])
}

stack_deny_node_imds contains msg if {
	some group in stack_resources
	group.__type in {"aws:eks/nodeGroup:NodeGroup", "aws:autoscaling/group:Group"}
	some urn in imds_template_refs(group, asg_properties)
	urn in imds_noncompliant_templates
	msg := sprintf("%s: launches from %s, which does not require IMDSv2 with hop limit 1", [group.__urn, urn])
}

stack_deny_node_imds contains msg if {
	some group in resources_of_type("aws:autoscaling/group:Group")
	count(asg_spec_references(group)) > count(imds_template_refs(group, asg_properties))
	msg := sprintf("%s: auto scaling group references a launch template or configuration that cannot be resolved to one of this plan", [group.__urn])
}

# Resolved: it references launch templates of this plan, and a known template name agrees with theirs.
node_group_template_resolved(group) if {
	refs := imds_template_refs(group, node_group_properties)
	count(refs) > 0
	spec := as_object(object.get(group, "launchTemplate", {}))
	count([urn | some urn in refs; iam_known_and_different(object.get(spec, "name", ""), plan_input(imds_templates[urn], "name", ""))]) == 0
}

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
