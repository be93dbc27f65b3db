"""Managed node groups, one per configured pool, with IMDSv2-only launch templates and encrypted gp3 volumes."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from infra.components.access.iam import aws_managed_policy, service_trust_policy
from infra.components.aws_names import partition_of
from infra.components.nodes.spec import PoolSpec, pool_specs
from infra.context import TAG_POOL, StackContext

_EFFECTS = {"NoSchedule": "NO_SCHEDULE", "PreferNoSchedule": "PREFER_NO_SCHEDULE", "NoExecute": "NO_EXECUTE"}
# No AmazonEKS_CNI_Policy: the VPC CNI gets its own role through EKS Pod Identity (addons.py), so
# nothing else on a node can use ENI/IP-assignment permissions. Removing the attachment from an
# existing stack is safe: Pulumi deletes it after the add-on's pod identity association is created.
NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
)


def autoscaler_tags(cluster_name: str, spec: PoolSpec) -> dict[str, str]:
    """Node-template tags let Cluster Autoscaler scale a pool up from zero nodes."""
    prefix = "k8s.io/cluster-autoscaler/node-template"
    tags = {"k8s.io/cluster-autoscaler/enabled": "true", f"k8s.io/cluster-autoscaler/{cluster_name}": "owned"}
    tags |= {f"{prefix}/label/{k}": v for k, v in spec.labels.items()}
    tags |= {f"{prefix}/taint/{t.key}": f"{t.value}:{t.effect}" for t in spec.taints}
    if spec.accelerator.resource is not None:
        tags[f"{prefix}/resources/{spec.accelerator.resource}"] = str(spec.advertised_per_node)
    return tags


class NodePools(pulumi.ComponentResource):
    node_groups: dict[str, aws.eks.NodeGroup]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        cluster: aws.eks.Cluster,
        subnet_ids: Sequence[pulumi.Input[str]],
        volume_key_arn: pulumi.Input[str],
        security_group_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:nodes:NodePools", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        tags = ctx.tags(region)
        partition = partition_of(region)
        cluster_name = ctx.cluster_name(region)

        role = aws.iam.Role(
            f"{name}-node", assume_role_policy=service_trust_policy("ec2.amazonaws.com"), tags=tags, opts=child
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-node-{policy}", role=role.name, policy_arn=aws_managed_policy(partition, policy), opts=child
            )
            for policy in NODE_POLICIES
        ]
        self.node_groups = {}
        for spec in pool_specs(ctx.config):
            pool_tags = ctx.tags(region, **{TAG_POOL: spec.name})
            template = aws.ec2.LaunchTemplate(
                f"{name}-{spec.name}",
                description=f"{cluster_name} {spec.name} pool",
                update_default_version=True,
                # The minimal node SG (security_groups.py) instead of EKS's permissive cluster SG.
                vpc_security_group_ids=[security_group_id],
                metadata_options={
                    "http_endpoint": "enabled",
                    "http_tokens": "required",
                    # Hop limit 1 keeps pods off the node's instance role; they use Pod Identity or IRSA.
                    "http_put_response_hop_limit": 1,
                    "instance_metadata_tags": "disabled",
                },
                block_device_mappings=[
                    {
                        "device_name": "/dev/xvda",
                        "ebs": {
                            "volume_size": spec.config.disk_size_gib,
                            "volume_type": "gp3",
                            "encrypted": "true",
                            "kms_key_id": volume_key_arn,
                            "delete_on_termination": "true",
                        },
                    }
                ],
                tag_specifications=[{"resource_type": kind, "tags": pool_tags} for kind in ("instance", "volume")],
                tags=pool_tags,
                opts=child,
            )
            self.node_groups[spec.name] = aws.eks.NodeGroup(
                f"{name}-{spec.name}",
                cluster_name=cluster.name,
                node_group_name_prefix=f"{spec.name}-",
                node_role_arn=role.arn,
                subnet_ids=list(subnet_ids),
                ami_type=spec.ami_type,
                capacity_type="SPOT" if spec.config.capacity_type == "spot" else "ON_DEMAND",
                instance_types=spec.config.instance_types,
                scaling_config={
                    "min_size": spec.config.min_size,
                    "desired_size": spec.config.desired_size,
                    "max_size": spec.config.max_size,
                },
                update_config={"max_unavailable_percentage": 33},
                labels=spec.labels,
                taints=[{"key": t.key, "value": t.value, "effect": _EFFECTS[t.effect]} for t in spec.taints],
                launch_template={"id": template.id, "version": template.latest_version.apply(str)},
                tags={**pool_tags, **autoscaler_tags(cluster_name, spec)},
                opts=pulumi.ResourceOptions.merge(
                    child,
                    pulumi.ResourceOptions(
                        depends_on=attachments,
                        # Cluster Autoscaler owns the desired size once the pool exists.
                        ignore_changes=["scalingConfig.desiredSize"],
                    ),
                ),
            )
        self.register_outputs({pool: group.arn for pool, group in self.node_groups.items()})
