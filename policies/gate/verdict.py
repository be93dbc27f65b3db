"""From findings to one verdict, an exit code, counts and a verdict per control.

Blocking findings: engine errors always; otherwise unwaived `fail` or `unknown` findings of `deny` rules
at or above the stack's threshold (`warn_` rules are advisory, as in pulumi-policy-opa). `--allow-unknown`
lifts only the unknowns that depend on nothing but legitimately unknown values (ids, ARNs, names). Verdicts, most
serious first: error, fail, unknown (blocks unless unknowns are explicitly allowed), pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from policies.engines.coverage import framework_of
from policies.gate.findings import Finding, RuleInfo
from policies.gate.severity import severity_scale

VerdictName = Literal["pass", "fail", "unknown", "error"]
ControlVerdictName = Literal["pass", "fail", "unknown", "waived", "error", "not-evaluated"]

EXIT_COMPLIANT = 0
EXIT_BLOCKING = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class ControlVerdict:
    control: str
    framework: str
    verdict: ControlVerdictName
    rules: tuple[str, ...]
    findings: dict[str, int]  # status (and "waived") → count


@dataclass
class Verdict:
    verdict: VerdictName
    exit_code: int
    fail_on: str
    allow_unknown: bool
    blocking: list[Finding]
    by_status: dict[str, int]
    by_severity: dict[str, dict[str, int]]
    controls: list[ControlVerdict] = field(default_factory=list)


def is_blocking(finding: Finding, fail_on: str, *, allow_unknown: bool = False) -> bool:
    if finding.waived or finding.status == "info":
        return False
    if finding.status == "error":
        return True
    if finding.effect != "deny" or (finding.status == "unknown" and allow_unknown and finding.legitimately_unknown):
        return False
    return severity_scale().at_or_above(finding.severity, fail_on)


def decide(findings: list[Finding], rules: Iterable[RuleInfo], fail_on: str, *, allow_unknown: bool = False) -> Verdict:
    blocking = [f for f in findings if is_blocking(f, fail_on, allow_unknown=allow_unknown)]
    statuses = {f.status for f in blocking}
    # An unknown that is allowed still shows as the verdict: never a silent pass.
    has_open_unknown = any(
        f.status == "unknown"
        and not f.waived
        and f.effect == "deny"
        and severity_scale().at_or_above(f.severity, fail_on)
        for f in findings
    )
    verdict: VerdictName
    if "error" in statuses:
        verdict = "error"
    elif "fail" in statuses:
        verdict = "fail"
    elif "unknown" in statuses or has_open_unknown:
        verdict = "unknown"
    else:
        verdict = "pass"
    return Verdict(
        verdict=verdict,
        exit_code=EXIT_BLOCKING if blocking else EXIT_COMPLIANT,
        fail_on=fail_on,
        allow_unknown=allow_unknown,
        blocking=blocking,
        by_status=_by_status(findings),
        by_severity=_by_severity(findings),
        controls=control_verdicts(findings, rules),
    )


def control_verdicts(findings: list[Finding], rules: Iterable[RuleInfo]) -> list[ControlVerdict]:
    """Verdict per control over every rule serving it, at any severity: error, fail, unknown, waived, pass.

    A control none of whose rules had anything to evaluate (a manifests-only run and the cloud
    rules, for example) is `not-evaluated`, never `pass`.
    """
    rules_by_control: dict[str, set[str]] = {}
    evaluated_controls: set[str] = set()
    for rule in rules:
        for control in rule.controls:
            rules_by_control.setdefault(control, set()).add(rule.policy_id)
            if rule.evaluated:
                evaluated_controls.add(control)
    counts: dict[str, Counter[str]] = {control: Counter() for control in rules_by_control}
    for finding in findings:
        if finding.status == "info":
            continue
        for control in finding.controls:
            counts.setdefault(control, Counter())["waived" if finding.waived else finding.status] += 1
            rules_by_control.setdefault(control, set()).add(finding.policy_id)
    verdicts: list[ControlVerdict] = []
    for control in sorted(counts):
        count = counts[control]
        name: ControlVerdictName = (
            "error"
            if count["error"]
            else "fail"
            if count["fail"]
            else "unknown"
            if count["unknown"]
            else "waived"
            if count["waived"]
            else "pass"
            if control in evaluated_controls
            else "not-evaluated"
        )
        verdicts.append(
            ControlVerdict(
                control=control,
                framework=framework_of(control),
                verdict=name,
                rules=tuple(sorted(rules_by_control[control])),
                findings=dict(sorted(count.items())),
            )
        )
    return verdicts


def _by_status(findings: list[Finding]) -> dict[str, int]:
    counts = Counter("waived" if f.waived else f.status for f in findings)
    return {status: counts.get(status, 0) for status in ("fail", "unknown", "error", "waived", "info")}


def _by_severity(findings: list[Finding]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for level in reversed(severity_scale().names()):
        subset = [f for f in findings if f.severity == level]
        table[level] = _by_status(subset)
    return table
