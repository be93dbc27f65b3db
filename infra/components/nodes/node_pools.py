"""Managed node groups (system, cpu, gpu) with IMDSv2-only launch templates and encrypted gp3 volumes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.access.iam import aws_managed_policy, service_trust_policy
from infra.components.aws_names import partition_of
from infra.config.model import NodePoolConfig, Taint
from infra.context import TAG_POOL, StackContext

GPU_TAINT = Taint(key="nvidia.com/gpu", value="true", effect="NoSchedule")
SYSTEM_TAINT = Taint(key="CriticalAddonsOnly", value="true", effect="NoSchedule")
GPU_PRESENT_LABEL = "nvidia.com/gpu.present"
POOL_LABEL = "ai-platform/pool"
DEFAULT_AMI = {"system": "AL2023_x86_64_STANDARD", "cpu": "AL2023_x86_64_STANDARD", "gpu": "AL2023_x86_64_NVIDIA"}
_EFFECTS = {"NoSchedule": "NO_SCHEDULE", "PreferNoSchedule": "PREFER_NO_SCHEDULE", "NoExecute": "NO_EXECUTE"}
# No AmazonEKS_CNI_Policy: the VPC CNI gets its own role through EKS Pod Identity (addons.py), so
# nothing else on a node can use ENI/IP-assignment permissions. Removing the attachment from an
# existing stack is safe: Pulumi deletes it after the add-on's pod identity association is created.
NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
)


@dataclass(frozen=True)
class PoolSpec:
    """A pool as deployed: the config plus the labels and taints the platform always adds."""

    name: str
    config: NodePoolConfig
    ami_type: str
    labels: dict[str, str]
    taints: tuple[Taint, ...]


def pool_specs(pools: dict[str, NodePoolConfig]) -> list[PoolSpec]:
    specs = []
    for name, pool in pools.items():
        labels = {**pool.labels, POOL_LABEL: name}
        taints = list(pool.taints)
        mandatory = {"system": [SYSTEM_TAINT], "gpu": [GPU_TAINT]}.get(name, [])
        taints += [t for t in mandatory if all(t.key != existing.key for existing in taints)]
        if name == "gpu":
            labels[GPU_PRESENT_LABEL] = "true"
        specs.append(PoolSpec(name, pool, pool.ami_type or DEFAULT_AMI[name], labels, tuple(taints)))
    return specs


def autoscaler_tags(cluster_name: str, spec: PoolSpec) -> dict[str, str]:
    """Node-template tags let Cluster Autoscaler scale a pool up from zero nodes."""
    prefix = "k8s.io/cluster-autoscaler/node-template"
    tags = {"k8s.io/cluster-autoscaler/enabled": "true", f"k8s.io/cluster-autoscaler/{cluster_name}": "owned"}
    tags |= {f"{prefix}/label/{k}": v for k, v in spec.labels.items()}
    tags |= {f"{prefix}/taint/{t.key}": f"{t.value}:{t.effect}" for t in spec.taints}
    if spec.name == "gpu":
        tags[f"{prefix}/resources/nvidia.com/gpu"] = "1"
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
        pools = ctx.config.node_pools
        self.node_groups = {}
        for spec in pool_specs({"system": pools.system, "cpu": pools.cpu, "gpu": pools.gpu}):
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
