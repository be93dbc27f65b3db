"""The workloads of a plan: native Kubernetes workloads, Helm releases of known charts, EKS add-ons."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from infra.components.nodes.spec import accelerators
from infra.placement.model import MUST_RUN_ON, OPAQUE, MustRunOn, Placement, PlacementInputError, Workload
from infra.placement.plan import Plan, Resource

CHART_TABLE_FILE: Final = Path(__file__).with_name("chart_workloads.yaml")
HELM_RELEASE: Final = "kubernetes:helm.sh/v3:Release"
EKS_ADDON: Final = "aws:eks/addon:Addon"
# Where each native kind keeps its pod spec.
POD_SPEC_PATHS: Final[dict[str, tuple[str, ...]]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
PLACEMENT_KEYS: Final = ("nodeSelector", "tolerations", "affinity")


@functools.cache
def chart_table() -> dict[str, Any]:
    table: dict[str, Any] = yaml.safe_load(CHART_TABLE_FILE.read_text(encoding="utf-8"))
    return table


def accelerator_resources() -> dict[str, str]:
    """Extended resource name -> accelerator, from the scheduling contract."""
    return {spec.resource: name for name, spec in accelerators().items() if spec.resource is not None}


def helm_merge(base: Any, override: Any) -> Any:
    """Helm's values coalescing: maps merge key by key, anything else replaces, null deletes the key."""
    if not isinstance(base, Mapping) or not isinstance(override, Mapping):
        return copy.deepcopy(override)
    merged = dict(copy.deepcopy(base))
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = helm_merge(merged.get(key), value)
    return merged


def _dig(values: Any, path: Iterable[str], what: str) -> Any:
    node = values
    for key in path:
        if node is None:
            return None
        if not isinstance(node, Mapping):
            raise PlacementInputError(f"{what}: {'.'.join(path)} crosses a {type(node).__name__}, not a map")
        node = node.get(key)
    return node


def _typed_placement(raw: Mapping[str, Any], what: str) -> Placement:
    selector, tolerations, affinity = (raw.get(k) for k in PLACEMENT_KEYS)
    selector = {} if selector is None else selector
    tolerations = [] if tolerations is None else tolerations
    affinity = {} if affinity is None else affinity
    if not isinstance(selector, Mapping):
        raise PlacementInputError(f"{what}: nodeSelector is {selector!r}, not a map")
    if not isinstance(tolerations, list):
        raise PlacementInputError(f"{what}: tolerations is {tolerations!r}, not a list")
    if not isinstance(affinity, Mapping):
        raise PlacementInputError(f"{what}: affinity is {affinity!r}, not a map")
    return Placement(dict(selector), tuple(tolerations), dict(affinity))


def _requests(pod_spec: Mapping[str, Any], what: str) -> frozenset[str]:
    names: set[str] = set()
    known = accelerator_resources()
    for group in ("initContainers", "containers"):
        containers = pod_spec.get(group) or []
        if not isinstance(containers, list):
            raise PlacementInputError(f"{what}: {group} is not a list")
        for container in containers:
            resources = container.get("resources") if isinstance(container, Mapping) else None
            if not isinstance(resources, Mapping):
                continue
            for part in ("requests", "limits"):
                amounts = resources.get(part) or {}
                if not isinstance(amounts, Mapping):
                    raise PlacementInputError(f"{what}: resources.{part} is not a map")
                names |= {name for name, amount in amounts.items() if name in known and str(amount) not in ("0",)}
    return frozenset(names)


def native_workloads(plan: Plan) -> list[Workload]:
    found = []
    for resource in plan.resources:
        if not resource.type.startswith("kubernetes:"):
            continue
        kind = resource.type.rsplit(":", 1)[-1]
        if kind not in POD_SPEC_PATHS:
            continue
        what = f"{kind} {resource.name}"
        metadata = resource.inputs.get("metadata") or {}
        if not isinstance(metadata, Mapping):
            raise PlacementInputError(f"{what}: metadata is not a map")
        pod_spec = _dig(resource.inputs, POD_SPEC_PATHS[kind], what) or {}
        if not isinstance(pod_spec, Mapping):
            raise PlacementInputError(f"{what}: pod spec is not a map")
        name, namespace = metadata.get("name", resource.name), metadata.get("namespace", "default")
        if not isinstance(name, str) or not isinstance(namespace, str) or {name, namespace} & OPAQUE:
            raise PlacementInputError(f"{what}: metadata name/namespace not known strings")
        requests = _requests(pod_spec, what)
        found.append(
            Workload(
                cluster=plan.cluster_of(resource),
                kind=kind,
                namespace=namespace,
                name=name,
                urn=resource.urn,
                placement=_typed_placement(pod_spec, what),
                requests=requests,
            )
        )
    return found


