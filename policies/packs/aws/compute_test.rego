package aws

import rego.v1

test_deny_launch_template_imdsv2_allow_required_tokens if {
	doc := fixtures.deny_launch_template_imdsv2_allow_required_tokens
	count(deny_launch_template_imdsv2) == 0 with input as doc
}

test_deny_launch_template_imdsv2_allow_metadata_disabled if {
	doc := fixtures.deny_launch_template_imdsv2_allow_metadata_disabled
	count(deny_launch_template_imdsv2) == 0 with input as doc
}

test_deny_launch_template_imdsv2_deny_optional_tokens if {
	doc := fixtures.deny_launch_template_imdsv2_deny_optional_tokens
	count(deny_launch_template_imdsv2) == 1 with input as doc
}

test_deny_launch_template_imdsv2_deny_no_metadata_options if {
	doc := fixtures.deny_launch_template_imdsv2_deny_no_metadata_options
	count(deny_launch_template_imdsv2) == 1 with input as doc
}

test_deny_launch_template_imds_hop_limit_allow_one_hop if {
	doc := fixtures.deny_launch_template_imds_hop_limit_allow_one_hop
	count(deny_launch_template_imds_hop_limit) == 0 with input as doc
}

test_deny_launch_template_imds_hop_limit_deny_two_hops if {
	doc := fixtures.deny_launch_template_imds_hop_limit_deny_two_hops
	deny_launch_template_imds_hop_limit == {`launch template "gpu": metadata hop limit is 2, not 1`} with input as doc
}

test_deny_launch_template_unencrypted_volume_allow_encrypted_string if {
	doc := fixtures.deny_launch_template_unencrypted_volume_allow_encrypted_string
	count(deny_launch_template_unencrypted_volume) == 0 with input as doc
}

test_deny_launch_template_unencrypted_volume_allow_encrypted_bool if {
	doc := fixtures.deny_launch_template_unencrypted_volume_allow_encrypted_bool
	count(deny_launch_template_unencrypted_volume) == 0 with input as doc
}

test_deny_launch_template_unencrypted_volume_deny_unencrypted if {
	doc := fixtures.deny_launch_template_unencrypted_volume_deny_unencrypted
	deny_launch_template_unencrypted_volume == {`launch template "gpu": EBS volume /dev/xvda is not encrypted`} with input as doc
}

test_deny_launch_template_unencrypted_volume_deny_encryption_unset if {
	doc := fixtures.deny_launch_template_unencrypted_volume_deny_encryption_unset
	count(deny_launch_template_unencrypted_volume) == 1 with input as doc
}

test_deny_launch_template_unencrypted_volume_deny_plain_ebs_volume if {
	doc := fixtures.deny_launch_template_unencrypted_volume_deny_plain_ebs_volume
	count(deny_launch_template_unencrypted_volume) == 1 with input as doc
}

test_deny_kms_key_rotation_allow_rotating_key if {
	doc := fixtures.deny_kms_key_rotation_allow_rotating_key
	count(deny_kms_key_rotation) == 0 with input as doc
}

test_deny_kms_key_rotation_allow_asymmetric_key if {
	doc := fixtures.deny_kms_key_rotation_allow_asymmetric_key
	count(deny_kms_key_rotation) == 0 with input as doc
}

test_deny_kms_key_rotation_deny_disabled if {
	doc := fixtures.deny_kms_key_rotation_deny_disabled
	deny_kms_key_rotation == {`KMS key "eks-secrets": automatic rotation is not enabled`} with input as doc
}

test_deny_kms_key_rotation_deny_unset if {
	doc := fixtures.deny_kms_key_rotation_deny_unset
	count(deny_kms_key_rotation) == 1 with input as doc
}

test_deny_launch_template_imds_hop_limit_allow_one_as_string if {
	doc := fixtures.deny_launch_template_imds_hop_limit_allow_one_as_string
	count(deny_launch_template_imds_hop_limit) == 0 with input as doc
}

test_deny_launch_template_imds_hop_limit_deny_unknown_hop_limit if {
	doc := fixtures.deny_launch_template_imds_hop_limit_deny_unknown_hop_limit
	count(deny_launch_template_imds_hop_limit) == 1 with input as doc
}

test_deny_ec2_imds_allow_instance_requiring_tokens if {
	doc := fixtures.deny_ec2_imds_allow_instance_requiring_tokens
	count(deny_ec2_imds) == 0 with input as doc
}

test_deny_ec2_imds_allow_launch_configuration_endpoint_disabled if {
	doc := fixtures.deny_ec2_imds_allow_launch_configuration_endpoint_disabled
	count(deny_ec2_imds) == 0 with input as doc
}

test_deny_ec2_imds_deny_instance_without_options if {
	doc := fixtures.deny_ec2_imds_deny_instance_without_options
	count(deny_ec2_imds) == 1 with input as doc
}

test_deny_ec2_imds_deny_instance_secret_options if {
	doc := fixtures.deny_ec2_imds_deny_instance_secret_options
	count(deny_ec2_imds) == 1 with input as doc
}

test_deny_ec2_imds_deny_launch_configuration_two_hops if {
	doc := fixtures.deny_ec2_imds_deny_launch_configuration_two_hops
	count(deny_ec2_imds) == 1 with input as doc
}

test_stack_deny_node_imds_allow_node_group_with_referenced_template if {
	doc := fixtures.stack_deny_node_imds_allow_node_group_with_referenced_template
	count(stack_deny_node_imds) == 0 with input as doc
}

test_stack_deny_node_imds_allow_asg_mixed_overrides_of_plan_templates if {
	doc := fixtures.stack_deny_node_imds_allow_asg_mixed_overrides_of_plan_templates
	count(stack_deny_node_imds) == 0 with input as doc
}

test_stack_deny_node_imds_deny_node_group_without_launch_template if {
	doc := fixtures.stack_deny_node_imds_deny_node_group_without_launch_template
	count(stack_deny_node_imds) == 1 with input as doc
}

test_stack_deny_node_imds_deny_node_group_literal_template_id if {
	doc := fixtures.stack_deny_node_imds_deny_node_group_literal_template_id
	count(stack_deny_node_imds) == 1 with input as doc
}

test_stack_deny_node_imds_deny_node_group_imdsv1_template if {
	doc := fixtures.stack_deny_node_imds_deny_node_group_imdsv1_template
	count(stack_deny_node_imds) == 1 with input as doc
}

test_stack_deny_node_imds_deny_node_group_name_contradicts_reference if {
	doc := fixtures.stack_deny_node_imds_deny_node_group_name_contradicts_reference
	count(stack_deny_node_imds) == 1 with input as doc
}

test_stack_deny_node_imds_deny_asg_override_outside_plan if {
	doc := fixtures.stack_deny_node_imds_deny_asg_override_outside_plan
	count(stack_deny_node_imds) == 1 with input as doc
}

test_stack_deny_node_imds_deny_asg_override_imdsv1_template if {
	doc := fixtures.stack_deny_node_imds_deny_asg_override_imdsv1_template
	count(stack_deny_node_imds) == 1 with input as doc
}
