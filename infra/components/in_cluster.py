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
from infra.components.continuity.backups import BackupVault
from infra.components.continuity.restore_check import RestoreVerification
from infra.components.continuity.velero import Velero
from infra.components.continuity.velero import namespace as velero_namespace
from infra.components.gpu.dcgm_exporter import DcgmExporter
from infra.components.gpu.device_plugin import DevicePlugin, plugin_pools
from infra.components.gpu.footprint import node_agents_quota
from infra.components.models.model_cards import DRIFT_JOB_POD_LABELS, ModelDeployment
from infra.components.models.names import MODELS_NAMESPACE
from infra.components.monitoring import names as monitoring_names
from infra.components.monitoring.alertmanager.component import AlertRouting
from infra.components.monitoring.alertmanager.component import values_overlay as alertmanager_values
from infra.components.monitoring.alerts import AlertRules
from infra.components.monitoring.dashboards import Dashboards
from infra.components.monitoring.stack import MonitoringStack
from infra.components.nodes.spec import NVIDIA, accelerated_pools, pool_specs, system_placement
from infra.components.security.pki.component import PlatformPki
from infra.components.security.pki.names import TRUST_BUNDLE_LABELS
from infra.components.storage.bucket_reconciler import JOBS_QUOTA, BucketReconciler
from infra.components.storage.ceph.component import CephObjectStore
from infra.components.storage.client import object_store_egress
from infra.components.storage.contract import namespace as storage_namespace
from infra.components.storage.minio.component import MinioObjectStore
from infra.components.storage.storage_class import DefaultStorageClass
from infra.components.storage.users import object_store_users
from infra.config.model import RegionConfig
from infra.context import StackContext

SYSTEM_NAMESPACE = "ai-platform-system"


def platform_profile(ctx: StackContext, region: RegionConfig) -> dict[str, object]:
    """What in-cluster tools and the governance policies read about the stack this cluster belongs to."""
    dr = ctx.config.dr
    storage = ctx.config.storage
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
        # The object store and backup cadence the storage policies judge the cluster's objects against.
        "storage": {
            "backend": storage.backend,
            "backup": {
                "retentionDays": storage.backup.retention_days,
                "objectLockDays": storage.backup.object_lock_days,
                "everyHours": storage.backup.every_hours,
                "verifyEveryHours": storage.backup.verify_every_hours,
            },
        },
    }


def drift_egress_rules(backend: str) -> list[dict[str, Any]]:
    """Where drift jobs may connect: DNS, the region's object store (their windows and reports) and the
    Pushgateway. Nothing else: no AWS API (the jobs hold object-store keys, not an AWS identity), nothing
    outside the cluster, so a compromised job cannot send data to an arbitrary address."""
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
        object_store_egress(backend),
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

        teams = [TeamAccess(f"{name}-team-{team.name}", team=team, opts=child) for team in ctx.config.teams]
        default_class = DefaultStorageClass(f"{name}-default-storage-class", key_arn=storage_key_arn, opts=child)
        # The bucket reconciler (and the bucket-admin user's credentials) live here.
        storage_jobs = GovernedNamespace(
            f"{name}-storage-jobs",
            namespace=storage_namespace("jobs"),
            quota=JOBS_QUOTA,
            # The reconciler mounts the platform CA bundle to verify the object store.
            labels={"ai-platform/team": "platform", **TRUST_BUNDLE_LABELS},
            opts=child,
        )

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
        # Every backend's certificates come from the platform CA (its ServiceMonitors need the operator's CRDs).
        pki = PlatformPki(f"{name}-pki", vpc_cidr=region.cidr, depends_on=[monitoring.release], opts=child)
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
                # The canary volume uses the default (encrypted) class.
                depends_on=[velero.release, monitoring.pushgateway, default_class],
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

        # The object store writes its users' credentials into these namespaces.
        user_namespaces: list[pulumi.Resource] = [storage_jobs.namespace, *(team.namespace.namespace for team in teams)]
        if ctx.config.models:
            models = GovernedNamespace(
                f"{name}-models",
                namespace=MODELS_NAMESPACE,
                quota=Quota("16", "32Gi", 0, 100),
                # The drift jobs mount the platform CA bundle to verify the object store.
                labels={"ai-platform/team": "platform", **TRUST_BUNDLE_LABELS},
                opts=child,
            )
            user_namespaces.append(models.namespace)
            k8s.networking.v1.NetworkPolicy(
                f"{name}-drift-egress",
                metadata={"name": "drift-jobs-egress", "namespace": MODELS_NAMESPACE},
                spec={
                    "podSelector": {"matchLabels": dict(DRIFT_JOB_POD_LABELS)},
                    "policyTypes": ["Egress"],
                    "egress": drift_egress_rules(ctx.config.storage.backend),
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
                    namespace=models.namespace,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[monitoring.pushgateway, priorities]),
                )
        store: pulumi.Resource
        if ctx.config.storage.backend == "ceph":
            store = CephObjectStore(
                f"{name}-ceph",
                ctx=ctx,
                region=region,
                users=object_store_users(ctx.config),
                storage_class=default_class,
                storage_key_arn=storage_key_arn,
                pki_ready=pki.ready,
                monitoring_crds=[monitoring.release],
                user_namespaces=user_namespaces,
                opts=child,
            )
        else:
            store = MinioObjectStore(
                f"{name}-minio",
                ctx=ctx,
                region=region,
                # The Tenant's volumes use the default (encrypted) class; its Certificates need cert-manager.
                depends_on=[*user_namespaces, monitoring.release, default_class, *pki.ready],
                opts=child,
            )
        # The region's purpose buckets, applied by the reconciler from the bucket contract once the object store
        # and its users' Secrets exist.
        BucketReconciler(
            f"{name}-buckets",
            ctx=ctx,
            region=region.name,
            namespace=storage_jobs.namespace,
            depends_on=[store],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[priorities]),
        )
        self.register_outputs({})
