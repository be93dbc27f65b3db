"""The rules the gate itself reports (schema checks, engine failures, notes), from data/gate_rules.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from policies.gate.findings import Engine, Finding, Location, ResourceRef, RuleInfo, Status

_DATA = Path(__file__).parent / "data" / "gate_rules.yaml"
_ENGINES: tuple[Engine, ...] = ("rego", "checkov", "schema", "gate")

SCHEMA_INVALID = "schema.kubernetes_schema"
SCHEMA_NOT_VALIDATED = "schema.not_validated"
HELM_NOT_RENDERED = "gate.helm_release_not_rendered"
ENGINE_ERROR = "gate.engine_error"
CHECKOV_NOT_RUN = "gate.checkov_not_run"
CONFIG_INVALID = "gate.config_invalid"
PLACEMENT_UNSATISFIABLE = "gate.placement_unsatisfiable"


@cache
def gate_rules() -> dict[str, RuleInfo]:
    data: dict[str, dict[str, Any]] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    rules: dict[str, RuleInfo] = {}
    for policy_id, entry in data.items():
        engine = entry["engine"]
        if engine not in _ENGINES:
            raise ValueError(f"{_DATA}: rule {policy_id} has unknown engine {engine!r}")
        rules[policy_id] = RuleInfo(
            policy_id=policy_id,
            engine=engine,
            title=str(entry["title"]),
            description=" ".join(str(entry["description"]).split()),
            severity=str(entry["severity"]),
            controls=tuple(entry.get("controls") or ()),
            remediation=str(entry["remediation"]),
            config_keys=tuple(entry.get("config_keys") or ()),
        )
    return rules


@cache
def baseline_exempt_rules() -> frozenset[str]:
    """Gate rules whose findings block even when the baseline already had them (`baseline_exempt: true`): a run
    that could not assess its input has nothing a baseline could excuse."""
    data: dict[str, dict[str, Any]] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return frozenset(policy_id for policy_id, entry in data.items() if entry.get("baseline_exempt") is True)


def gate_finding(
    policy_id: str,
    message: str,
    *,
    resource: ResourceRef | None = None,
    location: Location | None = None,
    status: Status | None = None,
    controls: tuple[str, ...] | None = None,
) -> Finding:
    """A finding of one of the gate's own rules, with the rule's severity and controls.

    An engine error carries the controls of the rules it left unevaluated, so those controls show
    `error` instead of `pass`.
    """
    rule = gate_rules()[policy_id]
    if status is None:
        status = "info" if rule.severity == "info" else "error" if policy_id == ENGINE_ERROR else "fail"
    return Finding(
        policy_id=policy_id,
        engine=rule.engine,
        severity=rule.severity,
        controls=rule.controls if controls is None else controls,
        resource=resource,
        message=message,
        status=status,
        location=location,
    )
