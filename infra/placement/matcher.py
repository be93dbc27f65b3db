"""Kubernetes scheduling semantics for one pod template on one pool: why it cannot land there.

Follows the scheduler's plugins: NodeUnschedulable/TaintToleration (every NoSchedule and NoExecute taint
tolerated: an empty effect tolerates every effect, an empty key with Exists tolerates every taint, Equal
compares values, Exists ignores them), NodeAffinity (the nodeSelector's labels all present with equal
values; the required node affinity's terms ORed, the expressions of a term ANDed, In / NotIn / Exists /
DoesNotExist / Gt / Lt as the API documents them: NotIn and DoesNotExist hold when the label is absent).
Anything of another type than the API allows raises PlacementInputError: the check fails closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from infra.placement.model import BLOCKING_EFFECTS, OPAQUE, Placement, PlacementInputError, Pool, Taint

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")


def _string(value: Any, what: str) -> str:
    if not isinstance(value, str) or value in OPAQUE:
        raise PlacementInputError(f"{what}: expected a string, got {value!r}")
    return value


def _optional_string(entry: Mapping[str, Any], key: str, what: str) -> str:
    value = entry.get(key)
    return "" if value is None else _string(value, f"{what}.{key}")


def tolerates(toleration: Mapping[str, Any], taint: Taint) -> bool:
    if not isinstance(toleration, Mapping):
        raise PlacementInputError(f"toleration: expected an object, got {toleration!r}")
    effect = _optional_string(toleration, "effect", "toleration")
    key = _optional_string(toleration, "key", "toleration")
    operator = _optional_string(toleration, "operator", "toleration") or "Equal"
    value = _optional_string(toleration, "value", "toleration")
    if operator not in ("Equal", "Exists"):
        raise PlacementInputError(f"toleration: unknown operator {operator!r}")
    if effect and effect != taint.effect:
        return False
    if not key:
        return operator == "Exists"  # an empty key with Equal is invalid in the API: tolerates nothing
    if key != taint.key:
        return False
    return operator == "Exists" or value == taint.value


def untolerated(tolerations: Sequence[Mapping[str, Any]], pool: Pool) -> list[Taint]:
    return [
        taint
        for taint in pool.taints
        if taint.effect in BLOCKING_EFFECTS and not any(tolerates(t, taint) for t in tolerations)
    ]


def _requirement_holds(requirement: Mapping[str, Any], labels: Mapping[str, str], what: str) -> bool:
    if not isinstance(requirement, Mapping):
        raise PlacementInputError(f"{what}: expected an object, got {requirement!r}")
    key = _string(requirement.get("key"), f"{what}.key")
    operator = _string(requirement.get("operator"), f"{what}.operator")
    values = requirement.get("values") or []
    if operator not in OPERATORS:
        raise PlacementInputError(f"{what}: unknown operator {operator!r}")
    if not isinstance(values, list):
        raise PlacementInputError(f"{what}.values: expected a list, got {values!r}")
    values = [_string(v, f"{what}.values[]") for v in values]
    present = key in labels
    if operator == "In":
        return present and labels[key] in values
    if operator == "NotIn":
        return not present or labels[key] not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if len(values) != 1:
        raise PlacementInputError(f"{what}: {operator} needs exactly one value, got {values!r}")
    try:
        bound, actual = int(values[0]), int(labels[key]) if present else None
    except ValueError as error:
        raise PlacementInputError(f"{what}: {operator} needs integers ({error})") from None
    if actual is None:
        return False
    return actual > bound if operator == "Gt" else actual < bound


def describe_requirement(requirement: Mapping[str, Any]) -> str:
    values = requirement.get("values")
    tail = f" {list(values)}" if values else ""
    return f"{requirement.get('key')} {requirement.get('operator')}{tail}"


def _term_failures(term: Any, labels: Mapping[str, str], what: str) -> list[str]:
    """The requirements of one nodeSelectorTerm that the labels fail (empty: the term matches)."""
    if not isinstance(term, Mapping):
        raise PlacementInputError(f"{what}: expected an object, got {term!r}")
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not isinstance(expressions, list) or not isinstance(fields, list):
        raise PlacementInputError(f"{what}: matchExpressions and matchFields must be lists")
    if not expressions and not fields:
        return ["an empty term (matches no node)"]
    failures = [
        describe_requirement(r)
        for i, r in enumerate(expressions)
        if not _requirement_holds(r, labels, f"{what}.matchExpressions[{i}]")
    ]
    # Node fields (metadata.name) are not known before the nodes exist: such a term cannot be proven to match.
    failures += [f"matchFields {describe_requirement(r)} (node fields are unknown in a plan)" for r in fields]
    return failures


def required_terms(affinity: Mapping[str, Any]) -> list[Any] | None:
    """The required nodeSelectorTerms, or None when the affinity requires nothing of the node."""
    if not isinstance(affinity, Mapping):
        raise PlacementInputError(f"affinity: expected an object, got {affinity!r}")
    node_affinity = affinity.get("nodeAffinity") or {}
    if not isinstance(node_affinity, Mapping):
        raise PlacementInputError(f"affinity.nodeAffinity: expected an object, got {node_affinity!r}")
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if required is None:
        return None
    if not isinstance(required, Mapping):
        raise PlacementInputError(
            f"requiredDuringSchedulingIgnoredDuringExecution: expected an object, got {required!r}"
        )
    terms = required.get("nodeSelectorTerms")
    if not isinstance(terms, list):
        raise PlacementInputError(f"nodeSelectorTerms: expected a list, got {terms!r}")
    return terms


def affinity_failure(affinity: Mapping[str, Any], labels: Mapping[str, str]) -> str | None:
    terms = required_terms(affinity)
    if terms is None:
        return None
    if not terms:
        return "required node affinity has no terms (matches no node)"
    failures = [_term_failures(term, labels, f"nodeSelectorTerms[{i}]") for i, term in enumerate(terms)]
    if any(not f for f in failures):
        return None
    detail = "; or ".join(" and ".join(f) for f in failures)
    return f"required node affinity unmatched: {detail}"


def selector_failures(node_selector: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    if not isinstance(node_selector, Mapping):
        raise PlacementInputError(f"nodeSelector: expected an object, got {node_selector!r}")
    failures = []
    for key, raw in node_selector.items():
        wanted = _string(raw, f"nodeSelector.{key}")
        if key not in labels:
            failures.append(f"nodeSelector {key}={wanted}: pool has no label {key}")
        elif labels[key] != wanted:
            failures.append(f"nodeSelector {key}={wanted}: pool has {key}={labels[key]}")
    return failures


def mismatches(placement: Placement, pool: Pool) -> list[str]:
    """Every reason the placement cannot land on the pool's nodes (empty: it can)."""
    reasons = selector_failures(placement.node_selector, pool.labels)
    failure = affinity_failure(placement.affinity, pool.labels)
    if failure:
        reasons.append(failure)
    reasons += [f"taint {taint} not tolerated" for taint in untolerated(placement.tolerations, pool)]
    return reasons
