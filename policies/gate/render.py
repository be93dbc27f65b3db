"""Render the plan's native Kubernetes resources as plain manifests, one file per object.

The rendered objects are what the kubernetes pack and the schema check evaluate, so a plan and a
directory of manifests go through one path. Secret values are redacted before anything is written.
Values unknown before apply keep Pulumi's sentinel, so gating the written directory gives the same
verdicts as gating the plan.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from policies.gate.kube_types import api_version_and_kind
from policies.gate.locations import Locate
from policies.gate.opaque import is_opaque_type
from policies.gate.subject import CloudResource, KubeObject

REDACTED = "[redacted]"
HELM_RELEASE_TYPES = frozenset({"kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Release"})
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def render_objects(resources: list[CloudResource], locate: Locate) -> tuple[list[KubeObject], list[CloudResource]]:
    """Kubernetes objects of the plan (with the location of the resource behind each), and its Helm releases."""
    clusters = _cluster_names(resources)
    objects: list[KubeObject] = []
    releases: list[CloudResource] = []
    for resource in resources:
        if resource.type in HELM_RELEASE_TYPES:
            releases.append(resource)
            continue
        if not resource.is_kubernetes_object or is_opaque_type(resource.type):
            # ConfigGroups, Charts and the like are reported as not assessable, never taken for objects.
            continue
        body = manifest_body(resource)
        cluster = _cluster_of(resource.provider, clusters)
        objects.append(KubeObject(body=body, location=locate(resource), urn=resource.urn, cluster=cluster))
    return objects, releases


def manifest_body(resource: CloudResource) -> dict[str, Any]:
    """The object as `kubectl apply` would take it: apiVersion/kind from the type token, secrets redacted."""
    api_version, kind = api_version_and_kind(resource.type)
    body: dict[str, Any] = {"apiVersion": api_version, "kind": kind}
    for key, value in resource.inputs.items():
        if key in ("apiVersion", "kind"):
            continue
        body[key] = _plain(value)
    metadata = body.setdefault("metadata", {})
    if isinstance(metadata, dict) and not metadata.get("name"):
        # pulumi-kubernetes auto-names an unnamed object after the resource.
        metadata["name"] = resource.name
    if kind == "Secret":
        for field in ("data", "stringData"):
            if isinstance(body.get(field), dict):
                body[field] = dict.fromkeys(body[field], REDACTED)
    return body


def write_manifests(objects: list[KubeObject], directory: Path) -> list[Path]:
    """One `<kind>-<namespace>-<name>.yaml` per object; one subfolder per cluster when there are several."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.rglob("*.yaml"):
        stale.unlink()
    several_clusters = len({obj.cluster for obj in objects}) > 1
    written: list[Path] = []
    used: set[Path] = set()
    for obj in objects:
        folder = directory / _safe(obj.cluster) if several_clusters and obj.cluster else directory
        parts = [obj.kind.lower(), obj.namespace, obj.name] if obj.namespace else [obj.kind.lower(), obj.name]
        stem = _safe("-".join(parts))
        path = folder / f"{stem}.yaml"
        counter = 2
        while path in used:
            path = folder / f"{stem}-{counter}.yaml"
            counter += 1
        used.add(path)
        folder.mkdir(parents=True, exist_ok=True)
        header = f"# Rendered by the policy gate from {obj.urn}\n" if obj.urn else ""
        path.write_text(header + yaml.safe_dump(obj.body, sort_keys=False), encoding="utf-8")
        written.append(path)
    return written


def _cluster_names(resources: list[CloudResource]) -> dict[str, str]:
    """Kubernetes provider URN → provider name, to tell the clusters of a multi-region plan apart."""
    return {r.urn: r.name for r in resources if r.type == "pulumi:providers:kubernetes"}


def _cluster_of(provider_ref: str | None, clusters: dict[str, str]) -> str | None:
    """A provider reference is `<provider URN>::<provider id>` (or the bare URN); URNs contain `::` too."""
    if not provider_ref:
        return None
    for urn, name in clusters.items():
        if provider_ref == urn or provider_ref.startswith(urn + "::"):
            return name
    return None


def _plain(value: Any) -> Any:
    """Integers arrive from the SDK as floats (DESIGN §5.2); write them back as integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _safe(text: str) -> str:
    return _UNSAFE_FILE_CHARS.sub("_", text).strip("_") or "object"
