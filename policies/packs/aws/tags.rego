package aws

import rego.v1

cost_allocation_tags := ["ai-platform/stack", "ai-platform/region", "ai-platform/team"]

# pulumi-aws resource types that accept no `tags`; every other aws:* resource is taggable, so a
# new resource type is checked until someone states here that it cannot carry tags.
untaggable_types := {
	"aws:kms/alias:Alias",
	"aws:ec2/route:Route",
	"aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
	"aws:ec2/securityGroupRule:SecurityGroupRule",
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment",
	"aws:iam/policyAttachment:PolicyAttachment",
	"aws:iam/rolePolicy:RolePolicy",
	"aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
	"aws:s3/bucketVersioning:BucketVersioning",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
	"aws:s3/bucketReplicationConfig:BucketReplicationConfig",
	"aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
	"aws:s3/bucketPolicy:BucketPolicy",
	"aws:s3/bucketLogging:BucketLogging",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls",
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
	"aws:route53/record:Record",
	"aws:sns/topicSubscription:TopicSubscription",
	"aws:sns/topicPolicy:TopicPolicy",
	# One tag on an Auto Scaling group (Cluster Autoscaler's node templates); it has no tags of its own.
	"aws:autoscaling/tag:Tag",
}

taggable(resource) if {
	startswith(resource.__type, "aws:")
	not resource.__type in untaggable_types
}

required_tags(resource) := array.concat(cost_allocation_tags, ["ai-platform/pool"]) if {
	resource.__type == "aws:eks/nodeGroup:NodeGroup"
}

required_tags(resource) := cost_allocation_tags if resource.__type != "aws:eks/nodeGroup:NodeGroup"

# METADATA
# title: Taggable AWS resources carry the cost-allocation tags
# description: >-
#   Every taggable AWS resource carries ai-platform/stack, ai-platform/region and ai-platform/team
#   (node groups also ai-platform/pool), on the resource or through its provider's defaultTags,
#   so that cost is attributable per stack, region, team and pool.
# custom:
#   scope: platform
#   severity: low
#   controls: [NIST-800-53:CM-8, ISO-27001:A.5.9]
#   message: >-
#     Add the missing tags to the resource, or to the AWS provider's defaultTags so that every
#     resource of the region inherits them.
stack_deny_cost_allocation_tags contains msg if {
	platform_stack
	some resource in stack_resources
	taggable(resource)
	tags := effective_tags(resource)
	missing := [tag | some tag in required_tags(resource); not non_empty_tag(tags, tag)]
	count(missing) > 0
	# Assembled with concat: regopy's sprintf quotes a string that concat produced.
	msg := concat("", [resource.__urn, ": missing cost-allocation tags ", concat(", ", missing)])
}

non_empty_tag(tags, key) if {
	value := object.get(tags, key, "")
	is_string(value)
	value != ""
}
