package aws

import rego.v1

# Compliant resources shared by the tests of this pack; each deny test breaks exactly one property.
# Helper names start with fx_ so that they never collide with a rule's local variables.

# Engine-neutral edit: regopy's object.union is shallow where OPA's (and regorus') merges nested
# objects, so fixtures replace a whole property instead of merging into it.
fx_set(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

good_cluster := {
	"__type": "aws:eks/cluster:Cluster",
	"__urn": "urn:pulumi:prod::ai-platform::aws:eks/cluster:Cluster::primary",
	"__name": "primary",
	"vpcConfig": {"endpointPrivateAccess": true, "endpointPublicAccess": false, "subnetIds": ["subnet-1"]},
	"encryptionConfig": {"provider": {"keyArn": "arn:aws:kms:eu-west-1:111122223333:key/abc"}, "resources": ["secrets"]},
	"enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
}

good_launch_template := {
	"__type": "aws:ec2/launchTemplate:LaunchTemplate",
	"__urn": "urn:pulumi:prod::ai-platform::aws:ec2/launchTemplate:LaunchTemplate::gpu",
	"__name": "gpu",
	"metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
	"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeType": "gp3", "volumeSize": 100}}],
}

good_gpu_node_group := {
	"__type": "aws:eks/nodeGroup:NodeGroup",
	"__urn": "urn:pulumi:prod::ai-platform::aws:eks/nodeGroup:NodeGroup::gpu",
	"__name": "gpu",
	"amiType": "AL2023_x86_64_NVIDIA",
	"instanceTypes": ["g6e.4xlarge"],
	"labels": {"nvidia.com/gpu.present": "true", "ai-platform/pool": "gpu"},
	"taints": [{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}],
}

aws_provider := {
	"__type": "pulumi:providers:aws",
	"__urn": "urn:pulumi:prod::ai-platform::pulumi:providers:aws::aws-eu-west-1",
	"__name": "aws-eu-west-1",
	"region": "eu-west-1",
}

provider_ref := concat("", [aws_provider.__urn, "::11111111-2222-3333-4444-555555555555"])

fx_tags := {"ai-platform/stack": "prod", "ai-platform/region": "eu-west-1", "ai-platform/team": "platform"}

fx_bucket(name, extra) := object.union(
	{
		"__type": "aws:s3/bucket:Bucket",
		"__urn": concat("", ["urn:pulumi:prod::ai-platform::aws:s3/bucket:Bucket::", name]),
		"__name": name,
		"__provider": provider_ref,
		"bucket": name,
		"tags": fx_tags,
	},
	extra,
)

fx_bucket_config(type_token, name, properties) := object.union(
	{
		"__type": type_token,
		"__urn": concat("", ["urn:pulumi:prod::ai-platform::", type_token, "::", name]),
		"__name": name,
		"__provider": provider_ref,
		"bucket": name,
	},
	properties,
)

fx_sse(name) := fx_bucket_config(
	"aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name,
	{"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:aws:kms:eu-west-1:1:key/k"}}]},
)

fx_versioning(name) := fx_bucket_config(
	"aws:s3/bucketVersioning:BucketVersioning", name,
	{"versioningConfiguration": {"status": "Enabled"}},
)

fx_public_access_block(name) := fx_bucket_config(
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name,
	{"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true},
)

fx_object_lock(name) := fx_bucket_config(
	"aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", name,
	{"rule": {"defaultRetention": {"mode": "COMPLIANCE", "days": 30}}},
)

# A compliant bucket with all its configuration resources.
fx_compliant_bucket(name) := [fx_bucket(name, {}), fx_sse(name), fx_versioning(name), fx_public_access_block(name)]

backup_bucket_resources := [
	fx_bucket("backups", {"objectLockEnabled": true, "tags": object.union(fx_tags, {"ai-platform/data-class": "backup"})}),
	fx_sse("backups"),
	fx_versioning("backups"),
	fx_public_access_block("backups"),
	fx_object_lock("backups"),
]

fx_role(name, extra) := object.union(
	{
		"__type": "aws:iam/role:Role",
		"__urn": concat("", ["urn:pulumi:prod::ai-platform::aws:iam/role:Role::", name]),
		"__name": name,
		"__provider": provider_ref,
		"name": name,
		"tags": fx_tags,
		"assumeRolePolicy": "{}",
	},
	extra,
)

admin_statement := {"Effect": "Allow", "Action": "*", "Resource": "*"}

scoped_statement := {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::models/*"]}

fx_role_policy(name, role_name, statements) := {
	"__type": "aws:iam/rolePolicy:RolePolicy",
	"__urn": concat("", ["urn:pulumi:prod::ai-platform::aws:iam/rolePolicy:RolePolicy::", name]),
	"__name": name,
	"__provider": provider_ref,
	"role": role_name,
	"policy": json.marshal({"Version": "2012-10-17", "Statement": statements}),
}

break_glass_tags := object.union(fx_tags, {"ai-platform/break-glass": "true"})
