"""The Rego inputs `pulumi preview --policy-pack` builds, reproduced from a plan, and the findings they give.

Reproduces pulumi-policy-opa (the `policy-opa` analyzer plugin) at commit
8c5017b4effc71ee0206703108643eef4fe1e256 (v1.1.0: "Kubernetes Admission Controller compatibility"),
cmd/pulumi-analyzer-policy-opa/analyzer.go:

- resource rules (`deny*` / `violation*` / `warn*`, policy.go's prefixes): `buildOPAInput` — `type`, `urn`,
  `name`, `options`, `provider`, `properties` first, then the resource's properties on top, then
  `__type`, `__urn`, `__name`, `__options`, `__properties`, `__provider` last. `__provider` is an object
  {type, name, urn, properties} of the provider resource (`{}` without one), `__options` the resource
  options {protect, ignoreChanges, deleteBeforeReplace, additionalSecretOutputs, aliasURNs, aliases,
  customTimeouts, parent};
- stack rules (`stack_deny*` / `stack_violation*` / `stack_warn*`): `buildStackOPAInput` —
  `{"resources": [...]}`, each the resource input above plus `dependencies` and `propertyDependencies`;
- packs with `inputFormat: kubernetes-admission`: `buildKubernetesAdmissionInput` — only Kubernetes
  types (`kubernetes:<group>/<version>:<Kind>`, `core` = the empty group), as
  `{"review": {object, kind: {group, version, kind}, name, namespace, operation: "CREATE"}, "_pulumi": {...}}`
  where `object` is the properties with `apiVersion`/`kind` added when absent; `input.parameters` is
  the rule's `--policy-pack-config` properties (eval.go `cloneInputWithParameters`).

What the analyzer does not give the packs is data: it loads `.rego` files only (no `*.data.yaml`) and
no Gatekeeper inventory. The comparison supplies both as the gate does, and the per-rule
`--policy-pack-config` that gives `input.parameters` the gate's values, so that what differs is the
input shapes alone (README "Deploy" says what to pass natively).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from policies.engines import Decision, Engine, Pack
from policies.gate.findings import Location
from policies.gate.render import render_objects
from policies.gate.sources.rego import inventory
from policies.gate.subject import CloudResource, KubeObject

ADMISSION = "kubernetes-admission"
# policy.go: the rule names the analyzer evaluates; any other rule is a helper it never reports.
RESOURCE_RULE = re.compile(r"^(deny|violation)(_[a-zA-Z0-9]+)*$|^warn(_[a-zA-Z0-9]+)*$")
STACK_RULE = re.compile(r"^stack_(deny|violation)(_[a-zA-Z0-9]+)*$|^stack_warn(_[a-zA-Z0-9]+)*$")
_URN_PREFIX = "urn:pulumi:"

Finding = tuple[str, str | None]  # (policy id, URN of the resource it is about; None: the stack)


def _provider_urn(reference: str | None, by_urn: Mapping[str, CloudResource]) -> str | None:
    """A plan's provider reference is `<provider URN>::<provider id>`; URNs hold `::` themselves."""
    if not reference:
        return None
    return next((urn for urn in by_urn if reference == urn or reference.startswith(urn + "::")), None)


def _provider(resource: CloudResource, by_urn: Mapping[str, CloudResource]) -> dict[str, Any]:
    """buildProviderMap: the provider resource the engine resolved, `{}` when there is none."""
    urn = _provider_urn(resource.provider, by_urn)
    if urn is None:
        return {}
    provider = by_urn[urn]
    return {"type": provider.type, "name": provider.name, "urn": provider.urn, "properties": dict(provider.inputs)}


def _options(resource: CloudResource) -> dict[str, Any]:
    """buildOptionsMap; a preview's plan records none of these options but protect and parent."""
    return {
        "protect": resource.protect,
        "ignoreChanges": None,
        "deleteBeforeReplace": False,
        "additionalSecretOutputs": None,
        "aliasURNs": None,
        "aliases": None,
        "customTimeouts": {"create": 0, "update": 0, "delete": 0},
        "parent": resource.parent or "",
    }


def resource_overlay(resource: CloudResource, by_urn: Mapping[str, CloudResource]) -> dict[str, Any]:
    """buildOPAInput."""
    options = _options(resource)
    provider = _provider(resource, by_urn)
    properties = dict(resource.inputs)
    document: dict[str, Any] = {
        "type": resource.type,
        "urn": resource.urn,
        "name": resource.name,
        "__name": resource.name,
        "options": options,
        "provider": provider,
        "properties": properties,
    }
    document.update(properties)
    document.update(
        {
            "__type": resource.type,
            "__urn": resource.urn,
            "__name": resource.name,
            "__options": options,
            "__properties": properties,
            "__provider": provider,
        }
    )
    return document


