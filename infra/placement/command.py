"""The placement check as one call: what `python -m infra.placement` prints, writes and exits with.

Shared by its own command line and by the gate's stack mode (`python -m policies.gate --stack`), so both keep
the same output and the same exit codes (see the package docstring).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from infra.placement.check import Report, check
from infra.placement.model import PlacementInputError
from infra.placement.plan import Plan

EXIT_OK, EXIT_UNSATISFIABLE, EXIT_BAD_INPUT = 0, 1, 2


def run_placement(plan: Path, json_report: Path | None = None) -> int:
    """Check `plan`, print one line per problem (stderr) and the summary (stdout); 0, 1 or 2."""
    return placement_report(plan, json_report)[0]


def placement_report(plan: Path, json_report: Path | None = None) -> tuple[int, Report | None]:
    """run_placement's exit code with the report behind it (None when the plan could not be read)."""
    try:
        report = check(Plan.load(plan))
    except PlacementInputError as error:
        print(f"placement: bad input: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT, None
    if json_report is not None:
        json_report.parent.mkdir(parents=True, exist_ok=True)
        json_report.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    for problem in report.problems:
        print(f"placement: {problem}", file=sys.stderr)
    for item in report.unchecked:
        print(f"placement: not checked (no entry in chart_workloads.yaml): {item}")
    verdict = "consistent" if report.consistent else f"{len(report.problems)} unsatisfiable"
    print(f"placement: {report.stack}: {report.workloads} workloads on {report.pools} pools: {verdict}")
    return (EXIT_OK if report.consistent else EXIT_UNSATISFIABLE), report
