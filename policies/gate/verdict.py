"""From findings to one verdict, an exit code, counts and a verdict per control.

Blocking findings: engine errors always; otherwise unwaived `fail` or `unknown` findings of `deny` rules
at or above the stack's threshold (`warn_` rules are advisory, as in pulumi-policy-opa). `--allow-unknown`
lifts only the unknowns that depend on nothing but legitimately unknown values (ids, ARNs, names). Verdicts, most
serious first: error, fail, unknown (blocks unless unknowns are explicitly allowed), pass.

Against a baseline (--baseline, policies/gate/baseline.py) only `new` findings block by default: what the merge base
already had is not the PR's doing. `--fail-on-existing` makes `unchanged` ones block too. Engine errors and the
gate rules marked `baseline_exempt` (data/gate_rules.yaml) block whatever the baseline says; `absent` findings
(only in the baseline) never block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from policies.engines.coverage import framework_of
from policies.gate.catalog import baseline_exempt_rules
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
    fail_on_existing: bool = False
    # Unchanged findings that block only under --fail-on-existing (empty when it is set): what reports count as
    # "would block in strict mode".
    existing_blocking: list[Finding] = field(default_factory=list)

    def blocks(self, finding: Finding) -> bool:
        """Whether `finding` blocks under this verdict's settings (the per-finding `blocking` the reports show)."""
        return is_blocking(
            finding, self.fail_on, allow_unknown=self.allow_unknown, fail_on_existing=self.fail_on_existing
        )


def is_blocking(finding: Finding, fail_on: str, *, allow_unknown: bool = False, fail_on_existing: bool = False) -> bool:
    if finding.waived or finding.status == "info" or finding.baseline == "absent":
        return False
    if finding.status == "error":
        return True
    if _exempt_by_baseline(finding, fail_on_existing):
        return False
    if finding.effect != "deny" or (finding.status == "unknown" and allow_unknown and finding.legitimately_unknown):
        return False
    return severity_scale().at_or_above(finding.severity, fail_on)


def _exempt_by_baseline(finding: Finding, fail_on_existing: bool) -> bool:
    """An unchanged finding, outside strict mode, that is no engine error and of a rule the baseline may lift."""
    return (
        finding.baseline == "unchanged"
        and not fail_on_existing
        and finding.status != "error"
        and finding.policy_id not in baseline_exempt_rules()
    )


def decide(
    findings: list[Finding],
    rules: Iterable[RuleInfo],
    fail_on: str,
    *,
    allow_unknown: bool = False,
    fail_on_existing: bool = False,
) -> Verdict:
    blocking = [f for f in findings if is_blocking(f, fail_on, allow_unknown=allow_unknown, fail_on_existing=True)]
    existing = [f for f in blocking if _exempt_by_baseline(f, fail_on_existing)]
    blocking = [f for f in blocking if not _exempt_by_baseline(f, fail_on_existing)]
    statuses = {f.status for f in blocking}
    # An unknown that is allowed still shows as the verdict: never a silent pass. One the merge base already had is
    # counted with the existing findings instead (existing_blocking).
    has_open_unknown = any(
        f.status == "unknown"
        and not f.waived
        and not _exempt_by_baseline(f, fail_on_existing)
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
        fail_on_existing=fail_on_existing,
        existing_blocking=existing,
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
