"""Findings grouped by rule, in the order a reader acts on them; report.md and report.html both render these.

One group per rule: what the rule is (title, severity, effect, controls), what to do (its remediation text from the
rule's METADATA `custom.message` or the checkov mapping) and every resource it flagged, with stack/region and both
locations. Order: blocking groups first, most severe first; within a group, new before unchanged (against a
baseline) and blocking before the rest. Against a baseline the findings split into new, unchanged and fixed (the
baseline's findings this run no longer has, GateResult.absent); only the new ones lead the reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from policies.gate.findings import Finding, RuleInfo
from policies.gate.pipeline import GateResult
from policies.gate.reports.placement import Placement, Placements
from policies.gate.severity import severity_scale

_BASELINE_ORDER = {"new": 0, None: 1, "unchanged": 2, "absent": 3}


@dataclass(frozen=True)
class Entry:
    """One finding as a group lists it."""

    finding: Finding
    blocking: bool  # blocks this run's verdict
    placement: Placement


@dataclass(frozen=True)
class RuleGroup:
    policy_id: str
    title: str
    severity: str
    effect: str
    engine: str
    remediation: str
    controls: tuple[str, ...]
    entries: tuple[Entry, ...]

    @property
    def blocking(self) -> int:
        return sum(1 for e in self.entries if e.blocking)

    @property
    def anchor(self) -> str:
        """An HTML id for the group (rule ids are dotted words)."""
        return "rule-" + "".join(c if c.isalnum() else "-" for c in self.policy_id)


@dataclass(frozen=True)
class Grouping:
    """The findings of one run, split for the reports (notes, `info` findings, are listed apart)."""

    has_baseline: bool
    lead: list[RuleGroup]  # without a baseline: every finding; with one: the new findings
    unchanged: list[RuleGroup]  # with a baseline only
    fixed: list[RuleGroup]  # with a baseline only: its findings this run no longer has
    notes: list[Finding]
    # Unchanged findings that would block if existing findings counted (they do not block this run).
    existing_blocking: int

    @property
    def lead_blocking(self) -> list[RuleGroup]:
        return [g for g in self.lead if g.blocking]

    @property
    def lead_other(self) -> list[RuleGroup]:
        return [g for g in self.lead if not g.blocking]

    @staticmethod
    def count(groups: Iterable[RuleGroup]) -> int:
        return sum(len(g.entries) for g in groups)

    @staticmethod
    def blocking(groups: Iterable[RuleGroup]) -> int:
        return sum(g.blocking for g in groups)


def group_findings(result: GateResult) -> Grouping:
    verdict = result.verdict
    placements = Placements(result.subject)
    # The verdict decides what blocks (with a baseline, only new findings by default); a finding blocks when it is
    # one of the verdict's blocking findings.
    blocking = set(verdict.blocking)
    findings = [f for f in result.findings if f.status != "info"]
    has_baseline = bool(result.absent) or any(f.baseline is not None for f in result.findings)

    def entries(items: Iterable[Finding]) -> list[Entry]:
        return [Entry(f, f in blocking, placements.of(f)) for f in items]

    if has_baseline:
        lead = entries(f for f in findings if f.baseline != "unchanged")
        unchanged = entries(f for f in findings if f.baseline == "unchanged")
    else:
        lead, unchanged = entries(findings), []
    # Unchanged findings that block only under --fail-on-existing (none when that flag is already on).
    existing = len(verdict.existing_blocking)
    return Grouping(
        has_baseline=has_baseline,
        lead=_groups(lead, result.rules),
        unchanged=_groups(unchanged, result.rules),
        fixed=_groups([Entry(f, False, placements.of(f)) for f in result.absent], result.rules),
        notes=[f for f in result.findings if f.status == "info"],
        existing_blocking=existing,
    )


def _groups(entries: list[Entry], rules: dict[str, RuleInfo]) -> list[RuleGroup]:
    by_rule: dict[str, list[Entry]] = {}
    for entry in entries:
        by_rule.setdefault(entry.finding.policy_id, []).append(entry)
    scale = severity_scale()
    groups = [_group(policy_id, items, rules.get(policy_id)) for policy_id, items in by_rule.items()]
    return sorted(groups, key=lambda g: (g.blocking == 0, -scale.rank(g.severity), g.policy_id))


def _group(policy_id: str, entries: list[Entry], rule: RuleInfo | None) -> RuleGroup:
    first = entries[0].finding
    scale = severity_scale()
    # A rule's findings share its severity, except engine errors (reported at their own); the group shows the worst.
    severity = max((e.finding.severity for e in entries), key=scale.rank)
    ordered = sorted(
        entries,
        key=lambda e: (_BASELINE_ORDER[e.finding.baseline], not e.blocking, e.finding.sort_key()),
    )
    return RuleGroup(
        policy_id=policy_id,
        title=rule.title if rule else policy_id,
        severity=severity,
        effect=rule.effect if rule else first.effect,
        engine=rule.engine if rule else first.engine,
        remediation=rule.remediation if rule else "",
        controls=rule.controls if rule else first.controls,
        entries=tuple(ordered),
    )
