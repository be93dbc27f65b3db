"""NVIDIA's device plugin on the GPU nodes: it advertises each node's GPUs to the kubelet as `nvidia.com/gpu`,
without which no pod can request a GPU and the GPU pools never scale from zero.

Placement is the pools' own: the accelerator's labels as nodeSelector and in the only node-affinity term
(the chart's default affinity, on NFD labels, is replaced), and every taint of the NVIDIA pools tolerated
(infra/components/nodes/spec.py). Pools whose AMI runs its own device plugin (Bottlerocket) are left out by
the affinity term's pool label. Pools with `gpuSharing` get an entry of the plugin's config map named after
the pool; their nodes carry DEVICE_PLUGIN_CONFIG_LABEL=<pool>, which the chart's config-manager reads.
A stack without NVIDIA pools gets no plugin.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s
import yaml

from infra.components.chart_pins import pinned_release
from infra.components.gpu.charts import pin
from infra.components.monitoring import names
from infra.components.nodes.spec import NVIDIA, PoolSpec, accelerated_pools, accelerator_placement, pool_label
from infra.config.model import PlatformConfig
from infra.context import StackContext

CHART: Final = "nvidia-device-plugin"
RELEASE: Final = "nvidia-device-plugin"
VALUES_FILE: Final = Path(__file__).with_name("values") / "nvidia-device-plugin.yaml"
DATA_FILE: Final = Path(__file__).with_name("device_plugin.yaml")
# The config-map entry of every GPU node whose pool does not share its GPUs.
DEFAULT_CONFIG: Final = "default"
# The chart's pod labels (name = chart name, instance = release name).
PLUGIN_POD_LABELS: Final = {"app.kubernetes.io/name": CHART, "app.kubernetes.io/instance": RELEASE}
API_SERVER_PORT: Final = 443


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _data() -> dict[str, Any]:
    return _load(DATA_FILE)


def has_own_plugin(spec: PoolSpec) -> bool:
    """Whether the pool's AMI runs NVIDIA's device plugin itself (Bottlerocket's NVIDIA variants)."""
    return spec.ami_type in spec.accelerator.own_plugin_ami_types


def plugin_pools(config: PlatformConfig) -> list[PoolSpec]:
    """The NVIDIA pools the plugin's DaemonSet must run on."""
    return [spec for spec in accelerated_pools(config, NVIDIA) if not has_own_plugin(spec)]


def node_affinity(labels: dict[str, str], pools: list[str]) -> dict[str, Any]:
    """A required node affinity with one term: every label with its value (what nodeSelector says), and the
    node's pool among `pools`. Set explicitly because the chart's default affinity (NFD's PCI vendor labels,
    or gpu.present) is an OR of terms that would otherwise be merged with, and could contradict, the pools'."""
    expressions = [{"key": key, "operator": "In", "values": [value]} for key, value in sorted(labels.items())]
    expressions.append({"key": pool_label(), "operator": "In", "values": sorted(pools)})
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": expressions}]}
        }
    }


def placement(config: PlatformConfig) -> dict[str, Any]:
    """nodeSelector, affinity and tolerations: every NVIDIA pool without a plugin of its own, and no other."""
    base = accelerator_placement(config, NVIDIA)
    pools = [spec.name for spec in plugin_pools(config)]
    return {**base, "affinity": node_affinity(base["nodeSelector"], pools)}


def pool_config(spec: PoolSpec) -> dict[str, Any] | None:
    """The plugin's configuration file for a pool that shares its GPUs; None for an unshared pool."""
    sharing = spec.config.gpu_sharing
    if sharing is None:
        return None
    configs = _data()["configs"]
    if sharing.mig_strategy is not None:
        return {"version": "v1", "flags": {"migStrategy": sharing.mig_strategy}}
    if sharing.time_slicing_replicas is not None:
        return {
            "version": "v1",
            "flags": {"migStrategy": "none"},
            "sharing": {
                "timeSlicing": {
                    **configs["timeSlicing"],
                    "resources": [{"name": spec.accelerator.resource, "replicas": sharing.time_slicing_replicas}],
                }
            },
        }
    return None


def config_map(config: PlatformConfig) -> dict[str, dict[str, Any]]:
    """Name -> configuration file; empty when no NVIDIA pool shares its GPUs (the plugin then runs without the
    config-manager sidecar and without the SYS_ADMIN capability the chart grants whenever a config map is set)."""
    own = [spec.name for spec in accelerated_pools(config, NVIDIA) if has_own_plugin(spec) and spec.config.gpu_sharing]
    if own:
        raise ValueError(
            f"node pools {own} share their GPUs on an AMI that runs its own device plugin: this config map does not "
            "reach it (Bottlerocket sets sharing through settings.kubelet-device-plugins); use an AL2023 NVIDIA AMI"
        )
    shared = {spec.name: entry for spec in plugin_pools(config) if (entry := pool_config(spec))}
    if not shared:
        return {}
    if DEFAULT_CONFIG in shared:
        raise ValueError(
            f"node pool {DEFAULT_CONFIG!r} shares its GPUs: its device plugin config would replace the default "
            "every unshared GPU node falls back to; rename the pool"
        )
    return {DEFAULT_CONFIG: _data()["configs"][DEFAULT_CONFIG], **shared}


def values(config: PlatformConfig) -> dict[str, Any]:
    base = _load(VALUES_FILE)
    configs = config_map(config)
    rendered: dict[str, Any] = {**base, **placement(config), "fullnameOverride": RELEASE}
    if configs:
        rendered["config"] = {
            # The chart embeds each entry as the text of one ConfigMap key.
            "map": {name: yaml.safe_dump(entry, sort_keys=False) for name, entry in configs.items()},
            "default": DEFAULT_CONFIG,
        }
    return rendered


def api_egress(vpc_cidr: str) -> dict[str, Any]:
    return {
        "podSelector": {"matchLabels": dict(PLUGIN_POD_LABELS)},
        "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": [{"protocol": "TCP", "port": API_SERVER_PORT}]}],
    }


class DevicePlugin(pulumi.ComponentResource):
    release: k8s.helm.v3.Release

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        vpc_cidr: str,
        depends_on: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:gpu:DevicePlugin", name, None, opts)
        chart = pin(CHART)
        # The kubelet's device-plugins directory is a hostPath: only the node-agents namespace's Pod Security
        # level (privileged) admits it.
        self.release = pinned_release(
            name,
            release_name=RELEASE,
            pin=chart,
            namespace=names.NODE_AGENTS_NAMESPACE,
            values=values(ctx.config),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)),
        )
        if config_map(ctx.config):
            # The config-manager (init container and sidecar) reads its node's DEVICE_PLUGIN_CONFIG_LABEL from
            # the API server, whose private endpoint is in the VPC; node-agents denies all other egress.
            k8s.networking.v1.NetworkPolicy(
                f"{name}-api-egress",
                metadata={"name": "nvidia-device-plugin-api-egress", "namespace": names.NODE_AGENTS_NAMESPACE},
                spec=api_egress(vpc_cidr),
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)),
            )
        self.register_outputs({})
