"""The placement rules over a plan's pools and workloads.

(a) a workload that requests an accelerator's resource (the scheduling contract: nvidia.com/gpu) must fit at
    least one pool of that accelerator; (b) a `mustRunOn: accelerator` workload (the GPU DaemonSets) must fit
    every pool of its accelerator; (c) a `mustRunOn: all` workload (node agents) must fit every pool; (d)
    any other workload must fit at least one pool. Each cluster is checked against its own pools only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from infra.placement.matcher import mismatches
from infra.placement.model import Pool, Workload
from infra.placement.plan import Plan
from infra.placement.pools import pools_of
from infra.placement.workloads import accelerator_resources, addon_workloads, native_workloads, release_workloads


@dataclass(frozen=True)
class Problem:
    stack: str
    cluster: str
    workload: str
    rule: str
    pools: dict[str, list[str]]
    """Pool name -> why the workload cannot land there."""
    urn: str = ""
    """The plan resource that declares the workload (the object, or the Helm release or add-on that renders it)."""

    def __str__(self) -> str:
        where = "; ".join(
            f"pool {name!r}: {', '.join(reasons)}" if reasons else f"pool {name!r}"
            for name, reasons in self.pools.items()
        )
        return f"{self.stack}/{self.cluster}: {self.workload} {self.rule}: {where or 'the cluster has no such pool'}"


@dataclass
class Report:
    stack: str
    pools: int = 0
    workloads: int = 0
    problems: list[Problem] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "consistent": self.consistent,
            "pools": self.pools,
            "workloads": self.workloads,
            "problems": [
                {"cluster": p.cluster, "workload": p.workload, "rule": p.rule, "pools": p.pools, "message": str(p)}
                for p in self.problems
            ],
            "unchecked": self.unchecked,
        }


def _judge(workload: Workload, pools: list[Pool]) -> tuple[str, dict[str, list[str]]] | None:
    """The rule the workload breaks on these pools and why, or None when it holds."""
    by_resource = accelerator_resources()
    wanted = sorted({by_resource[r] for r in workload.requests})
    if wanted:
        candidates = [p for p in pools if p.accelerator in wanted]
        rule = f"requests {', '.join(sorted(workload.requests))}: must fit at least one {'/'.join(wanted)} pool"
        return _some(workload, candidates, rule)
    if workload.must_run_on == "accelerator":
        candidates = [p for p in pools if p.accelerator == workload.accelerator]
        return _every(workload, candidates, f"must run on every {workload.accelerator} pool")
    if workload.must_run_on == "all":
        return _every(workload, pools, "must run on every pool")
    return _some(workload, pools, "must fit at least one pool")


def _some(workload: Workload, pools: list[Pool], rule: str) -> tuple[str, dict[str, list[str]]] | None:
    reasons = {p.name: mismatches(workload.placement, p) for p in pools}
    if any(not r for r in reasons.values()):
        return None
    return rule, reasons


def _every(workload: Workload, pools: Iterable[Pool], rule: str) -> tuple[str, dict[str, list[str]]] | None:
    failing = {p.name: r for p in pools if (r := mismatches(workload.placement, p))}
    return (rule, failing) if failing else None


def check(plan: Plan) -> Report:
    clusters = pools_of(plan)
    natives = native_workloads(plan)
    releases, unknown_releases = release_workloads(plan)
    addons, unknown_addons = addon_workloads(plan)
    report = Report(stack=plan.stack, pools=sum(len(p) for p in clusters.values()))
    report.unchecked = unknown_releases + unknown_addons
    for workload in [*natives, *releases, *addons]:
        report.workloads += 1
        verdict = _judge(workload, clusters.get(workload.cluster, []))
        if verdict is not None:
            rule, reasons = verdict
            report.problems.append(Problem(plan.stack, workload.cluster, workload.ref, rule, reasons, workload.urn))
    return report
