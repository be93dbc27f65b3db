"""What every report shows about checkov's run: checks per target, unmapped ids, the engine of each control's rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policies.gate.pipeline import GateResult
from policies.gate.sources.checkov import DETAILS_KEY

COUNT_COLUMNS = ("files", "resources", "passed", "failed", "skipped")


@dataclass(frozen=True)
class CheckovSummary:
    ran: bool
    version: str
    seconds: float | None
    targets: dict[str, dict[str, int]]
    unmapped: list[str]
    unconverted: dict[str, list[str]]
    error: str | None


def checkov_summary(result: GateResult) -> CheckovSummary | None:
    """None when the run had no checkov source at all (a gate embedded without it)."""
    details: Any = result.details.get(DETAILS_KEY)
    if not isinstance(details, dict):
        return None
    return CheckovSummary(
        ran=bool(details.get("ran")),
        version=str(details.get("version") or ""),
        seconds=details.get("seconds"),
        targets=dict(details.get("targets") or {}),
        unmapped=list(details.get("unmapped") or []),
        unconverted=dict(details.get("unconverted") or {}),
        error=details.get("error"),
    )


def rule_engines(result: GateResult, rules: tuple[str, ...]) -> list[tuple[str, str]]:
    """(policy id, engine) for a control row; the engine of a rule only a finding named is taken from it."""
    engines = {f.policy_id: f.engine for f in result.findings}
    engines.update({policy_id: rule.engine for policy_id, rule in result.rules.items()})
    return [(policy_id, engines.get(policy_id, "?")) for policy_id in rules]
