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

fixtures.warn_launch_template_imds_hop_limit_allow_one_hop := good_launch_template

fixtures.warn_launch_template_imds_hop_limit_deny_two_hops := doc if {
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
