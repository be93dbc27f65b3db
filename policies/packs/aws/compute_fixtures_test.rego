package aws

import rego.v1

fixtures.deny_launch_template_imdsv2_allow_required_tokens := good_launch_template

fixtures.deny_launch_template_imdsv2_allow_metadata_disabled := doc if {
	template := fx_set(good_launch_template, "metadataOptions", {"httpEndpoint": "disabled"})
	doc := template
}

fixtures.deny_launch_template_imdsv2_deny_optional_tokens := doc if {
	template := fx_set(good_launch_template, "metadataOptions", {"httpEndpoint": "enabled", "httpTokens": "optional"})
	doc := template
}

fixtures.deny_launch_template_imdsv2_deny_no_metadata_options := doc if {
	template := object.remove(good_launch_template, ["metadataOptions"])
	doc := template
}

fixtures.deny_launch_template_imds_hop_limit_allow_one_hop := good_launch_template

fixtures.deny_launch_template_imds_hop_limit_deny_two_hops := doc if {
	template := fx_set(good_launch_template, "metadataOptions", {"httpTokens": "required", "httpPutResponseHopLimit": 2})
	doc := template
}

fixtures.deny_launch_template_unencrypted_volume_allow_encrypted_string := good_launch_template

fixtures.deny_launch_template_unencrypted_volume_allow_encrypted_bool := doc if {
	template := object.union(good_launch_template, {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": true}}]})
	doc := template
}

fixtures.deny_launch_template_unencrypted_volume_deny_unencrypted := doc if {
	template := object.union(good_launch_template, {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "false"}}]})
	doc := template
}

fixtures.deny_launch_template_unencrypted_volume_deny_encryption_unset := doc if {
	template := object.union(good_launch_template, {"blockDeviceMappings": [{"deviceName": "/dev/xvdb", "ebs": {"volumeSize": 500}}]})
	doc := template
}

fixtures.deny_launch_template_unencrypted_volume_deny_plain_ebs_volume := doc if {
	volume := {"__type": "aws:ebs/volume:Volume", "__name": "scratch", "__urn": "urn:x", "size": 10}
	doc := volume
}

good_key := {"__type": "aws:kms/key:Key", "__name": "eks-secrets", "__urn": "urn:k", "enableKeyRotation": true}

fixtures.deny_kms_key_rotation_allow_rotating_key := good_key

fixtures.deny_kms_key_rotation_allow_asymmetric_key := doc if {
	key := object.union(good_key, {"enableKeyRotation": false, "keySpec": "RSA_2048"})
	doc := key
}

fixtures.deny_kms_key_rotation_deny_disabled := doc if {
	key := object.union(good_key, {"enableKeyRotation": false})
	doc := key
}

fixtures.deny_kms_key_rotation_deny_unset := doc if {
	key := object.remove(good_key, ["enableKeyRotation"])
	doc := key
}

fixtures.deny_launch_template_imds_hop_limit_allow_one_as_string := doc if {
	template := fx_set(good_launch_template, "metadataOptions", {"httpTokens": "required", "httpPutResponseHopLimit": "1"})
	doc := template
}