def stack_input(resources: Sequence[CloudResource]) -> dict[str, Any]:
    """buildStackOPAInput."""
    by_urn = {r.urn: r for r in resources}
    documents = []
    for resource in resources:
        document = resource_overlay(resource, by_urn)
        document["dependencies"] = list(resource.dependencies)
        document["propertyDependencies"] = dict(resource.property_dependencies)
        documents.append(document)
    return {"resources": documents}


def _kubernetes_type(type_token: str) -> tuple[str, str, str] | None:
    """parseK8sTypeToken: (group, version, kind), or None for a type the admission format skips."""
    if not type_token.startswith("kubernetes:"):
        return None
    parts = type_token.removeprefix("kubernetes:").split(":", 1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    group_version = parts[0].split("/", 1)
    if len(group_version) != 2 or not group_version[0] or not group_version[1]:
        return None
    group, version = group_version
    return ("" if group == "core" else group), version, parts[1]


def admission_input(resource: CloudResource, by_urn: Mapping[str, CloudResource]) -> dict[str, Any] | None:
    """buildKubernetesAdmissionInput; None where the analyzer skips the resource."""
    gvk = _kubernetes_type(resource.type)
    if gvk is None:
        return None
    group, version, kind = gvk
    obj = dict(resource.inputs)
    obj.setdefault("apiVersion", f"{group}/{version}" if group else version)
    obj.setdefault("kind", kind)
    metadata = obj.get("metadata")
    name = namespace = ""
    if isinstance(metadata, dict):
        name = metadata["name"] if isinstance(metadata.get("name"), str) else ""
        namespace = metadata["namespace"] if isinstance(metadata.get("namespace"), str) else ""
    review = {
        "object": obj,
        "kind": {"group": group, "version": version, "kind": kind},
        "name": name or resource.name,
        "namespace": namespace,
        "operation": "CREATE",
    }
    pulumi = {
        "type": resource.type,
        "urn": resource.urn,
        "name": resource.name,
        "options": _options(resource),
        "provider": _provider(resource, by_urn),
    }
    return {"review": review, "_pulumi": pulumi}


def _fired(pack: Pack, decision: Decision, kind: str) -> Iterable[tuple[str, list[str]]]:
    names = {rule.rule for rule in pack.rules if rule.kind == kind}
    return ((rule, messages) for rule, messages in decision.items() if rule in names and messages)


def _about(message: str, urns: Iterable[str]) -> str | None:
    """The resource a stack rule's message names first (policies/README.md); None: the stack as a whole."""
    if message.startswith(_URN_PREFIX) and ": " in message:
        urn = message.split(": ", 1)[0]
        if urn in urns:
            return urn
    return None


def analyzer_findings(
    engine: Engine, pack: Pack, resources: Sequence[CloudResource], parameters: Mapping[str, Any]
) -> set[Finding]:
    """What the analyzer reports for one pack on a plan's resources, as (policy id, resource URN)."""
    by_urn = {r.urn: r for r in resources}
    found: set[Finding] = set()
    if pack.input_format == ADMISSION:
        # The gate's per-cluster inventory (data, not input: see the module docstring), one compile per cluster.
        objects, _ = render_objects(list(resources), lambda resource: Location(resource.urn, 1))
        clusters: dict[str | None, list[KubeObject]] = {}
        for obj in objects:
            clusters.setdefault(obj.cluster, []).append(obj)
        cluster_of = {obj.urn: obj.cluster for obj in objects}
        compiled = {cluster: engine.compile(pack, {"inventory": inventory(objs)}) for cluster, objs in clusters.items()}
        empty = engine.compile(pack, {"inventory": inventory([])})
        for resource in resources:
            document = admission_input(resource, by_urn)
            if document is None:
                continue
            document["parameters"] = dict(parameters)
            decision = compiled.get(cluster_of.get(resource.urn), empty).evaluate(document)
            found |= {(f"{pack.name}.{rule}", resource.urn) for rule, _ in _fired(pack, decision, "resource")}
        return found
    compiled_pack = engine.compile(pack)
    documents = [resource_overlay(resource, by_urn) for resource in resources]
    for resource, decision in zip(resources, compiled_pack.evaluate_many(documents), strict=True):
        found |= {(f"{pack.name}.{rule}", resource.urn) for rule, _ in _fired(pack, decision, "resource")}
    decision = compiled_pack.evaluate(stack_input(resources))
    for rule, messages in _fired(pack, decision, "stack"):
        found |= {(f"{pack.name}.{rule}", _about(message, by_urn)) for message in messages}
    return found
