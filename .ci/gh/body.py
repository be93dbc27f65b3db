"""The body of a sticky PR comment or a compliance issue: a hidden marker line, then the gate's Markdown report.

GitHub refuses comment and issue bodies over 65,536 characters, and a prod report with many findings can pass
that; the body is then cut at a line boundary and ends with a link to the workflow run, whose artifact holds the
full report. The marker (an HTML comment on the first line) is how `.ci/gh/sticky-comment` finds the comment it
wrote before and updates it instead of adding another. Runs with the system python3 before the project
environment exists (the compliance issue job has none), so only the standard library is used.

    python3 .ci/gh/body.py --marker policy-gate:dev --report build/dev/report.md --run-url URL > body.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

GITHUB_BODY_LIMIT = 65_536  # characters; GitHub's limit for issue and comment bodies
# Bytes; GitHub's limit for one step's $GITHUB_STEP_SUMMARY (the publish-gate action appends report.md there).
GITHUB_STEP_SUMMARY_LIMIT = 1024 * 1024


def marker_line(marker: str) -> str:
    return f"<!-- {marker} -->"


def render(marker: str, report: str | None, run_url: str, limit: int = GITHUB_BODY_LIMIT) -> str:
    """The body: marker, then the report, cut to `limit` characters with a link to the full one."""
    head = marker_line(marker) + "\n"
    if report is None:
        return head + f"The policy gate wrote no report: its log is in [the workflow run]({run_url}).\n"
    if len(head) + len(report) <= limit:
        return head + report
    total = len(report)

    def note(shown: int) -> str:
        return (
            f"\n\n---\n**Report truncated** ({shown:,} of {total:,} characters shown; GitHub allows "
            f"{limit:,}): the full report is in [the workflow run's artifacts]({run_url}).\n"
        )

    # The note's length depends on the number it shows; reserve room for the largest it can be.
    budget = limit - len(head) - len(note(total))
    if budget <= 0:
        raise ValueError(f"a limit of {limit} characters leaves no room for the report")
    cut = report[:budget]
    line_end = cut.rfind("\n")
    if line_end > 0:
        cut = cut[: line_end + 1]  # whole lines only: a half table row breaks the Markdown table it is in
    return head + cut + note(len(cut))


EXIT_OK, EXIT_BAD_INPUT = 0, 2
EPILOG = f"""exit codes:
  {EXIT_OK}  body written to stdout
  {EXIT_BAD_INPUT}  bad usage, or a --limit that leaves no room for the report"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 .ci/gh/body.py",
        description="Body of a sticky PR comment or compliance issue.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--marker", required=True, help="hidden marker that identifies the comment or issue")
    parser.add_argument("--report", type=Path, required=True, help="the gate's report.md (may be missing)")
    parser.add_argument("--run-url", required=True, help="link to the workflow run and its artifacts")
    parser.add_argument("--limit", type=int, default=GITHUB_BODY_LIMIT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    report = args.report.read_text(encoding="utf-8") if args.report.is_file() else None
    try:
        sys.stdout.write(render(args.marker, report, args.run_url, args.limit))
    except ValueError as error:
        print(f"body: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
