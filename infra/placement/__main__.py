"""`python -m infra.placement <plan.json> [--json <report.json>]`: see the package docstring for exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.placement.command import EXIT_BAD_INPUT, EXIT_OK, EXIT_UNSATISFIABLE, run_placement

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_UNSATISFIABLE", "main"]

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
    return run_placement(args.plan, args.json)


if __name__ == "__main__":
    sys.exit(main())
