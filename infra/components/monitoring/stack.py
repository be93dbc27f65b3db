"""The monitoring stack of one cluster: kube-prometheus-stack, the Pushgateway, their namespace,
storage class, Grafana admin secret, NetworkPolicies and the VPC CNI's PodMonitor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from infra.components.access.namespaces import GovernedNamespace, Quota
from infra.components.monitoring import names, network
from infra.components.monitoring.global_view import global_view_enabled
from infra.components.monitoring.values import (
    GRAFANA_ADMIN_SECRET,
    GRAFANA_PASSWORD_KEY,
    GRAFANA_USER_KEY,
    STORAGE_CLASS,
    chart_pins,
    deep_merge,
    kube_prometheus_values,
    pushgateway_values,
)
from infra.components.storage.storage_class import encrypted_ebs_class
from infra.config.model import RegionConfig
from infra.context import PLATFORM_TEAM, StackContext

# Sized for prod (two Prometheus of 2 CPU / 8 GiB limits, two Alertmanagers, Grafana and its sidecars,
# the operator, kube-state-metrics, the Pushgateway, config reloaders) with room for a rolling update.
MONITORING_QUOTA = Quota("16", "48Gi", 0, 60)

# The VPC CNI's aws-node pods (kube-system) serve IPAM metrics on their container port named `metrics`
# (61678); the IP-exhaustion alert reads them.
AWS_NODE_POD_LABELS = {"k8s-app": "aws-node"}
AWS_NODE_METRICS_PORT = "metrics"


def aws_node_pod_monitor() -> dict[str, Any]:
    return {
        "namespaceSelector": {"matchNames": ["kube-system"]},
        "selector": {"matchLabels": dict(AWS_NODE_POD_LABELS)},
        "podMetricsEndpoints": [{"port": AWS_NODE_METRICS_PORT}],
    }


def _merged(base: dict[str, Any], overlays: Sequence[pulumi.Input[dict[str, Any]]]) -> pulumi.Input[dict[str, Any]]:
    # Plain dicts (whose leaves may be outputs) merge now, so an unknown leaf in a first preview (the global
    # view's workspace URL) stays one leaf and the gate can still assess every other value of the release.
    plain = [overlay for overlay in overlays if isinstance(overlay, dict)]
    if len(plain) == len(overlays):
        return deep_merge(base, *plain)
    return pulumi.Output.all(*overlays).apply(lambda resolved: deep_merge(base, *resolved))


class MonitoringStack(pulumi.ComponentResource):
    namespace: k8s.core.v1.Namespace
    release: k8s.helm.v3.Release
    pushgateway: k8s.helm.v3.Release

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: RegionConfig,
        storage_key_arn: pulumi.Input[str],
        values_overlays: Sequence[pulumi.Input[dict[str, Any]]] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:monitoring:MonitoringStack", name, None, opts)
        governed = GovernedNamespace(
            f"{name}-ns",
            namespace=names.MONITORING_NAMESPACE,
            quota=MONITORING_QUOTA,
            labels={"ai-platform/team": PLATFORM_TEAM},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.namespace = governed.namespace
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        metadata = {"namespace": names.MONITORING_NAMESPACE, "labels": {"app.kubernetes.io/part-of": "ai-platform"}}

        storage_class = encrypted_ebs_class(
            f"{name}-gp3", class_name=STORAGE_CLASS, key_arn=storage_key_arn, opts=pulumi.ResourceOptions(parent=self)
        )

        # An explicit provider, like every other package's resources (no ambient default provider).
        random_provider = random.Provider(f"{name}-random", opts=pulumi.ResourceOptions(parent=self))
        password = random.RandomPassword(
            f"{name}-grafana-password",
            length=32,
            special=False,
            opts=pulumi.ResourceOptions(parent=self, provider=random_provider),
        )
        grafana_secret = k8s.core.v1.Secret(
            f"{name}-grafana-admin",
            metadata={**metadata, "name": GRAFANA_ADMIN_SECRET},
            type="Opaque",
            string_data={GRAFANA_USER_KEY: "admin", GRAFANA_PASSWORD_KEY: password.result},
            opts=in_namespace,
        )

        pins = chart_pins()
        values = kube_prometheus_values(
            ctx.config, stack=ctx.stack, region=region.name, cluster=ctx.cluster_name(region.name)
        )
        self.release = self._release(
            f"{name}-kube-prometheus-stack",
            release=names.KUBE_PROMETHEUS_RELEASE,
            chart="kube-prometheus-stack",
            pin=pins["kube-prometheus-stack"],
            values=_merged(values, values_overlays),
            depends_on=[self.namespace, storage_class, grafana_secret],
        )
        self.pushgateway = self._release(
            f"{name}-pushgateway",
            release=names.PUSHGATEWAY_RELEASE,
            chart="prometheus-pushgateway",
            pin=pins["prometheus-pushgateway"],
            values=pushgateway_values(ctx.config),
            # Its ServiceMonitor needs the operator's CRDs.
            depends_on=[self.namespace, storage_class, self.release],
        )

        policies = {
            "pushgateway-ingress": network.pushgateway_ingress(),
            "monitoring-egress-in-cluster": network.in_cluster_egress(region.cidr),
            "alertmanager-egress-receivers": network.alertmanager_receivers_egress(),
        }
        if global_view_enabled(ctx.config):
            policies["global-view-egress"] = network.global_view_egress()
        for policy_name, spec in policies.items():
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{policy_name}",
                metadata={**metadata, "name": policy_name},
                spec=spec,
                opts=in_namespace,
            )

        k8s.apiextensions.CustomResource(
            f"{name}-aws-node",
            api_version="monitoring.coreos.com/v1",
            kind="PodMonitor",
            metadata={
                "name": "aws-node",
                "namespace": names.MONITORING_NAMESPACE,
                "labels": {**metadata["labels"], **names.SELECTOR_LABELS},
            },
            spec=aws_node_pod_monitor(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.release]),
        )
        self.register_outputs({"namespace": names.MONITORING_NAMESPACE})

    def _release(
        self,
        name: str,
        *,
        release: str,
        chart: str,
        pin: dict[str, str],
        values: pulumi.Input[dict[str, Any]],
        depends_on: list[pulumi.Resource],
    ) -> k8s.helm.v3.Release:
        return k8s.helm.v3.Release(
            name,
            # An explicit name: Pulumi would add a random suffix, and the service names derive from it.
            name=release,
            chart=chart,
            version=pin["version"],
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=pin["repository"]),
            namespace=names.MONITORING_NAMESPACE,
            values=values,
            atomic=True,
            cleanup_on_fail=True,
            timeout=900,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
