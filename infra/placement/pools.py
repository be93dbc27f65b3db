"""The node pools of a plan: every EKS managed node group, with the labels and taints its nodes will carry."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from infra.components.nodes.contract import EKS_TAINT_EFFECTS
from infra.components.nodes.spec import NO_ACCELERATOR, accelerators, pool_label
from infra.placement.model import OPAQUE, PlacementInputError, Pool, Taint
from infra.placement.plan import Plan

NODE_GROUP: Final = "aws:eks/nodeGroup:NodeGroup"
NODE_LABELS_FILE: Final = Path(__file__).with_name("node_labels.yaml")
# The EKS API spells taint effects in upper snake case; pods tolerate the Kubernetes names.
EKS_EFFECTS: Final = {eks: kubernetes for kubernetes, eks in EKS_TAINT_EFFECTS.items()}


@functools.cache
def node_labels() -> dict[str, Any]:
    table: dict[str, Any] = yaml.safe_load(NODE_LABELS_FILE.read_text(encoding="utf-8"))
    return table


def _string_map(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) and v not in OPAQUE for v in value.values()):
        raise PlacementInputError(f"{what}: expected a map of strings, got {value!r}")
    return {str(k): v for k, v in value.items()}


def _taints(value: Any, what: str) -> tuple[Taint, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PlacementInputError(f"{what}: expected a list, got {value!r}")
    taints = []
    for entry in value:
        if not isinstance(entry, Mapping):
            raise PlacementInputError(f"{what}: expected taint objects, got {entry!r}")
        key, raw_value, effect = entry.get("key"), entry.get("value", ""), entry.get("effect")
        if not isinstance(key, str) or not isinstance(raw_value, str) or effect not in EKS_EFFECTS:
            raise PlacementInputError(f"{what}: unreadable taint {dict(entry)!r} (effects: {', '.join(EKS_EFFECTS)})")
        taints.append(Taint(key, raw_value, EKS_EFFECTS[effect]))
    return tuple(taints)


def accelerator_of(ami_type: str | None) -> str:
    """The accelerator whose AMI types (the scheduling contract) include this one."""
    for spec in accelerators().values():
        if ami_type in spec.ami_types and spec.resource is not None:
            return spec.name
    return NO_ACCELERATOR


def implicit_labels(ami_type: str | None, capacity_type: str | None) -> dict[str, str]:
    table = node_labels()
    labels = dict(table["common"])
    for part, arch in table["archByAmiType"].items():
        if ami_type and part in ami_type:
            labels["kubernetes.io/arch"] = arch
    if ami_type is None:  # the EKS default AMI type is x86_64
        labels["kubernetes.io/arch"] = table["archByAmiType"]["x86_64"]
    labels[table["capacityTypeLabel"]] = capacity_type or "ON_DEMAND"
    return labels


def pools_of(plan: Plan) -> dict[str, list[Pool]]:
    """Pools by cluster name."""
    by_cluster: dict[str, list[Pool]] = {}
    for resource in plan.of_type(NODE_GROUP):
        inputs = resource.inputs
        what = f"node group {resource.name}"
        cluster = inputs.get("clusterName")
        if not isinstance(cluster, str) or cluster in OPAQUE:
            raise PlacementInputError(f"{what}: clusterName is {cluster!r}, not a known string")
        ami_type = inputs.get("amiType")
        capacity_type = inputs.get("capacityType")
        if ami_type is not None and not isinstance(ami_type, str):
            raise PlacementInputError(f"{what}: amiType is {ami_type!r}")
        if capacity_type is not None and not isinstance(capacity_type, str):
            raise PlacementInputError(f"{what}: capacityType is {capacity_type!r}")
        own = _string_map(inputs.get("labels"), f"{what}.labels")
        labels = {**implicit_labels(ami_type, capacity_type), **own}
        pool = Pool(
            cluster=cluster,
            name=own.get(pool_label(), resource.name),
            urn=resource.urn,
            labels=labels,
            taints=_taints(inputs.get("taints"), f"{what}.taints"),
            accelerator=accelerator_of(ami_type),
        )
        by_cluster.setdefault(cluster, []).append(pool)
    return by_cluster
