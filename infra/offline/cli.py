"""`ai-platform plan --stack <name>`: the offline plan of a stack, without credentials or the Pulumi CLI.

Exit codes: 0 plan written, 2 invalid stack config or usage (one line per problem, no traceback).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from infra.config import ConfigError
from infra.offline.plan import write_plan

EXIT_OK, EXIT_BAD_INPUT = 0, 2
EPILOG = f"""exit codes:
  {EXIT_OK}  plan written
  {EXIT_BAD_INPUT}  invalid stack config or usage (one line per problem: file, line, key path)"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ai-platform",
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser(
        "plan",
        help="write build/<stack>/plan.json from the program under mocks",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    plan.add_argument("--stack", required=True, help="stack name: stacks/Pulumi.<stack>.yaml")
    plan.add_argument("--out", type=Path, default=None, help="output directory (default: build/<stack>)")
    plan.add_argument(
        "--preview",
        action="store_true",
        help="as a first `pulumi preview` sees it: outputs of resources not yet created unknown (writes preview.json)",
    )
    plan.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: current directory)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root: Path = args.root.resolve()
    stack_file = root / "stacks" / f"Pulumi.{args.stack}.yaml"
    if not stack_file.exists():
        known = sorted(
            p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (root / "stacks").glob("Pulumi.*.yaml")
        )
        print(f"error: no stack file {stack_file} (known stacks: {', '.join(known) or 'none'})", file=sys.stderr)
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    try:
        path, document = write_plan(
            args.stack, root, args.out or root / "build" / args.stack, first_preview=args.preview
        )
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    elapsed = time.perf_counter() - started
    _summary(document, path, elapsed)
    return EXIT_OK


def _summary(document: dict[str, object], path: Path, elapsed: float) -> None:
    steps = document["steps"]
    assert isinstance(steps, list)
    counts = Counter(step["newState"]["type"] for step in steps)
    table = Table(title=f"{path} ({len(steps)} resources, {elapsed:.1f}s)", show_lines=False)
    table.add_column("type")
    table.add_column("count", justify="right")
    for type_, count in sorted(counts.items()):
        table.add_row(type_, str(count))
    Console(stderr=True).print(table)


if __name__ == "__main__":
    sys.exit(main())
