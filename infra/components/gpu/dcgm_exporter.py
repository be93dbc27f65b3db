"""NVIDIA's DCGM exporter on the GPU nodes: per-GPU utilisation, memory, temperature, power, throttling and
error counters for the GPU dashboards and alerts.

Where it runs is derived from the pools with `accelerator: nvidia` as node_pools.py deploys them (the same
labels and taints, infra/components/nodes/spec.py), so a taint changed in the stack file moves the
exporter's tolerations with it. A stack without NVIDIA pools gets no exporter.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s
import yaml

from infra.components.gpu.charts import pin
from infra.components.monitoring import names, network
from infra.components.nodes.spec import NVIDIA, accelerator_placement
from infra.config.model import PlatformConfig
from infra.context import StackContext

CHART: Final = "dcgm-exporter"
CHART_VERSION: Final = pin(CHART).version
CHART_REPOSITORY: Final = pin(CHART).repository
VALUES_DIR: Final = Path(__file__).with_name("values")
VALUES_FILE: Final = VALUES_DIR / "dcgm-exporter.yaml"
COUNTERS_FILE: Final = VALUES_DIR / "dcgm-counters.csv"
# The chart's selector labels (name = chart name, instance = release name) select the exporter's pods.
EXPORTER_POD_LABELS: Final = {
    "app.kubernetes.io/name": CHART,
    "app.kubernetes.io/instance": names.DCGM_EXPORTER_RELEASE,
}
# The chart's default scrape timeout, lowered for shorter scrape intervals (a timeout may not exceed it).
SCRAPE_TIMEOUT_SECONDS: Final = 10


def placement(config: PlatformConfig) -> dict[str, Any]:
    """nodeSelector and tolerations: the NVIDIA accelerator's labels, and every taint of its pools."""
    return accelerator_placement(config, NVIDIA)


def _base_values() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))
    return loaded


def metrics_port() -> int:
    """The exporter's metrics port (the values file's service.port; the chart's container listens on it)."""
    return int(_base_values()["service"]["port"])


def values(config: PlatformConfig) -> dict[str, Any]:
    base = _base_values()
    interval = config.monitoring.scrape_interval_seconds
    service_monitor = {
        **base["serviceMonitor"],
        "interval": f"{interval}s",
        "scrapeTimeout": f"{min(interval, SCRAPE_TIMEOUT_SECONDS)}s",
        # Prometheus selects only ServiceMonitors with the platform's selector label.
        "additionalLabels": dict(names.SELECTOR_LABELS),
    }
    return {
        **base,
        **placement(config),
        # The Service (and so the scrape job label) is named exactly after the release.
        "fullnameOverride": names.DCGM_EXPORTER_RELEASE,
        "serviceMonitor": service_monitor,
        "customMetrics": COUNTERS_FILE.read_text(encoding="utf-8"),
    }


class DcgmExporter(pulumi.ComponentResource):
    release: k8s.helm.v3.Release

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        depends_on: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:gpu:DcgmExporter", name, None, opts)
        self.release = k8s.helm.v3.Release(
            name,
            name=names.DCGM_EXPORTER_RELEASE,
            chart=CHART,
            version=CHART_VERSION,
            repository_opts={"repo": CHART_REPOSITORY},
            namespace=names.NODE_AGENTS_NAMESPACE,
            values=values(ctx.config),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)),
        )
        # The node-agents namespace denies all ingress by default: Prometheus alone may scrape the exporter.
        k8s.networking.v1.NetworkPolicy(
            f"{name}-scrape",
            metadata={"name": "dcgm-exporter-scrape", "namespace": names.NODE_AGENTS_NAMESPACE},
            spec=network.scrape_ingress(EXPORTER_POD_LABELS, metrics_port()),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)),
        )
        self.register_outputs({})
