"""The scheduling contract and the GPU instance table, read from data (no pool logic here).

`policies/packs/shared/node_scheduling.data.yaml` holds the platform's node labels, what each pool role adds
and, per accelerator, the extended resource, taints, labels and AMI types; every policy pack loads the same
file. `gpu_instance_types.yaml` holds GPUs per instance type. The config rules (infra/config/rules.py) and
spec.py both read them through this module.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

if TYPE_CHECKING:
    from infra.config.model import Taint

ROOT: Final = Path(__file__).resolve().parents[3]
SCHEDULING_FILE: Final = ROOT / "policies" / "packs" / "shared" / "node_scheduling.data.yaml"
GPU_INSTANCE_TYPES_FILE: Final = Path(__file__).with_name("gpu_instance_types.yaml")
# Kubernetes taint effects as the EKS node-group API spells them (the plan carries these).
EKS_TAINT_EFFECTS: Final = {
    "NoSchedule": "NO_SCHEDULE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
}
NVIDIA: Final = "nvidia"
NO_ACCELERATOR: Final = "none"
# The NVIDIA device plugin picks a node's entry of its config map from this node label (the chart's
# config-manager convention); a pool with gpuSharing gets its own entry, named after the pool.
DEVICE_PLUGIN_CONFIG_LABEL: Final = "nvidia.com/device-plugin.config"


@dataclass(frozen=True)
class AcceleratorSpec:
    name: str
    resource: str | None
    taints: tuple[Taint, ...]
    labels: dict[str, str]
    ami_types: tuple[str, ...]
    own_plugin_ami_types: tuple[str, ...]
    """AMI types that run the accelerator's device plugin themselves (no plugin DaemonSet there)."""

    @property
    def default_ami_type(self) -> str:
        return self.ami_types[0]


@functools.cache
def scheduling_contract() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(SCHEDULING_FILE.read_text(encoding="utf-8"))["node_scheduling"]
    return document


def _taints(entries: Iterable[dict[str, str]]) -> tuple[Taint, ...]:
    # Imported here, not above: the config package validates pools with this module (infra/config/rules.py),
    # so importing the config model at module level would be circular.
    from infra.config.model import Taint  # noqa: PLC0415

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
            own_plugin_ami_types=tuple(entry.get("amiTypesWithOwnDevicePlugin", [])),
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
