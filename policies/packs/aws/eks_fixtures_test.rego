package aws

import rego.v1

fixtures.deny_eks_endpoint_access_allow_private_only := good_cluster

fixtures.deny_eks_endpoint_access_allow_public_with_allow_list := doc if {
	cluster := fx_set(good_cluster, "vpcConfig", {"endpointPrivateAccess": true, "endpointPublicAccess": true, "publicAccessCidrs": ["203.0.113.0/24"]})
	doc := cluster
}

fixtures.deny_eks_endpoint_access_deny_public_open_to_world := doc if {
	cluster := fx_set(good_cluster, "vpcConfig", {"endpointPrivateAccess": true, "endpointPublicAccess": true, "publicAccessCidrs": ["0.0.0.0/0"]})
	doc := cluster
}

# No endpointPublicAccess and no CIDRs: AWS opens the endpoint to the world.
fixtures.deny_eks_endpoint_access_deny_public_by_default := doc if {
	# object.union merges nested objects, so the vpcConfig is replaced explicitly.
	cluster := object.union(object.remove(good_cluster, ["vpcConfig"]), {"vpcConfig": {"endpointPrivateAccess": true}})
	doc := cluster
}

fixtures.deny_eks_endpoint_access_deny_without_private_endpoint := doc if {
	cluster := fx_set(good_cluster, "vpcConfig", {"endpointPrivateAccess": false, "endpointPublicAccess": false})
	doc := cluster
}

fixtures.deny_eks_secrets_encryption_allow_kms := good_cluster

fixtures.deny_eks_secrets_encryption_allow_list_form := doc if {
	cluster := object.union(good_cluster, {"encryptionConfig": [good_cluster.encryptionConfig]})
	doc := cluster
}

fixtures.deny_eks_secrets_encryption_deny_missing := doc if {
	cluster := object.remove(good_cluster, ["encryptionConfig"])
	doc := cluster
}

fixtures.deny_eks_secrets_encryption_deny_unknown_key := doc if {
	cluster := object.union(good_cluster, {"encryptionConfig": {"provider": {"keyArn": ""}, "resources": ["secrets"]}})
	doc := cluster
}

fixtures.deny_eks_control_plane_logging_allow_all_types := good_cluster

fixtures.deny_eks_control_plane_logging_deny_missing_audit := doc if {
	cluster := object.union(good_cluster, {"enabledClusterLogTypes": ["api", "authenticator", "controllerManager", "scheduler"]})
	doc := cluster
}

fixtures.deny_eks_control_plane_logging_deny_none := doc if {
	cluster := object.remove(good_cluster, ["enabledClusterLogTypes"])
	doc := cluster
}

fixtures.deny_gpu_node_group_taint_allow_tainted := good_gpu_node_group

fixtures.deny_gpu_node_group_taint_allow_cpu_pool_without_taint := doc if {
	cpu := object.union(object.remove(good_gpu_node_group, ["taints", "labels"]), {"amiType": "AL2023_x86_64_STANDARD", "instanceTypes": ["m7i.4xlarge"]})
	doc := cpu
}

fixtures.deny_gpu_node_group_taint_deny_untainted := doc if {
	gpu := object.remove(good_gpu_node_group, ["taints"])
	doc := gpu
}

# Detected by instance family even with a standard AMI and no labels.
fixtures.deny_gpu_node_group_taint_deny_gpu_instance_type_only := doc if {
	gpu := object.union(object.remove(good_gpu_node_group, ["taints", "labels"]), {"amiType": "CUSTOM", "instanceTypes": ["p5.48xlarge"]})
	doc := gpu
}

fixtures.deny_gpu_node_group_taint_deny_wrong_effect := doc if {
	gpu := object.union(good_gpu_node_group, {"taints": [{"key": "nvidia.com/gpu", "value": "true", "effect": "PREFER_NO_SCHEDULE"}]})
	doc := gpu
}

# The NVIDIA AMI and the taint, but not the label the device plugin selects.
fixtures.deny_gpu_node_group_taint_deny_unlabelled := doc if {
	gpu := object.remove(good_gpu_node_group, ["labels"])
	doc := gpu
}

# Found by the accelerator's label alone (a standard AMI, no GPU family): still needs the taint.
fixtures.deny_gpu_node_group_taint_deny_label_only := doc if {
	gpu := object.union(object.remove(good_gpu_node_group, ["taints"]), {"amiType": "AL2023_x86_64_STANDARD", "instanceTypes": ["m7i.4xlarge"]})
	doc := gpu
}

# A secret taint list cannot show the taint.
fixtures.deny_gpu_node_group_taint_deny_secret_taints := fx_set(good_gpu_node_group, "taints", "[secret]")

fx_public_endpoint(cidrs) := fx_set(good_cluster, "vpcConfig", {"endpointPrivateAccess": true, "endpointPublicAccess": true, "publicAccessCidrs": cidrs})

fixtures.deny_eks_endpoint_access_allow_small_public_ranges := fx_public_endpoint(["52.94.76.0/22", "2600:1f00::/40"])

fixtures.deny_eks_endpoint_access_allow_public_disabled := fx_set(good_cluster, "vpcConfig", {"endpointPrivateAccess": true, "endpointPublicAccess": false, "publicAccessCidrs": ["0.0.0.0/0"]})

fixtures.deny_eks_endpoint_access_deny_world_as_halves := fx_public_endpoint(["0.0.0.0/1", "128.0.0.0/1"])

fixtures.deny_eks_endpoint_access_deny_world_as_256_slash_8 := fx_public_endpoint([cidr | some i in numbers.range(0, 255); cidr := sprintf("%d.0.0.0/8", [i])])

fixtures.deny_eks_endpoint_access_deny_long_ipv6_spelling := fx_public_endpoint(["0:0:0:0:0:0:0:0/0"])

fixtures.deny_eks_endpoint_access_deny_ipv4_mapped_ipv6 := fx_public_endpoint(["::ffff:0.0.0.0/96"])

fixtures.deny_eks_endpoint_access_deny_host_bits_set := fx_public_endpoint(["8.8.8.8/0"])

fixtures.deny_eks_endpoint_access_deny_unknown_list := fx_public_endpoint("04da6b54-80e4-46f7-96ec-b56ff0331ba9")

fixtures.deny_eks_endpoint_access_deny_secret_list := fx_public_endpoint("[secret]")

fixtures.deny_eks_endpoint_access_deny_secret_entry := fx_public_endpoint(["52.94.76.0/22", "[secret]"])

fixtures.deny_eks_endpoint_access_deny_world_only_as_union := fx_public_endpoint([cidr | some i in numbers.range(0, 15); cidr := sprintf("3.%d.0.0/12", [16 * i])])
