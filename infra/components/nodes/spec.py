"""What each node pool is once deployed: the stack's pool config plus what its role and accelerator add.

The labels, taints, AMI types and extended resources come from the scheduling contract
(policies/packs/shared/node_scheduling.data.yaml), which the policy packs load too; GPU counts per instance
type come from gpu_instance_types.yaml. Every GPU behaviour (AMI, taint, labels, device plugin and exporter
placement, autoscaler templates, quotas) is keyed on a pool's `accelerator`, never on its name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from infra.components.nodes.contract import (
    DEVICE_PLUGIN_CONFIG_LABEL,
    GPU_INSTANCE_TYPES_FILE,
    NO_ACCELERATOR,
    NVIDIA,
    SCHEDULING_FILE,
    AcceleratorSpec,
    accelerators,
    gpu_model,
    gpus_per_instance,
    has_gpus,
    pool_label,
    role_label,
    role_taints,
    scheduling_contract,
)
from infra.config.model import NodePoolConfig, PlatformConfig, Taint

# Cluster Autoscaler's AWS provider recognises a GPU node by this label (cloudprovider/aws GPULabel): a new
# node carrying it whose device plugin does not advertise GPUs yet counts as not ready, so CA waits for it
# instead of adding more nodes for the same pending pods. The value names the GPU type.
AUTOSCALER_GPU_LABEL: Final = "k8s.amazonaws.com/accelerator"

__all__ = [
    "AUTOSCALER_GPU_LABEL",
    "DEVICE_PLUGIN_CONFIG_LABEL",
    "GPU_INSTANCE_TYPES_FILE",
    "NO_ACCELERATOR",
    "NVIDIA",
    "SCHEDULING_FILE",
    "AcceleratorSpec",
    "PoolSpec",
    "accelerated_pools",
    "accelerator_placement",
    "accelerators",
    "gpu_model",
    "gpus_per_instance",
    "has_gpus",
    "pool_label",
    "pool_spec",
    "pool_specs",
    "role_label",
    "role_taints",
    "scheduling_contract",
    "system_placement",
    "tolerations",
]


@dataclass(frozen=True)
class PoolSpec:
    """A pool as deployed: the config plus the labels and taints its role and accelerator add."""

    name: str
    config: NodePoolConfig
    accelerator: AcceleratorSpec
    ami_type: str
    labels: dict[str, str]
    taints: tuple[Taint, ...]
    gpus_per_node: int
    """Physical accelerators per node (0 without one; the first instance type's count)."""

    @property
    def role(self) -> str:
        return self.config.role

    @property
    def accelerated(self) -> bool:
        return self.accelerator.resource is not None

    @property
    def advertised_per_node(self) -> int:
        """What the device plugin advertises per node: physical GPUs times the time-slicing replicas."""
        sharing = self.config.gpu_sharing
        replicas = sharing.time_slicing_replicas if sharing and sharing.time_slicing_replicas else 1
        return self.gpus_per_node * replicas

    @property
    def max_accelerators(self) -> int:
        """The most the pool can advertise at its maximum size (the autoscaler's GPU ceiling for it)."""
        return self.advertised_per_node * self.config.max_size


def _merge_taints(own: Iterable[Taint], mandatory: Iterable[Taint]) -> tuple[Taint, ...]:
    """The pool's own taints, plus each mandatory taint whose key the pool does not already set."""
    taints = list(own)
    taints += [t for t in mandatory if all(t.key != existing.key for existing in taints)]
    return tuple(taints)


def pool_spec(name: str, pool: NodePoolConfig) -> PoolSpec:
    accelerator = accelerators()[pool.accelerator]
    labels = {**pool.labels, **accelerator.labels, pool_label(): name, role_label(): pool.role}
    if pool.gpu_sharing is not None:
        labels[DEVICE_PLUGIN_CONFIG_LABEL] = name
    gpus = 0
    if accelerator.resource is not None:
        gpus = gpus_per_instance(accelerator.name, pool.instance_types[0]) or 0
        model = gpu_model(accelerator.name, pool.instance_types[0])
        labels[AUTOSCALER_GPU_LABEL] = f"{accelerator.name}-{(model or 'unknown').lower()}"
    return PoolSpec(
        name=name,
        config=pool,
        accelerator=accelerator,
        ami_type=pool.ami_type or accelerator.default_ami_type,
        labels=labels,
        taints=_merge_taints(pool.taints, [*role_taints(pool.role), *accelerator.taints]),
        gpus_per_node=gpus,
    )


def pool_specs(config: PlatformConfig) -> list[PoolSpec]:
    return [pool_spec(name, pool) for name, pool in config.node_pools.items()]


def accelerated_pools(config: PlatformConfig, accelerator: str = NVIDIA) -> list[PoolSpec]:
    return [spec for spec in pool_specs(config) if spec.accelerator.name == accelerator]


def tolerations(taints: Iterable[Taint]) -> list[dict[str, str]]:
    """Kubernetes tolerations for exactly these taints (deduplicated, in order)."""
    seen: list[dict[str, str]] = []
    for taint in taints:
        toleration = {"key": taint.key, "operator": "Equal", "value": taint.value, "effect": taint.effect}
        if toleration not in seen:
            seen.append(toleration)
    return seen


def accelerator_placement(config: PlatformConfig, accelerator: str = NVIDIA) -> dict[str, Any]:
    """nodeSelector and tolerations that land a pod on every pool of `accelerator` and nowhere else:
    the accelerator's own labels (shared by all its pools), and every taint any of those pools carries."""
    pools = accelerated_pools(config, accelerator)
    return {
        "nodeSelector": dict(accelerators()[accelerator].labels),
        "tolerations": tolerations(t for spec in pools for t in spec.taints),
    }


def system_placement(config: PlatformConfig) -> dict[str, Any]:
    """Tolerations that let a cluster add-on run on the system pools (it may also run elsewhere)."""
    return {"tolerations": tolerations(t for spec in pool_specs(config) if spec.role == "system" for t in spec.taints)}
