"""Everything inside one cluster, on that cluster's Kubernetes provider: system namespaces, teams, models."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from infra.components.access.namespaces import GovernedNamespace, Quota
from infra.components.access.priority_classes import PriorityClasses
from infra.components.access.teams import TeamAccess
from infra.components.aws_names import partition_of
from infra.components.continuity.backups import BackupVault
from infra.components.continuity.restore_check import RestoreVerification
from infra.components.continuity.velero import Velero
from infra.components.continuity.velero import namespace as velero_namespace
from infra.components.gpu.dcgm_exporter import DcgmExporter
from infra.components.gpu.device_plugin import DevicePlugin, plugin_pools
from infra.components.gpu.footprint import node_agents_quota
from infra.components.models.model_cards import DRIFT_JOB_POD_LABELS, MODELS_NAMESPACE, ModelDeployment
from infra.components.monitoring import names as monitoring_names
from infra.components.monitoring.alertmanager.component import AlertRouting
from infra.components.monitoring.alertmanager.component import values_overlay as alertmanager_values
from infra.components.monitoring.alerts import AlertRules
from infra.components.monitoring.dashboards import Dashboards
from infra.components.monitoring.stack import MonitoringStack
from infra.components.nodes.spec import NVIDIA, accelerated_pools, pool_specs, system_placement
from infra.config.model import RegionConfig
from infra.context import StackContext

SYSTEM_NAMESPACE = "ai-platform-system"


def platform_profile(ctx: StackContext, region: RegionConfig) -> dict[str, object]:
    """What in-cluster tools and the governance policies read about the stack this cluster belongs to."""
    dr = ctx.config.dr
    return {
        "stack": ctx.stack,
        "environment": ctx.config.environment,
        "region": region.name,
        "regionRole": region.role,
        "regions": [r.name for r in ctx.config.regions],
        "kubernetesVersion": ctx.config.kubernetes_version,
        # Where workloads can land: each pool's labels and taints, and what its nodes advertise.
        "nodePools": {
            spec.name: {
                "role": spec.role,
                "accelerator": spec.accelerator.name,
                "labels": spec.labels,
                "taints": [{"key": t.key, "value": t.value, "effect": t.effect} for t in spec.taints],
                "acceleratorsPerNode": spec.advertised_per_node,
            }
            for spec in pool_specs(ctx.config)
        },
        "dr": {
            name: {"rtoMinutes": o.rto_minutes, "rpoMinutes": o.rpo_minutes}
            for name, o in (
                ("regionOutage", dr.region_outage),
                ("modelCorruption", dr.model_corruption),
                ("dataLoss", dr.data_loss),
                ("humanDeletion", dr.human_deletion),
            )
        },
    }


def drift_egress_rules(vpc_cidr: str) -> list[dict[str, Any]]:
    """Where drift jobs may connect: DNS, TLS inside the VPC (the S3, STS and other VPC endpoints; S3 is
    reached through its interface endpoint, so it is inside the VPC CIDR) and the Pushgateway. Nothing
    outside the VPC: a compromised job cannot send data to an arbitrary address on 443."""
    return [
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                }
            ],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
        },
        {"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": [{"protocol": "TCP", "port": 443}]},
        {
            "to": [
                {
                    "namespaceSelector": {
                        "matchLabels": {"kubernetes.io/metadata.name": monitoring_names.MONITORING_NAMESPACE}
                    }
                }
            ],
            "ports": [{"protocol": "TCP", "port": monitoring_names.PUSHGATEWAY_PORT}],
        },
    ]


class InCluster(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: RegionConfig,
        cluster: aws.eks.Cluster,
        aws_provider: aws.Provider,
        k8s_provider: k8s.Provider,
        storage_key_arn: pulumi.Input[str],
        monitoring_overlays: list[pulumi.Input[dict[str, Any]]] | None = None,
        backup_vault: BackupVault | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "ai-platform:in-cluster:InCluster",
            name,
            None,
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(providers=[k8s_provider])),
        )
        child = pulumi.ResourceOptions(parent=self)
        # Cluster-scoped, before anything whose pods name a class (monitoring, drift jobs, team workloads).
        priorities = PriorityClasses(f"{name}-priority-classes", opts=child)
        system = GovernedNamespace(
            f"{name}-system",
            namespace=SYSTEM_NAMESPACE,
            quota=Quota("8", "16Gi", 0, 50),
            labels={"ai-platform/team": "platform"},
            opts=child,
        )
        k8s.core.v1.ConfigMap(
            f"{name}-profile",
            metadata={
                "name": "ai-platform-profile",
                "namespace": SYSTEM_NAMESPACE,
                "labels": {"app.kubernetes.io/part-of": "ai-platform"},
            },
            data={"profile.json": json.dumps(platform_profile(ctx, region), sort_keys=True)},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[system.namespace]),
        )

        for team in ctx.config.teams:
            TeamAccess(f"{name}-team-{team.name}", team=team, opts=child)

        # Before the models: the drift jobs push to its Pushgateway.
        monitoring = MonitoringStack(
            f"{name}-monitoring",
            ctx=ctx,
            region=region,
            storage_key_arn=storage_key_arn,
            values_overlays=[*(monitoring_overlays or []), alertmanager_values(ctx.config, stack=ctx.stack)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[priorities]),
        )
        in_monitoring = pulumi.ResourceOptions(parent=self, depends_on=[monitoring.namespace])
        AlertRouting(f"{name}-alert-routing", ctx=ctx, opts=in_monitoring)
        # The release installs the operator's CRDs that PrometheusRule and ServiceMonitor objects need.
        AlertRules(f"{name}-alerts", ctx=ctx, region=region, depends_on=[monitoring.release], opts=child)
        Dashboards(f"{name}-dashboards", ctx=ctx, depends_on=[monitoring.release], opts=child)
        if backup_vault is not None:
            # Backups of this cluster into the region's vault, and the proof that the latest one restores.
            velero = Velero(
                f"{name}-velero",
                ctx=ctx,
                region=region.name,
                cluster=cluster,
                vault=backup_vault,
                vpc_cidr=region.cidr,
                aws_provider=aws_provider,
                system_tolerations=system_placement(ctx.config)["tolerations"],
                depends_on=[monitoring.release],
                opts=child,
            )
            RestoreVerification(
                f"{name}-restore-check",
                ctx=ctx,
                region=region.name,
                vpc_cidr=region.cidr,
                velero_namespace=velero_namespace(),
                depends_on=[velero.release, monitoring.pushgateway],
                opts=child,
            )
        node_agents = GovernedNamespace(
            f"{name}-node-agents",
            namespace=monitoring_names.NODE_AGENTS_NAMESPACE,
            # Grows with the GPU pools: one pod of each GPU agent per node (infra/components/gpu/footprint.py).
            quota=node_agents_quota(ctx.config),
            labels={"ai-platform/team": "platform"},
            pod_security="privileged",
            opts=child,
        )
        if accelerated_pools(ctx.config, NVIDIA):
            DcgmExporter(f"{name}-dcgm", ctx=ctx, depends_on=[node_agents.namespace, monitoring.release], opts=child)
            if plugin_pools(ctx.config):  # not where every GPU pool's AMI runs a device plugin of its own
                DevicePlugin(
                    f"{name}-device-plugin",
                    ctx=ctx,
                    vpc_cidr=region.cidr,
                    depends_on=[node_agents.namespace],
                    opts=child,
                )

        if ctx.config.models:
            models = GovernedNamespace(
                f"{name}-models",
                namespace=MODELS_NAMESPACE,
                quota=Quota("16", "32Gi", 0, 100),
                labels={"ai-platform/team": "platform"},
                opts=child,
            )
            k8s.networking.v1.NetworkPolicy(
                f"{name}-drift-egress",
                metadata={"name": "drift-jobs-egress", "namespace": MODELS_NAMESPACE},
                spec={
                    "podSelector": {"matchLabels": dict(DRIFT_JOB_POD_LABELS)},
                    "policyTypes": ["Egress"],
                    "egress": drift_egress_rules(region.cidr),
                },
                opts=pulumi.ResourceOptions(parent=self, depends_on=[models.namespace]),
            )
            for model in ctx.config.models:
                ModelDeployment(
                    f"{name}-model-{model.name}",
                    ctx=ctx,
                    model=model,
                    region=region.name,
                    active=region.role == "primary",
                    partition=partition_of(region.name),
                    cluster_name=cluster.name,
                    aws_provider=aws_provider,
                    namespace=models.namespace,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[monitoring.pushgateway, priorities]),
                )
        self.register_outputs({})
