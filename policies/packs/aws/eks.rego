package aws

import rego.v1

eks_cluster if input.__type == "aws:eks/cluster:Cluster"

eks_vpc_config := as_object(object.get(input, "vpcConfig", {}))

# AWS defaults: the public endpoint is on and open to 0.0.0.0/0 unless told otherwise.
eks_public_endpoint_enabled if not eks_vpc_config.endpointPublicAccess == false

# A secret or unknown list is one unreadable value: open (cidr.rego).
eks_public_cidrs := cidr_values(object.get(eks_vpc_config, "publicAccessCidrs", null))

# METADATA
# title: EKS API endpoint is private, public access limited to allow-listed CIDRs
# description: >-
#   The Kubernetes API endpoint of an EKS cluster must be reachable privately from the VPC, and
#   either not public at all or public only to explicit allow-listed CIDR ranges.
# custom:
#   severity: high
#   controls: [CIS-EKS-5.4.1, CIS-EKS-5.4.2, NIST-800-53:SC-7, NIST-800-53:AC-17, ISO-27001:A.8.20]
#   message: >-
#     Set vpcConfig.endpointPrivateAccess to true, and either endpointPublicAccess to false or
#     publicAccessCidrs to specific allow-listed ranges whose union stays below
#     data.aws_network.worldShare of public address space (never 0.0.0.0/0, ::/0 or its halves).
deny_eks_endpoint_access contains msg if {
	eks_cluster
	not eks_vpc_config.endpointPrivateAccess == true
	msg := sprintf("EKS cluster \"%s\": private API endpoint is disabled (vpcConfig.endpointPrivateAccess is not true)", [input.__name])
}

deny_eks_endpoint_access contains msg if {
	eks_cluster
	eks_public_endpoint_enabled
	count(eks_public_cidrs) == 0
	msg := sprintf("EKS cluster \"%s\": public API endpoint is open to the internet (no publicAccessCidrs allow-list)", [input.__name])
}

deny_eks_endpoint_access contains msg if {
	eks_cluster
	eks_public_endpoint_enabled
	count(eks_public_cidrs) > 0
	cidr_list_is_world(eks_public_cidrs)
	msg := concat("", ["EKS cluster \"", input.__name, "\": public API endpoint is open to the world: publicAccessCidrs ", cidr_world_reason(eks_public_cidrs)])
}

# METADATA
# title: EKS secrets are envelope-encrypted with a KMS key
# description: >-
#   Kubernetes Secrets of an EKS cluster must be encrypted with a customer-managed KMS key
#   (encryptionConfig with resources ["secrets"] and provider.keyArn).
# custom:
#   severity: high
#   controls: [CIS-EKS-5.3.1, NIST-800-53:SC-28, NIST-800-53:SC-12, ISO-27001:A.8.24]
#   message: >-
#     Add encryptionConfig { resources: ["secrets"], provider: { keyArn: <KMS key ARN> } } to the
#     cluster, using a KMS key with rotation enabled.
deny_eks_secrets_encryption contains msg if {
	eks_cluster
	not eks_secrets_encrypted
	msg := sprintf("EKS cluster \"%s\": Kubernetes secrets are not encrypted with a KMS key", [input.__name])
}

eks_encryption_configs contains config if {
	config := as_object(input.encryptionConfig)
}

eks_encryption_configs contains as_object(config) if {
	some config in as_array(input.encryptionConfig)
}

eks_secrets_encrypted if {
	some config in eks_encryption_configs
	"secrets" in as_array(object.get(config, "resources", []))
	key_arn := object.get(as_object(object.get(config, "provider", {})), "keyArn", "")
	is_string(key_arn)
	key_arn != ""
}

eks_required_log_types := ["api", "audit", "authenticator", "controllerManager", "scheduler"]

# METADATA
# title: EKS control-plane logging enables all log types
# description: >-
#   All five EKS control-plane log types (api, audit, authenticator, controllerManager, scheduler)
#   must be sent to CloudWatch so that access and changes are auditable.
# custom:
#   severity: medium
#   controls: [CIS-EKS-2.1.1, NIST-800-53:AU-2, NIST-800-53:AU-12, ISO-27001:A.8.15]
#   message: Set enabledClusterLogTypes to ["api", "audit", "authenticator", "controllerManager", "scheduler"].
deny_eks_control_plane_logging contains msg if {
	eks_cluster
	some log_type in eks_required_log_types
	not log_type in as_array(object.get(input, "enabledClusterLogTypes", []))
	msg := sprintf("EKS cluster \"%s\": control-plane log type \"%s\" is not enabled", [input.__name, log_type])
}

gpu_ami_markers := ["NVIDIA", "GPU"]

gpu_node_group if {
	some marker in gpu_ami_markers
	contains(upper(object.get(input, "amiType", "")), marker)
}

gpu_node_group if object.get(as_object(object.get(input, "labels", {})), "nvidia.com/gpu.present", "") == "true"

gpu_node_group if object.get(as_object(object.get(input, "labels", {})), "ai-platform/pool", "") == "gpu"

# Accelerated EC2 families: p* (NVIDIA training) and g* (NVIDIA graphics/inference), e.g. g6e.4xlarge.
gpu_node_group if {
	some instance_type in as_array(object.get(input, "instanceTypes", []))
	regex.match(`^(p|g)[0-9]+[a-z]*\.`, instance_type)
}

gpu_taint_present if {
	some taint in as_array(object.get(input, "taints", []))
	taint.key == "nvidia.com/gpu"
	taint.effect == "NO_SCHEDULE"
}

# METADATA
# title: GPU node groups are tainted nvidia.com/gpu
# description: >-
#   Node groups with GPUs must carry the taint nvidia.com/gpu with effect NO_SCHEDULE so that only
#   workloads that request GPUs (and tolerate the taint) land on expensive accelerator nodes.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CM-6, NIST-800-53:SC-6, ISO-27001:A.8.6]
#   message: 'Add taints [{key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE"}] to the GPU node group.'
deny_gpu_node_group_taint contains msg if {
	input.__type == "aws:eks/nodeGroup:NodeGroup"
	gpu_node_group
	not gpu_taint_present
	msg := sprintf("EKS node group \"%s\" has GPUs but no nvidia.com/gpu NO_SCHEDULE taint", [input.__name])
}
