"""Build the documents the packs evaluate from a plan or from manifests, the way the gate does.

A deliberately small copy of the gate's input building (pulumi-policy-opa's resource shape,
Gatekeeper's admission review and inventory), so the pack tests do not depend on the gate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

KUBERNETES_PREFIX = "kubernetes:"


def plan_resources(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each step's new state as pulumi-policy-opa shows a resource: inputs plus the `__` fields."""
    resources = []
    for step in plan.get("steps", []):
        state = step.get("newState") or {}
        urn = state.get("urn", step.get("urn", ""))
        document = dict(state.get("inputs") or {})
        document.update(
            {
                "__type": state.get("type", ""),
                "__urn": urn,
                "__name": urn.rsplit("::", 1)[-1],
                "__provider": state.get("provider", step.get("provider", "")) or "",
                "__dependencies": list(state.get("dependencies") or []),
                "__propertyDependencies": dict(state.get("propertyDependencies") or {}),
                "__options": {"parent": state.get("parent", "")},
            }
        )
        resources.append(document)
    return resources


# The stack config's default (infra/config/model.py) when a stack does not set gate.allowedRegistries.
DEFAULT_ALLOWED_REGISTRIES = ["ghcr.io/ai-platform/"]


def allowed_registries(plan: Mapping[str, Any]) -> list[str]:
    gate = plan.get("config", {}).get("ai-platform:gate", {})
    if isinstance(gate, str):
        gate = json.loads(gate)
    configured = gate.get("allowedRegistries") if isinstance(gate, dict) else None
    return list(configured) if configured else list(DEFAULT_ALLOWED_REGISTRIES)


def kubernetes_objects(resources: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The Kubernetes objects among plan resources (their inputs are the object itself)."""
    objects = []
    for resource in resources:
        type_token = str(resource.get("__type", ""))
        if type_token.startswith(KUBERNETES_PREFIX) and "kind" in resource and "helm.sh" not in type_token:
            objects.append({k: v for k, v in resource.items() if not k.startswith("__")})
    return objects


def load_manifests(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(doc, dict)]


def admission_review(obj: Mapping[str, Any], registries: Sequence[str]) -> dict[str, Any]:
    namespace = (obj.get("metadata") or {}).get("namespace", "")
    return {
        "review": {
            "object": dict(obj),
            "kind": {"kind": obj.get("kind", "")},
            "operation": "CREATE",
            "namespace": namespace,
        },
        "parameters": {"allowedRegistries": list(registries)},
    }


def inventory(objects: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Gatekeeper's data.inventory: namespace → apiVersion → kind → name → object."""
    namespaced: dict[str, Any] = {}
    for obj in objects:
        metadata = obj.get("metadata") or {}
        namespace = metadata.get("namespace")
        if namespace:
            by_kind = namespaced.setdefault(namespace, {}).setdefault(obj.get("apiVersion", ""), {})
            by_kind.setdefault(obj.get("kind", ""), {})[metadata.get("name", "")] = dict(obj)
    return {"inventory": {"namespace": namespaced}}
