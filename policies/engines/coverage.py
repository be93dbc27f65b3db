"""Control → rules matrix with fixture status, for the gate's documentation and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from policies.engines.base import Engine
from policies.engines.packs import Pack
from policies.engines.registry import get_engine
from policies.engines.rego_tests import TestResult, cases_of, rego_test_names, run_rego_tests

FixtureStatus = Literal["passing", "failing", "missing"]


@dataclass(frozen=True)
class RuleCoverage:
    policy_id: str
    title: str
    severity: str
    effect: str
    allow_tests: tuple[str, ...]
    deny_tests: tuple[str, ...]
    fixture_status: FixtureStatus
    """`missing` without an allow and a deny test; `failing` when any of them fails; else `passing`."""


@dataclass(frozen=True)
class ControlCoverage:
    control: str
    framework: str
    rules: tuple[RuleCoverage, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def control_matrix(packs: Sequence[Pack], engine: Engine | None = None) -> list[ControlCoverage]:
    """Every control id used by any rule, with the rules serving it and whether their fixtures pass.

    The fixtures (the packs' Rego tests) are run on `engine` (default: the default embedded one).
    """
    runner = engine or get_engine("regopy")
    by_control: dict[str, list[RuleCoverage]] = {}
    for pack in packs:
        results = {result.name: result for result in run_rego_tests(pack, runner)}
        names = rego_test_names(pack)
        for rule in pack.rules:
            allow = tuple(cases_of(rule.rule, names, "allow"))
            deny = tuple(cases_of(rule.rule, names, "deny"))
            coverage = RuleCoverage(
                policy_id=rule.policy_id,
                title=rule.title,
                severity=rule.severity,
                effect=rule.effect,
                allow_tests=allow,
                deny_tests=deny,
                fixture_status=_status(allow, deny, results),
            )
            for control in rule.controls:
                by_control.setdefault(control, []).append(coverage)
    return [
        ControlCoverage(control, framework_of(control), tuple(sorted(rules, key=lambda r: r.policy_id)))
        for control, rules in sorted(by_control.items())
    ]


def framework_of(control: str) -> str:
    """`NIST-800-53:SC-28` → `NIST-800-53`; `CIS-EKS-5.3.1` → `CIS-EKS`."""
    if ":" in control:
        return control.split(":", 1)[0]
    return "-".join(part for part in control.split("-") if not part[:1].isdigit())


def _status(allow: tuple[str, ...], deny: tuple[str, ...], results: dict[str, TestResult]) -> FixtureStatus:
    if not allow or not deny:
        return "missing"
    if all(results[name].passed for name in (*allow, *deny) if name in results):
        return "passing"
    return "failing"