fixtures.deny_launch_template_imds_hop_limit_deny_unknown_hop_limit := doc if {
	template := fx_set(good_launch_template, "metadataOptions", {"httpTokens": "required", "httpPutResponseHopLimit": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	doc := template
}

# Issue 7: IMDS on instances, launch configurations, node groups and auto scaling groups.
fx_good_imds := {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}

fx_instance := {
	"__type": "aws:ec2/instance:Instance",
	"__urn": "urn:pulumi:prod::ai-platform::aws:ec2/instance:Instance::bastion",
	"__name": "bastion",
	"instanceType": "t3.micro",
	"metadataOptions": fx_good_imds,
}

fx_launch_configuration := {
	"__type": "aws:ec2/launchConfiguration:LaunchConfiguration",
	"__urn": "urn:pulumi:prod::ai-platform::aws:ec2/launchConfiguration:LaunchConfiguration::legacy",
	"__name": "legacy",
	"imageId": "ami-1",
	"instanceType": "m7i.large",
	"metadataOptions": fx_good_imds,
}

fixtures.deny_ec2_imds_allow_instance_requiring_tokens := fx_instance

fixtures.deny_ec2_imds_allow_launch_configuration_endpoint_disabled := fx_set(fx_launch_configuration, "metadataOptions", {"httpEndpoint": "disabled"})

fixtures.deny_ec2_imds_deny_instance_without_options := object.remove(fx_instance, ["metadataOptions"])

fixtures.deny_ec2_imds_deny_instance_secret_options := fx_set(fx_instance, "metadataOptions", "[secret]")

fixtures.deny_ec2_imds_deny_launch_configuration_two_hops := fx_set(fx_launch_configuration, "metadataOptions", object.union(fx_good_imds, {"httpPutResponseHopLimit": 2}))

fx_template(name, options) := {
	"__type": "aws:ec2/launchTemplate:LaunchTemplate",
	"__urn": concat("", ["urn:pulumi:prod::ai-platform::aws:ec2/launchTemplate:LaunchTemplate::", name]),
	"__name": name,
	"metadataOptions": options,
}

fx_node_group(name, launch_template, deps) := {
	"__type": "aws:eks/nodeGroup:NodeGroup",
	"__urn": concat("", ["urn:pulumi:prod::ai-platform::aws:eks/nodeGroup:NodeGroup::", name]),
	"__name": name,
	"launchTemplate": launch_template,
	"__propertyDependencies": {"launchTemplate": deps},
}

fx_asg(name, properties, deps) := object.union(
	{
		"__type": "aws:autoscaling/group:Group",
		"__urn": concat("", ["urn:pulumi:prod::ai-platform::aws:autoscaling/group:Group::", name]),
		"__name": name,
		"__propertyDependencies": deps,
	},
	properties,
)

fx_good_template := fx_template("cpu", fx_good_imds)

fx_v1_template := fx_template("legacy", {"httpEndpoint": "enabled", "httpTokens": "optional", "httpPutResponseHopLimit": 2})

fixtures.stack_deny_node_imds_allow_node_group_with_referenced_template := doc if {
	group := fx_node_group("cpu", {"id": "lt-0abc", "version": "1"}, [fx_good_template.__urn])
	doc := {"resources": [fx_good_template, group]}
}

fixtures.stack_deny_node_imds_allow_asg_mixed_overrides_of_plan_templates := doc if {
	second := fx_template("cpu-2", fx_good_imds)
	policy := {"launchTemplate": {
		"launchTemplateSpecification": {"launchTemplateId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
		"overrides": [{"instanceType": "m7i.large", "launchTemplateSpecification": {"launchTemplateName": "cpu-2"}}],
	}}
	group := fx_asg("workers", {"mixedInstancesPolicy": policy}, {"mixedInstancesPolicy": [fx_good_template.__urn, second.__urn]})
	doc := {"resources": [fx_good_template, second, group]}
}

fixtures.stack_deny_node_imds_deny_node_group_without_launch_template := doc if {
	group := object.remove(fx_node_group("cpu", {}, []), ["launchTemplate"])
	doc := {"resources": [fx_good_template, group]}
}

fixtures.stack_deny_node_imds_deny_node_group_literal_template_id := doc if {
	group := fx_node_group("cpu", {"id": "lt-0outside", "version": "1"}, [])
	doc := {"resources": [fx_good_template, group]}
}

fixtures.stack_deny_node_imds_deny_node_group_imdsv1_template := doc if {
	group := fx_node_group("cpu", {"id": "lt-0abc", "version": "1"}, [fx_v1_template.__urn])
	doc := {"resources": [fx_v1_template, group]}
}

fixtures.stack_deny_node_imds_deny_node_group_name_contradicts_reference := doc if {
	template := object.union(fx_good_template, {"name": "cpu-nodes"})
	group := fx_node_group("cpu", {"name": "someone-elses-template", "version": "1"}, [template.__urn])
	doc := {"resources": [template, group]}
}

fixtures.stack_deny_node_imds_deny_asg_override_outside_plan := doc if {
	policy := {"launchTemplate": {
		"launchTemplateSpecification": {"launchTemplateId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
		"overrides": [{"instanceType": "m7i.large", "launchTemplateSpecification": {"launchTemplateId": "lt-0outside"}}],
	}}
	group := fx_asg("workers", {"mixedInstancesPolicy": policy}, {"mixedInstancesPolicy": [fx_good_template.__urn]})
	doc := {"resources": [fx_good_template, group]}
}

fixtures.stack_deny_node_imds_deny_asg_override_imdsv1_template := doc if {
	policy := {"launchTemplate": {
		"launchTemplateSpecification": {"launchTemplateId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
		"overrides": [{"instanceType": "m7i.large", "launchTemplateSpecification": {"launchTemplateId": "lt-0legacy"}}],
	}}
	group := fx_asg("workers", {"mixedInstancesPolicy": policy}, {"mixedInstancesPolicy": [fx_good_template.__urn, fx_v1_template.__urn]})
	doc := {"resources": [fx_good_template, fx_v1_template, group]}
}
