"""`python -m infra.placement <plan.json> [--json <report.json>]`: see the package docstring for exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from infra.placement.check import check
from infra.placement.model import PlacementInputError
from infra.placement.plan import Plan

EXIT_OK, EXIT_UNSATISFIABLE, EXIT_BAD_INPUT = 0, 1, 2
EPILOG = f"""exit codes:
  {EXIT_OK}  every workload can land on a node pool it must run on
  {EXIT_UNSATISFIABLE}  some workload cannot (each problem on stderr)
  {EXIT_BAD_INPUT}  bad input: the plan cannot be read"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.placement",
        description="Can every workload of a plan land on a node pool it must run on?",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("plan", type=Path, help="plan document (build/<stack>/plan.json)")
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    try:
        report = check(Plan.load(args.plan))
    except PlacementInputError as error:
        print(f"placement: bad input: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    for problem in report.problems:
        print(f"placement: {problem}", file=sys.stderr)
    for item in report.unchecked:
        print(f"placement: not checked (no entry in chart_workloads.yaml): {item}")
    verdict = "consistent" if report.consistent else f"{len(report.problems)} unsatisfiable"
    print(f"placement: {report.stack}: {report.workloads} workloads on {report.pools} pools: {verdict}")
    return EXIT_OK if report.consistent else EXIT_UNSATISFIABLE


if __name__ == "__main__":
    sys.exit(main())
