"""One PrometheusRule per rule group, in the monitoring namespace, carrying the label Prometheus selects."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from infra.components.monitoring import names
from infra.components.monitoring.alerts.groups import rule_groups
from infra.config.model import RegionConfig
from infra.context import StackContext


class AlertRules(pulumi.ComponentResource):
    """`depends_on`: the release that installs the PrometheusRule CRD (kube-prometheus-stack)."""

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: RegionConfig,
        depends_on: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:monitoring:AlertRules", name, None, opts)
        self.rules: dict[str, k8s.apiextensions.CustomResource] = {}
        for group in rule_groups(ctx.config, stack=ctx.stack, region=region.name):
            # Kubernetes names: lower-case DNS labels; the group names are already ai-platform.<...>.
            object_name = group["name"].replace(".", "-")
            self.rules[group["name"]] = k8s.apiextensions.CustomResource(
                f"{name}-{object_name}",
                api_version="monitoring.coreos.com/v1",
                kind="PrometheusRule",
                metadata={
                    "name": object_name,
                    "namespace": names.MONITORING_NAMESPACE,
                    "labels": {**names.SELECTOR_LABELS, "app.kubernetes.io/part-of": "ai-platform"},
                },
                spec={"groups": [group]},
                opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
            )
        self.register_outputs({"groups": sorted(self.rules)})
