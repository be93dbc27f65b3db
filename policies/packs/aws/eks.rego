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
#   config_keys: [cluster.endpoint.publicAccessCidrs, cluster.endpoint.publicAccess]
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

# --- GPU node groups, judged on the scheduling contract (data.node_scheduling, packs/shared) ------------

node_scheduling := data.node_scheduling if is_object(data.node_scheduling)

node_scheduling := {} if not is_object(data.node_scheduling)

# Accelerators of the contract: entries that advertise an extended resource (not "none").
node_accelerators[name] := as_object(entry) if {
	some name, entry in as_object(object.get(node_scheduling, "accelerators", {}))
	is_string(object.get(as_object(entry), "resource", null))
}

# Kubernetes' taint effects as the EKS API spells them on a node group.
eks_taint_effects := {"NoSchedule": "NO_SCHEDULE", "PreferNoSchedule": "PREFER_NO_SCHEDULE", "NoExecute": "NO_EXECUTE"}

node_group_labels := as_object(object.get(input, "labels", {}))

node_group_accelerators contains name if {
	some name, accelerator in node_accelerators
	object.get(input, "amiType", "") in as_array(object.get(accelerator, "amiTypes", []))
}

node_group_accelerators contains name if {
	some name, accelerator in node_accelerators
	some key, value in as_object(object.get(accelerator, "labels", {}))
	object.get(node_group_labels, key, null) == value
}

# Accelerated EC2 families (p* NVIDIA training, g* graphics/inference, e.g. g6e.4xlarge): GPUs whatever
# the AMI or the labels say.
gpu_instance_types if {
	some instance_type in as_array(object.get(input, "instanceTypes", []))
	is_string(instance_type)
	regex.match(`^(p|g)[0-9]+[a-z]*\.`, instance_type)
}

node_group_has_taint(taint) if {
	some present in as_array(object.get(input, "taints", []))
	object.get(present, "key", null) == taint.key
	object.get(present, "value", null) == object.get(taint, "value", null)
	object.get(present, "effect", null) == object.get(eks_taint_effects, object.get(taint, "effect", ""), null)
}

# METADATA
# title: GPU node groups carry their accelerator's taints and labels
# description: >-
#   A node group with accelerators (an AMI type, a label or a taint of an accelerator of the scheduling
#   contract data.node_scheduling, or GPU instance types) must carry every taint of that accelerator (so
#   only pods that tolerate it land on expensive nodes) and every label of it (which the device plugin and
#   the GPU DaemonSets select). A node group with GPU instance types that matches no accelerator, and any
#   node group when the contract is missing or unreadable, is a finding.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CM-6, NIST-800-53:SC-6, ISO-27001:A.8.6]
#   message: >-
#     Give the node group the accelerator's AMI type, taints and labels from
#     policies/packs/shared/node_scheduling.data.yaml (for NVIDIA: taint nvidia.com/gpu=true NO_SCHEDULE,
#     label nvidia.com/gpu.present=true); the program derives them from the pool's `accelerator`.
#   config_keys: [nodePools.*.accelerator, nodePools.*.taints, nodePools.*.labels]
deny_gpu_node_group_taint contains msg if {
	input.__type == "aws:eks/nodeGroup:NodeGroup"
	some name in node_group_accelerators
	some taint in as_array(object.get(node_accelerators[name], "taints", []))
	not node_group_has_taint(taint)
	msg := concat("", ["EKS node group \"", input.__name, "\" has ", name, " accelerators but lacks their taint ", object.get(taint, "key", "?"), "=", object.get(taint, "value", "?"), ":", object.get(taint, "effect", "?")])
}

deny_gpu_node_group_taint contains msg if {
	input.__type == "aws:eks/nodeGroup:NodeGroup"
	some name in node_group_accelerators
	some key, value in as_object(object.get(node_accelerators[name], "labels", {}))
	not object.get(node_group_labels, key, null) == value
	msg := concat("", ["EKS node group \"", input.__name, "\" has ", name, " accelerators but lacks their label ", key, "=", value])
}

deny_gpu_node_group_taint contains msg if {
	input.__type == "aws:eks/nodeGroup:NodeGroup"
	gpu_instance_types
	count(node_accelerators) > 0
	count(node_group_accelerators) == 0
	msg := concat("", ["EKS node group \"", input.__name, "\" has GPU instance types but neither the AMI type nor the labels of an accelerator of the scheduling contract"])
}

# An accelerator whose taints or labels cannot be read judges nothing: fail closed.
deny_gpu_node_group_taint contains msg if {
	input.__type == "aws:eks/nodeGroup:NodeGroup"
	some name in node_group_accelerators
	accelerator := node_accelerators[name]
	not accelerator_contract_readable(accelerator)
	msg := concat("", ["EKS node group \"", input.__name, "\": the scheduling contract's ", name, " taints or labels cannot be read (data.node_scheduling)"])
}

deny_gpu_node_group_taint contains msg if {
	input.__type == "aws:eks/nodeGroup:NodeGroup"
	count(node_accelerators) == 0
	msg := concat("", ["EKS node group \"", input.__name, "\": the scheduling contract (data.node_scheduling) is missing or has no accelerator: GPU taints and labels cannot be assessed"])
}

accelerator_contract_readable(accelerator) if {
	taints := object.get(accelerator, "taints", null)
	is_array(taints)
	count(taints) > 0
	is_object(object.get(accelerator, "labels", null))
	count([t | some t in taints; not taint_readable(t)]) == 0
}

taint_readable(taint) if {
	is_string(object.get(taint, "key", null))
	is_string(object.get(taint, "value", null))
	object.get(taint, "effect", null) in object.keys(eks_taint_effects)
}