def _from_table(
    resource: Resource, cluster: str, entry: Mapping[str, Any], values: Any, namespace: str, source: str
) -> list[Workload]:
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise PlacementInputError(f"{source}: values are {values!r}, not a map")
    found = []
    for spec in entry["workloads"]:
        what = f"{source}: {spec['name']}"
        enabled = spec.get("enabled")
        if enabled is not None:
            switch = _dig(values, enabled["path"], what)
            if not (enabled["default"] if switch is None else switch):
                continue
        given = _dig(values, spec["values"], what) or {}
        if not isinstance(given, Mapping):
            raise PlacementInputError(f"{what}: values at {'.'.join(spec['values']) or '(top)'} are not a map")
        merged = helm_merge(spec["defaults"], {k: given[k] for k in PLACEMENT_KEYS if k in given})
        tolerate_all = spec.get("tolerateAll")
        if tolerate_all is not None:
            switch = _dig(values, tolerate_all["path"], what)
            if tolerate_all["default"] if switch is None else switch:
                merged["tolerations"] = [{"operator": "Exists"}, *(merged.get("tolerations") or [])]
        own_namespace = _dig(values, spec["namespace"], what) if "namespace" in spec else None
        must_run_on: MustRunOn = spec.get("mustRunOn", "any")
        if must_run_on not in MUST_RUN_ON:
            raise PlacementInputError(f"{CHART_TABLE_FILE.name}: {what}: mustRunOn {must_run_on!r}")
        found.append(
            Workload(
                cluster=cluster,
                kind=spec["kind"],
                namespace=own_namespace if isinstance(own_namespace, str) and own_namespace else namespace,
                name=spec["name"],
                urn=resource.urn,
                placement=_typed_placement(merged, what),
                must_run_on=must_run_on,
                accelerator=spec.get("accelerator"),
                release=source,
            )
        )
    return found


def release_workloads(plan: Plan) -> tuple[list[Workload], list[str]]:
    """Workloads of releases whose chart the table knows, and the releases it does not (not checked)."""
    charts = chart_table()["charts"]
    found: list[Workload] = []
    unknown: list[str] = []
    for resource in plan.of_type(HELM_RELEASE):
        inputs = resource.inputs
        chart, name, namespace = inputs.get("chart"), inputs.get("name", resource.name), inputs.get("namespace")
        source = f"release {namespace or 'default'}/{name} ({chart})"
        if chart not in charts:
            unknown.append(source)
            continue
        cluster = plan.cluster_of(resource)
        found += _from_table(
            resource, cluster, charts[chart], inputs.get("values"), str(namespace or "default"), source
        )
    return found, unknown


def addon_workloads(plan: Plan) -> tuple[list[Workload], list[str]]:
    addons = chart_table()["addons"]
    found: list[Workload] = []
    unknown: list[str] = []
    for resource in plan.of_type(EKS_ADDON):
        inputs = resource.inputs
        name, cluster = inputs.get("addonName"), inputs.get("clusterName")
        source = f"addon {name}"
        if not isinstance(cluster, str) or cluster in OPAQUE:
            raise PlacementInputError(f"{source} ({resource.name}): clusterName is {cluster!r}")
        if name not in addons:
            unknown.append(f"{source} on {cluster}")
            continue
        raw = inputs.get("configurationValues")
        if raw in OPAQUE:
            raise PlacementInputError(f"{source} on {cluster}: configurationValues is {raw!r}")
        try:
            values = yaml.safe_load(raw) if isinstance(raw, str) else raw
        except yaml.YAMLError as error:
            raise PlacementInputError(f"{source} on {cluster}: configurationValues unreadable ({error})") from None
        found += _from_table(resource, cluster, addons[name], values, "kube-system", source)
    return found, unknown
