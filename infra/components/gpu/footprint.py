"""What the GPU node agents cost the node-agents namespace's quota at the GPU pools' maximum size.

Both agents are DaemonSets: one pod of each per GPU node. A ResourceQuota that is too small does not fail the
plan or the rollout, it silently refuses the pods of the nodes added last, and a GPU node without its device
plugin advertises no GPUs (the pods waiting for it stay pending, and the autoscaler keeps adding nodes).
So the namespace's quota grows with the pools: limits of both agents per node times the most GPU nodes
the stack's pools can have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from infra.components.access.namespaces import Quota
from infra.components.gpu import dcgm_exporter, device_plugin
from infra.components.nodes.spec import NVIDIA, accelerated_pools
from infra.config.model import PlatformConfig

# The node-agents namespace's quota before GPU pools made it grow (kept for small stacks: no plan change).
BASE_QUOTA: Final = Quota("4", "8Gi", 0, 100)
AGENT_PODS_PER_NODE: Final = 2

_CPU = re.compile(r"^(\d+)(m?)$")
_MEMORY = re.compile(r"^(\d+)(Mi|Gi)$")


def millicores(quantity: str) -> int:
    match = _CPU.match(quantity)
    if match is None:
        raise ValueError(f"cpu quantity {quantity!r}: expected whole cores or millicores")
    return int(match[1]) * (1 if match[2] else 1000)


def mebibytes(quantity: str) -> int:
    match = _MEMORY.match(quantity)
    if match is None:
        raise ValueError(f"memory quantity {quantity!r}: expected Mi or Gi")
    return int(match[1]) * (1024 if match[2] == "Gi" else 1)


@dataclass(frozen=True)
class Footprint:
    """CPU and memory limits, in millicores and MiB."""

    millicores: int
    mebibytes: int

    def __add__(self, other: Footprint) -> Footprint:
        return Footprint(self.millicores + other.millicores, self.mebibytes + other.mebibytes)

    def times(self, n: int) -> Footprint:
        return Footprint(self.millicores * n, self.mebibytes * n)


# The default limits the namespace's LimitRange gives a container without resources (GovernedNamespace): the
# chart's config-manager containers get them. tests/infra/test_gpu_footprint.py joins the two.
CONTAINER_DEFAULT: Final = Footprint(500, 512)


def _limits(resources: dict[str, Any]) -> Footprint:
    limits = resources["limits"]
    return Footprint(millicores(limits["cpu"]), mebibytes(limits["memory"]))


def per_node(config: PlatformConfig) -> Footprint:
    """Quota `limits` one GPU node's agents use."""
    container_default = CONTAINER_DEFAULT
    dcgm = _limits(dcgm_exporter.values(config)["resources"])
    plugin = _limits(device_plugin.values(config)["resources"])
    if device_plugin.config_map(config):
        # The sidecar runs beside the plugin; the init container runs alone first. A pod is charged the larger
        # of its containers' sum and its largest init container.
        running = plugin + container_default
        plugin = Footprint(
            max(running.millicores, container_default.millicores), max(running.mebibytes, container_default.mebibytes)
        )
    return dcgm + plugin


def max_gpu_nodes(config: PlatformConfig) -> int:
    return sum(spec.config.max_size for spec in accelerated_pools(config, NVIDIA))


def node_agents_quota(config: PlatformConfig) -> Quota:
    """The base quota, or what the GPU agents need at the pools' maximum size where that is more."""
    nodes = max_gpu_nodes(config)
    needed = per_node(config).times(nodes)
    base = Footprint(millicores(BASE_QUOTA.cpu), mebibytes(BASE_QUOTA.memory))
    pods = max(BASE_QUOTA.pods, AGENT_PODS_PER_NODE * nodes)
    if needed.millicores <= base.millicores and needed.mebibytes <= base.mebibytes and pods == BASE_QUOTA.pods:
        return BASE_QUOTA
    cpu = max(needed.millicores, base.millicores)
    memory = max(needed.mebibytes, base.mebibytes)
    return Quota(f"{cpu}m", f"{memory}Mi", BASE_QUOTA.gpus, pods)
