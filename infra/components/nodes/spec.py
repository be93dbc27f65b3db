"""What each node pool is once deployed: the stack's pool config plus what its role and accelerator add.

The labels, taints, AMI types and extended resources come from the scheduling contract
(policies/packs/shared/node_scheduling.data.yaml), which the policy packs load too; GPU counts per instance
type come from gpu_instance_types.yaml. Every GPU behaviour (AMI, taint, labels, device plugin and exporter
placement, autoscaler templates, quotas) is keyed on a pool's `accelerator`, never on its name.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from infra.config.model import NodePoolConfig, PlatformConfig, Taint

ROOT: Final = Path(__file__).resolve().parents[3]
SCHEDULING_FILE: Final = ROOT / "policies" / "packs" / "shared" / "node_scheduling.data.yaml"
GPU_INSTANCE_TYPES_FILE: Final = Path(__file__).with_name("gpu_instance_types.yaml")
NVIDIA: Final = "nvidia"
NO_ACCELERATOR: Final = "none"
# The NVIDIA device plugin picks a node's entry of its config map from this node label (the chart's
# config-manager convention); a pool with gpuSharing gets its own entry, named after the pool.
DEVICE_PLUGIN_CONFIG_LABEL: Final = "nvidia.com/device-plugin.config"
# Cluster Autoscaler's AWS provider recognises a GPU node by this label (cloudprovider/aws GPULabel): a new
# node carrying it whose device plugin does not advertise GPUs yet counts as not ready, so CA waits for it
# instead of adding more nodes for the same pending pods. The value names the GPU type.
AUTOSCALER_GPU_LABEL: Final = "k8s.amazonaws.com/accelerator"


@dataclass(frozen=True)
class AcceleratorSpec:
    name: str
    resource: str | None
    taints: tuple[Taint, ...]
    labels: dict[str, str]
    ami_types: tuple[str, ...]

    @property
    def default_ami_type(self) -> str:
        return self.ami_types[0]


@functools.cache
def scheduling_contract() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(SCHEDULING_FILE.read_text(encoding="utf-8"))["node_scheduling"]
    return document


def _taints(entries: Iterable[dict[str, str]]) -> tuple[Taint, ...]:
    return tuple(Taint(**entry) for entry in entries)


@functools.cache
def accelerators() -> dict[str, AcceleratorSpec]:
    return {
        name: AcceleratorSpec(
            name=name,
            resource=entry.get("resource"),
            taints=_taints(entry.get("taints", [])),
            labels=dict(entry.get("labels", {})),
            ami_types=tuple(entry["amiTypes"]),
        )
        for name, entry in scheduling_contract()["accelerators"].items()
    }


def pool_label() -> str:
    label: str = scheduling_contract()["labels"]["pool"]
    return label


def role_label() -> str:
    label: str = scheduling_contract()["labels"]["role"]
    return label


def role_taints(role: str) -> tuple[Taint, ...]:
    return _taints(scheduling_contract()["roles"][role].get("taints", []))


@functools.cache
def _gpu_table() -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = yaml.safe_load(GPU_INSTANCE_TYPES_FILE.read_text(encoding="utf-8"))
    return table


def gpus_per_instance(accelerator: str, instance_type: str) -> int | None:
    """GPUs of `accelerator` on one instance of `instance_type`; None when the table does not know it."""
    family, _, size = instance_type.partition(".")
    entry = _gpu_table().get(accelerator, {}).get(family)
    if entry is None:
        return None
    count = entry["sizes"].get(size)
    return int(count) if count is not None else None


def gpu_model(accelerator: str, instance_type: str) -> str | None:
    entry = _gpu_table().get(accelerator, {}).get(instance_type.partition(".")[0])
    return None if entry is None else str(entry["gpu"])


def has_gpus(instance_type: str) -> bool:
    """Whether any accelerator of the table lists this instance type."""
    return any(gpus_per_instance(name, instance_type) for name in _gpu_table())


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
