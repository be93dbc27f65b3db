"""Cluster Autoscaler: grows each node pool's Auto Scaling group when pods are pending, from zero nodes
for GPU pools, and shrinks idle nodes back to the pool's minimum (docs/adr/0003-gpu-autoscaling.md).

It finds the pools by the discovery tags node_pools.py puts on their Auto Scaling groups, and may change
only groups tagged `k8s.io/cluster-autoscaler/<cluster>: owned` (its IAM policy's condition). Its AWS role
comes through EKS Pod Identity, for its own service account only. Chart values: values/cluster-autoscaler.yaml
plus what depends on the stack; the CA release per Kubernetes minor: autoscaler_versions.yaml.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import yaml

from infra.components.access.iam import PodIdentityNames, account_id, pod_identity
from infra.components.aws_names import partition_of
from infra.components.monitoring import names
from infra.components.nodes.autoscaler_versions import autoscaler_version
from infra.components.nodes.node_pools import AUTOSCALER_TAG_PREFIX
from infra.components.nodes.spec import role_label, system_placement
from infra.config.model import PlatformConfig
from infra.context import StackContext

CHART: Final = "cluster-autoscaler"
CHART_REPOSITORY: Final = "https://kubernetes.github.io/autoscaler"
RELEASE_NAME: Final = names.CLUSTER_AUTOSCALER_RELEASE
NAMESPACE: Final = "kube-system"
# The chart's service account: the Pod Identity association names the same one.
SERVICE_ACCOUNT: Final = "cluster-autoscaler"
VALUES_FILE: Final = Path(__file__).with_name("values") / "cluster-autoscaler.yaml"

# Read-only calls CA makes to discover groups, instance types and launch templates (cloudprovider/aws
# README, "Full Cluster Autoscaler Features Policy"). These Describe APIs support no resource-level scoping.
READ_ACTIONS: Final = (
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
)
# The only calls that change anything: on groups tagged as owned by this cluster.
MUTATING_ACTIONS: Final = ("autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup")


def iam_policy(partition: str, region: str, account: str, cluster_name: str) -> str:
    """Least privilege from CA's AWS README: reads anywhere (Describe APIs cannot be scoped), node-group
    reads on this cluster's node groups, and scaling only on Auto Scaling groups this cluster owns."""
    groups = f"arn:{partition}:autoscaling:{region}:{account}:autoScalingGroup:*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Discover", "Effect": "Allow", "Action": list(READ_ACTIONS), "Resource": "*"},
                {
                    # Labels and taints of a managed node group at zero nodes (README: eks:DescribeNodegroup).
                    "Sid": "DescribeOwnNodegroups",
                    "Effect": "Allow",
                    "Action": "eks:DescribeNodegroup",
                    "Resource": f"arn:{partition}:eks:{region}:{account}:nodegroup/{cluster_name}/*",
                },
                {
                    "Sid": "ScaleOwnGroups",
                    "Effect": "Allow",
                    "Action": list(MUTATING_ACTIONS),
                    "Resource": f"{groups}:autoScalingGroupName/*",
                    "Condition": {"StringEquals": {f"aws:ResourceTag/{AUTOSCALER_TAG_PREFIX}/{cluster_name}": "owned"}},
                },
            ],
        }
    )


def _base_values() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))
    return loaded


def values(config: PlatformConfig, *, cluster_name: str, region: str) -> dict[str, Any]:
    base = _base_values()
    version = autoscaler_version(config.kubernetes_version)
    return {
        **base,
        # On the system pools only (their role label and taints, CriticalAddonsOnly): next to the other
        # cluster add-ons, never on a GPU or workload node it may itself remove.
        **system_placement(config),
        "nodeSelector": {role_label(): "system"},
        "fullnameOverride": RELEASE_NAME,
        "autoDiscovery": {"clusterName": cluster_name},
        # Sets AWS_REGION, so CA never asks the instance metadata service (hop limit 1 keeps pods off it).
        "awsRegion": region,
        "image": {**base["image"], "tag": version.image},
        "rbac": {**base["rbac"], "serviceAccount": {**base["rbac"]["serviceAccount"], "name": SERVICE_ACCOUNT}},
        # Scraped like every platform component: the ServiceMonitor lives next to Prometheus and carries the
        # selector label; the autoscaler alerts (monitoring/alerts/platform.py) read what it exposes.
        "serviceMonitor": {
            "enabled": True,
            "namespace": names.MONITORING_NAMESPACE,
            "selector": dict(names.SELECTOR_LABELS),
            "interval": f"{config.monitoring.scrape_interval_seconds}s",
            "path": "/metrics",
        },
    }


class ClusterAutoscaler(pulumi.ComponentResource):
    release: k8s.helm.v3.Release
    role: aws.iam.Role
    association: aws.eks.PodIdentityAssociation

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        cluster: aws.eks.Cluster,
        node_groups: Sequence[aws.eks.NodeGroup],
        aws_provider: aws.Provider,
        k8s_provider: k8s.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:nodes:ClusterAutoscaler", name, None, opts)
        on_aws = pulumi.ResourceOptions(parent=self, provider=aws_provider)
        tags = ctx.tags(region)
        cluster_name = ctx.cluster_name(region)
        partition = partition_of(region)
        account = account_id(aws_provider)
        version = autoscaler_version(ctx.config.kubernetes_version)

        identity = pod_identity(
            PodIdentityNames(role=f"{name}-role", policy=f"{name}-scaling", association=f"{name}-identity"),
            cluster=cluster,
            cluster_name=cluster_name,
            namespace=NAMESPACE,
            service_account=SERVICE_ACCOUNT,
            account=account,
            policy=account.apply(lambda a: iam_policy(partition, region, a, cluster_name)),
            tags=tags,
            opts=on_aws,
        )
        self.role, policy, self.association = identity.role, identity.policy, identity.association
        self.release = k8s.helm.v3.Release(
            name,
            name=RELEASE_NAME,
            chart=CHART,
            version=version.chart,
            repository_opts={"repo": CHART_REPOSITORY},
            namespace=NAMESPACE,
            values=values(ctx.config, cluster_name=cluster_name, region=region),
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=k8s_provider,
                # Credentials and the groups' tags exist before CA's first loop.
                depends_on=[policy, self.association, *node_groups],
            ),
        )
        self.register_outputs({"roleArn": self.role.arn})
