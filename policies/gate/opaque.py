"""Resources the gate cannot see into: explicit `not assessable` findings, weighed per environment.

A Patch changes an object that lives in the cluster; a ConfigGroup, Helm Chart or kustomize Directory
expands into objects at apply time; a component whose children are missing hides what it creates.
None of them may pass silently: each is a finding whose effect (blocking or advisory) depends on the
stack's environment, as data (data/opaque.yaml). The helm pack's not-assessable rules are weighed the
same way, so one table says how much "the gate cannot see this" counts in each environment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from policies.gate.catalog import gate_finding
from policies.gate.findings import Effect, Finding, RuleInfo
from policies.gate.locations import Locate
from policies.gate.subject import CloudResource, KubeObject

_DATA = Path(__file__).parent / "data" / "opaque.yaml"

PATCH_NOT_ASSESSABLE = "gate.patch_not_assessable"
OPAQUE_RESOURCE = "gate.opaque_resource_not_assessable"
COMPONENT_CHILDREN_MISSING = "gate.component_children_missing"
GATE_POLICIES = (PATCH_NOT_ASSESSABLE, OPAQUE_RESOURCE, COMPONENT_CHILDREN_MISSING)


@dataclass(frozen=True)
class OpaqueTable:
    effect_by_environment: dict[str, Effect]
    effect_otherwise: Effect
    policies: frozenset[str]
    opaque_types: dict[str, str]  # type token → what it expands at apply time
    opaque_kinds: dict[str, frozenset[str]]  # API group → kinds that make another tool install objects
    patch_kind_suffix: str
    childless_component_types: frozenset[str]

    def effect(self, environment: str | None) -> Effect:
        if environment is None:
            return self.effect_otherwise
        return self.effect_by_environment.get(environment, self.effect_otherwise)


def _effect(value: Any, where: str) -> Effect:
    if value == "deny":
        return "deny"
    if value == "warn":
        return "warn"
    raise ValueError(f"{_DATA}: {where} is {value!r}, not deny or warn")


@cache
def opaque_table() -> OpaqueTable:
    data: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    effect = data["effect"]
    return OpaqueTable(
        effect_by_environment={
            str(env): _effect(value, f"effect.byEnvironment.{env}") for env, value in effect["byEnvironment"].items()
        },
        effect_otherwise=_effect(effect["otherwise"], "effect.otherwise"),
        policies=frozenset(str(p) for p in data["policies"]),
        opaque_types={str(k): str(v) for k, v in data["opaqueTypes"].items()},
        opaque_kinds={str(group): frozenset(str(k) for k in kinds) for group, kinds in data["opaqueKinds"].items()},
        patch_kind_suffix=str(data["patchKindSuffix"]),
        childless_component_types=frozenset(str(t) for t in data["childlessComponentTypes"]),
    )


def is_opaque_type(type_token: str) -> bool:
    return type_token in opaque_table().opaque_types


def is_patch(resource: CloudResource) -> bool:
    """`kubernetes:<group>/<version>:<Kind>Patch` (no native Kubernetes kind ends in Patch)."""
    parts = resource.type.split(":")
    suffix = opaque_table().patch_kind_suffix
    return len(parts) == 3 and parts[0] == "kubernetes" and "/" in parts[1] and parts[2].endswith(suffix)


def opaque_findings(resources: list[CloudResource], locate: Locate) -> list[Finding]:
    """One finding per Patch, per opaque resource and per component with no child in the plan."""
    table = opaque_table()
    parents = {r.parent for r in resources if r.parent}
    findings: list[Finding] = []
    for resource in resources:
        if is_opaque_type(resource.type):
            what = table.opaque_types[resource.type]
            message = f"{resource.type} {resource.name} ({what}): the objects it installs are not in the plan"
            findings.append(_finding(OPAQUE_RESOURCE, message, resource, locate))
        elif is_patch(resource):
            kind = resource.type.split(":")[2].removesuffix(table.patch_kind_suffix)
            message = (
                f"{resource.type} {resource.name}: patches a {kind} that lives in the cluster; "
                "the object it results in is not in the plan"
            )
            findings.append(_finding(PATCH_NOT_ASSESSABLE, message, resource, locate))
        elif (
            not resource.custom and resource.urn not in parents and resource.type not in table.childless_component_types
        ):
            message = (
                f"component {resource.type} {resource.name} has no children in the plan; what it creates is unseen"
            )
            findings.append(_finding(COMPONENT_CHILDREN_MISSING, message, resource, locate))
    return findings


def opaque_object_findings(objects: list[KubeObject]) -> list[Finding]:
    """Kustomizations, Flux/Argo CD applications and the like: objects that install other objects."""
    kinds = opaque_table().opaque_kinds
    findings: list[Finding] = []
    for obj in objects:
        group = obj.api_version.split("/")[0] if "/" in obj.api_version else ""
        if obj.kind in kinds.get(group, frozenset()):
            message = (
                f"{obj.api_version} {obj.kind} {obj.name}: another tool installs the objects it names; "
                "they are not in the input"
            )
            findings.append(gate_finding(OPAQUE_RESOURCE, message, resource=obj.ref, location=obj.location))
    return findings


def _finding(policy_id: str, message: str, resource: CloudResource, locate: Locate) -> Finding:
    return gate_finding(policy_id, message, resource=resource.ref, location=locate(resource))


def weigh(
    findings: Iterable[Finding], rules: dict[str, RuleInfo], environment: str | None
) -> tuple[list[Finding], dict[str, RuleInfo]]:
    """Give every not-assessable finding (and its rule) the effect the environment calls for."""
    table = opaque_table()
    effect = table.effect(environment)
    weighed = [replace(f, effect=effect) if f.policy_id in table.policies else f for f in findings]
    weighed_rules = {
        policy_id: replace(rule, effect=effect) if policy_id in table.policies else rule
        for policy_id, rule in rules.items()
    }
    return weighed, weighed_rules
