"""Scheduling problems of the stack mode's placement check (infra/placement) as gate findings.

A workload that fits none of its cluster's node pools (or misses a pool it must run on) is a broken deployment
even when every policy passes: as findings, it reaches the five reports, the verdict and the baseline like any
other, instead of only the command's exit code and placement.json.
"""

from __future__ import annotations

from infra.placement.check import Report
from policies.gate.catalog import PLACEMENT_UNSATISFIABLE, gate_finding, gate_rules
from policies.gate.findings import ResourceRef
from policies.gate.sources.base import SourceResult
from policies.gate.subject import GateSubject


class PlacementSource:
    name = "placement"

    def __init__(self, report: Report) -> None:
        self.report = report

    def run(self, subject: GateSubject) -> SourceResult:
        by_urn = {resource.urn: resource for resource in subject.resources}
        findings = []
        for problem in self.report.problems:
            declared = by_urn.get(problem.urn)
            findings.append(
                gate_finding(
                    PLACEMENT_UNSATISFIABLE,
                    str(problem),
                    resource=declared.ref
                    if declared is not None
                    else ResourceRef(type="workload", name=problem.workload),
                )
            )
        return SourceResult(rules=[gate_rules()[PLACEMENT_UNSATISFIABLE]], findings=findings)
