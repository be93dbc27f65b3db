"""Managed node groups, one per configured pool, with IMDSv2-only launch templates and encrypted gp3 volumes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pulumi
import pulumi_aws as aws
import yaml

from infra.components.access.iam import aws_managed_policy, service_trust_policy
from infra.components.aws_names import partition_of
from infra.components.nodes.contract import EKS_TAINT_EFFECTS
from infra.components.nodes.spec import PoolSpec, pool_specs
from infra.context import TAG_POOL, StackContext

# No AmazonEKS_CNI_Policy: the VPC CNI gets its own role through EKS Pod Identity (addons.py), so
# nothing else on a node can use ENI/IP-assignment permissions. Removing the attachment from an
# existing stack is safe: Pulumi deletes it after the add-on's pod identity association is created.
NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
)


AUTOSCALER_TAG_PREFIX = "k8s.io/cluster-autoscaler"
NODE_TEMPLATE_PREFIX = f"{AUTOSCALER_TAG_PREFIX}/node-template"
AUTOSCALING_OPTIONS_FILE = Path(__file__).with_name("autoscaling_options.yaml")


def discovery_tags(cluster_name: str) -> dict[str, str]:
    """The tags Cluster Autoscaler's auto-discovery looks for; `<cluster>: owned` also scopes its IAM policy."""
    return {f"{AUTOSCALER_TAG_PREFIX}/enabled": "true", f"{AUTOSCALER_TAG_PREFIX}/{cluster_name}": "owned"}


def autoscaling_options(spec: PoolSpec) -> dict[str, str]:
    """Per-pool CA options (autoscaling_options.yaml): the accelerated pools' shorter scale-down."""
    options: dict[str, dict[str, str]] = yaml.safe_load(AUTOSCALING_OPTIONS_FILE.read_text(encoding="utf-8"))
    return {key: str(value) for key, value in options["accelerated"].items()} if spec.accelerated else {}


def autoscaler_tags(cluster_name: str, spec: PoolSpec) -> dict[str, str]:
    """Node-template tags let Cluster Autoscaler scale a pool up from zero nodes: with no node to look at,
    it builds one from these (cloudprovider/aws/README.md): labels, taints as `value:Effect`, the extended
    resources a node advertises (GPUs times time-slicing replicas), and per-pool autoscaling options."""
    tags = discovery_tags(cluster_name)
    tags |= {f"{NODE_TEMPLATE_PREFIX}/label/{k}": v for k, v in spec.labels.items()}
    tags |= {f"{NODE_TEMPLATE_PREFIX}/taint/{t.key}": f"{t.value}:{t.effect}" for t in spec.taints}
    if spec.accelerator.resource is not None:
        tags[f"{NODE_TEMPLATE_PREFIX}/resources/{spec.accelerator.resource}"] = str(spec.advertised_per_node)
    tags |= {f"{NODE_TEMPLATE_PREFIX}/autoscaling-options/{k}": v for k, v in autoscaling_options(spec).items()}
    return tags


def autoscaling_group_name(node_group: aws.eks.NodeGroup) -> pulumi.Output[str]:
    """The Auto Scaling group EKS created for a managed node group (one per node group)."""
    name: pulumi.Output[str] = node_group.resources.apply(lambda groups: str(groups[0].autoscaling_groups[0].name))
    return name


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
                taints=[{"key": t.key, "value": t.value, "effect": EKS_TAINT_EFFECTS[t.effect]} for t in spec.taints],
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
            # EKS does not copy node-group tags to the group's Auto Scaling group, where CA reads them.
            asg_name = autoscaling_group_name(self.node_groups[spec.name])
            for key, value in autoscaler_tags(cluster_name, spec).items():
                aws.autoscaling.Tag(
                    f"{name}-{spec.name}-asg-{key}",
                    autoscaling_group_name=asg_name,
                    tag={"key": key, "value": value, "propagate_at_launch": False},
                    opts=child,
                )
        self.register_outputs({pool: group.arn for pool, group in self.node_groups.items()})
