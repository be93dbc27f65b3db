"""One region of the stack: network, keys, cluster, node pools, add-ons, backups and in-cluster resources."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from infra.components.access.teams import team_principals
from infra.components.cluster.addons import Addons
from infra.components.cluster.eks import Cluster
from infra.components.cluster.kubeconfig import kubernetes_provider
from infra.components.continuity.backups import BackupVault
from infra.components.in_cluster import InCluster
from infra.components.monitoring.global_view import ClusterMetricsAccess, GlobalMetricsStore
from infra.components.network.endpoints import VpcEndpoints
from infra.components.network.security_groups import SecurityGroups
from infra.components.network.vpc import Network
from infra.components.nodes.autoscaler import ClusterAutoscaler
from infra.components.nodes.node_pools import NodePools
from infra.components.security.audit import AccessLogBucket
from infra.components.security.encryption import Encryption, key_alias
from infra.config.model import RegionConfig
from infra.context import StackContext


class RegionalPlatform(pulumi.ComponentResource):
    cluster: Cluster
    backups: BackupVault
    provider: aws.Provider
    access_logs: AccessLogBucket
    # kube-prometheus-stack values overlays for this region's MonitoringStack (the global view's, where built).
    monitoring_overlays: list[pulumi.Input[dict[str, Any]]]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: RegionConfig,
        global_store: GlobalMetricsStore | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:region:RegionalPlatform", name, None, opts)
        # An explicit provider per region: nothing here depends on the ambient aws:region.
        self.provider = aws.Provider(f"aws-{region.name}", region=region.name, opts=pulumi.ResourceOptions(parent=self))
        at = {"ctx": ctx, "region": region.name, "provider": self.provider}
        child = pulumi.ResourceOptions(parent=self)
        keys = Encryption(f"{name}-kms", **at, opts=child).keys
        network = Network(
            f"{name}-net", ctx=ctx, region=region, provider=self.provider, logs_key_arn=keys["logs"].arn, opts=child
        )
        security = SecurityGroups(f"{name}-sg", **at, vpc_id=network.vpc.id, vpc_cidr=region.cidr, opts=child)
        VpcEndpoints(
            f"{name}-endpoints",
            **at,
            vpc_id=network.vpc.id,
            subnet_ids=network.private_subnet_ids,
            route_table_ids=network.private_route_table_ids,
            security_group_id=security.groups["endpoints"].id,
            opts=child,
        )
        self.access_logs = AccessLogBucket(f"{name}-access-logs", **at, opts=child)
        self.cluster = Cluster(
            f"{name}-eks",
            **at,
            private_subnet_ids=network.private_subnet_ids,
            secrets_key_arn=keys["eks-secrets"].arn,
            logs_key_arn=keys["logs"].arn,
            security_group_id=security.groups["cluster"].id,
            team_principals=team_principals(ctx.config.teams),
            opts=child,
        )
        addons = Addons(f"{name}-addons", **at, cluster=self.cluster.eks, opts=child)
        pools = NodePools(
            f"{name}-nodes",
            **at,
            cluster=self.cluster.eks,
            subnet_ids=network.private_subnet_ids,
            volume_key_arn=keys["storage"].arn,
            security_group_id=security.groups["nodes"].id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=addons.before_nodes),
        )
        addons.after_nodes(list(pools.node_groups.values()), volume_key_alias=key_alias(ctx, "storage"))
        self.backups = BackupVault(
            f"{name}-vault",
            **at,
            key_arn=keys["storage"].arn,
            key_alias=key_alias(ctx, "storage"),
            access_logs=self.access_logs,
            opts=child,
        )
        k8s_provider = kubernetes_provider(
            f"k8s-{region.name}",
            cluster=self.cluster.eks,
            region=region.name,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(pools.node_groups.values())),
        )
        ClusterAutoscaler(
            f"{name}-autoscaler",
            ctx=ctx,
            region=region.name,
            cluster=self.cluster.eks,
            node_groups=list(pools.node_groups.values()),
            aws_provider=self.provider,
            k8s_provider=k8s_provider,
            opts=child,
        )
        self.monitoring_overlays = []
        if global_store is not None:
            global_access = ClusterMetricsAccess(
                f"{name}-global-view",
                ctx=ctx,
                region=region,
                cluster=self.cluster.eks,
                provider=self.provider,
                store=global_store,
                opts=child,
            )
            self.monitoring_overlays.append(global_access.values_overlay)
        InCluster(
            f"{name}-k8s",
            ctx=ctx,
            region=region,
            cluster=self.cluster.eks,
            aws_provider=self.provider,
            k8s_provider=k8s_provider,
            storage_key_arn=keys["storage"].arn,
            monitoring_overlays=self.monitoring_overlays,
            backup_vault=self.backups,
            opts=child,
        )
        self.register_outputs({"clusterName": self.cluster.eks.name, "endpoint": self.cluster.eks.endpoint})
