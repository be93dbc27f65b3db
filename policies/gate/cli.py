"""Command line: `python -m policies.gate --stack NAME` (offline plan, placement check and gate in one; reports in
build/NAME), `--plan FILE --out DIR`, `--manifests DIR --out DIR`, or `--image-scan TRIVY_JSON --image REF --out DIR`.

Exit codes (DESIGN §5.4): 0 compliant, 1 blocking findings, 2 bad input or usage. Bad input is one
line on stderr naming the file and what is wrong, never a traceback. An invalid stack config under --stack is
bad input too (one line per problem), and its problems are also findings in the five reports. `--out` and
`--waivers` are checked before evaluation; a report that cannot be written is named on stderr, the others are
still written, and the exit code is 2 (the verdict line is still printed). With `--baseline`, only findings new
since that report block (1); `--fail-on-existing` makes the unchanged ones block too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from policies.engines import ENGINE_NAMES
from policies.gate.errors import GateInputError
from policies.gate.inputs.preflight import check_engine, check_out_dir, check_waivers_file
from policies.gate.pipeline import DEFAULT_PACKS, DEFAULT_WAIVERS, GateOptions, GateResult, run_gate
from policies.gate.reports import REPORT_FILES, ReportWriteError, write_reports
from policies.gate.settings import Overrides
from policies.gate.severity import BLOCKING_SEVERITIES, severity_scale
from policies.gate.stack_mode import default_out, run_stack
from policies.gate.verdict import EXIT_BAD_INPUT, EXIT_BLOCKING, EXIT_COMPLIANT

_SHOWN_BLOCKING = 50
EPILOG = f"""exit codes:
  {EXIT_COMPLIANT}  compliant: no blocking finding
  {EXIT_BLOCKING}  blocking findings (or an engine error: never read as a pass); with --stack also a workload
     the placement check cannot place
  {EXIT_BAD_INPUT}  bad input or usage (one line on stderr naming the file or setting); with --stack also an
     invalid stack config, whose problems are findings in the five reports, written all the same"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m policies.gate",
        description=(
            "Gate a stack (its offline plan), a plan document or a directory of Kubernetes manifests against the "
            "policy packs, or an image's vulnerability scan against the image-scan threshold."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--stack",
        help="stack name: plan stacks/Pulumi.<stack>.yaml offline, check placement, gate it (reports in build/<stack>)",
    )
    source.add_argument("--plan", type=Path, help="plan document (offline plan or `pulumi preview --json` output)")
    source.add_argument(
        "--manifests", type=Path, help="directory of Kubernetes YAML (multi-document files, List objects)"
    )
    source.add_argument(
        "--image-scan", type=Path, help="Trivy JSON report of an image (`trivy image --format json`); needs --image"
    )
    parser.add_argument("--image", help="the scanned image's reference (registry/repository[:tag]@sha256:...)")
    parser.add_argument(
        "--out", type=Path, help="directory for the reports (and rendered manifests/); with --stack: build/<stack>"
    )
    parser.add_argument(
        "--root", type=Path, help="with --stack: the project root holding stacks/ and build/ (default: the current one)"
    )
    parser.add_argument(
        "--stack-file",
        type=Path,
        help="stacks/Pulumi.<stack>.yaml that findings point at (--stack sets it; with --plan not validated: the plan "
        "is what the program made of it)",
    )
    parser.add_argument(
        "--fail-on",
        choices=BLOCKING_SEVERITIES,
        help="blocking severity (default: the stack's; critical for --image-scan)",
    )
    parser.add_argument(
        "--engine", choices=ENGINE_NAMES, help="Rego engine (default: opa if OPA_URL is set, else regorus)"
    )
    parser.add_argument("--waivers", type=Path, help=f"waiver file (default: {DEFAULT_WAIVERS} if present)")
    parser.add_argument("--packs", type=Path, default=DEFAULT_PACKS, help="policy packs directory")
    parser.add_argument(
        "--allowed-registry",
        action="append",
        dest="allowed_registries",
        metavar="PREFIX",
        help="image registry prefix the kubernetes pack accepts (repeatable; default: the stack's)",
    )
    parser.add_argument("--kubernetes-version", help="schema version for manifests (default: the stack's, else 1.35)")
    parser.add_argument(
        "--allow-unknown",
        action="store_true",
        help="report findings that depend on values unknown before apply without blocking on them",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="REPORT_JSON",
        help=(
            "report.json of an earlier run of the same stack and input kind (the merge base's): each finding is "
            "marked new or unchanged, the baseline's others absent, and only new findings block (engine errors "
            "always do); a missing, malformed or other-stack baseline is exit 2"
        ),
    )
    parser.add_argument(
        "--fail-on-existing",
        action="store_true",
        help="with --baseline: unchanged findings block too (strict mode); absent ones never block",
    )
    parser.add_argument(
        "--no-checkov",
        action="store_true",
        help="debugging only: skip checkov (its checks and the controls only they serve read not-evaluated)",
    )
    parser.add_argument(
        "--github-step-summary",
        action="store_true",
        help="also append report.md to the file named by $GITHUB_STEP_SUMMARY (GitHub Actions)",
    )
    parser.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS)  # pins waiver expiry in tests
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.image_scan is None) != (args.image is None):
        parser.error("--image-scan and --image go together")  # exit 2
    if args.stack is None and args.out is None:
        parser.error("--out is required with --plan, --manifests and --image-scan")
    if args.stack is None and args.root is not None:
        parser.error("--root goes with --stack")
    if args.stack is not None and args.stack_file is not None:
        parser.error("--stack sets the stack file itself (stacks/Pulumi.<stack>.yaml): drop --stack-file")
    root = (args.root or Path.cwd()).resolve()
    options = GateOptions(
        # Relative when --root is not given, so messages and reports show build/<stack>.
        out=args.out or default_out(args.root or Path(), args.stack),
        plan=args.plan,
        manifests=args.manifests,
        image_scan=args.image_scan,
        image=args.image,
        overrides=Overrides(
            fail_on=args.fail_on,
            allowed_registries=tuple(args.allowed_registries) if args.allowed_registries else None,
            kubernetes_version=args.kubernetes_version,
            stack_file=args.stack_file,
        ),
        engine=args.engine,
        waivers=args.waivers,
        packs_root=args.packs,
        today=args.today or dt.date.today(),
        allow_unknown=args.allow_unknown,
        checkov=not args.no_checkov,
        baseline=args.baseline,
        fail_on_existing=args.fail_on_existing,
        repo_root=root,
    )
    if args.stack_file is not None and not args.stack_file.is_file():
        print(f"gate: error: {args.stack_file}: stack file does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    placement_exit = 0
    try:
        check_out_dir(options.out, REPORT_FILES)
        check_waivers_file(options.waivers)
        check_engine(options.engine)
        if args.stack is not None:
            stack_run = run_stack(args.stack, options)
            result, placement_exit = stack_run.result, stack_run.placement_exit
        else:
            result = run_gate(options)
    except GateInputError as error:
        print(f"gate: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    exit_code = max(result.exit_code, placement_exit)  # 2 bad input over 1 blocking over 0
    written: list[Path] = []
    try:
        written = write_reports(result, options.out)
    except ReportWriteError as error:
        written = error.written
        for path, why in error.failed.items():
            print(f"gate: error: {path}: could not write report: {why}", file=sys.stderr)
        exit_code = EXIT_BAD_INPUT
    summary_md = options.out / "report.md"
    if args.github_step_summary and os.environ.get("GITHUB_STEP_SUMMARY") and summary_md in written:
        with Path(os.environ["GITHUB_STEP_SUMMARY"]).open("a", encoding="utf-8") as summary:
            summary.write(summary_md.read_text(encoding="utf-8"))
    _print_summary(result)
    return exit_code


def baseline_summary(result: GateResult, baseline: Path) -> str:
    """One line: how this run's findings compare with the --baseline report."""
    states = Counter(f.baseline for f in result.findings)
    existing = len(result.verdict.existing_blocking)
    strict = f" ({existing} would block under --fail-on-existing)" if existing else ""
    return (
        f"baseline {result.shown(baseline)}: {states['new']} new, "
        f"{states['unchanged']} unchanged{strict}, {len(result.absent)} absent"
    )


def _print_summary(result: GateResult) -> None:
    verdict = result.verdict
    print(
        f"policy gate: {verdict.verdict.upper()} — {len(verdict.blocking)} blocking finding(s) at or above "
        f"{verdict.fail_on}; reports in {result.options.out}"
    )
    most_severe_first = sorted(verdict.blocking, key=lambda f: (-severity_scale().rank(f.severity), f.sort_key()))
    for finding in most_severe_first[:_SHOWN_BLOCKING]:
        resource = finding.resource.key if finding.resource else "(stack)"
        print(f"  {finding.status.upper()} {finding.severity} {finding.policy_id} {resource}: {finding.message}")
    if len(verdict.blocking) > _SHOWN_BLOCKING:
        print(f"  … {len(verdict.blocking) - _SHOWN_BLOCKING} more in report.md")
    if result.options.baseline is not None and not result.input_invalid:  # an invalid config is never compared
        print(baseline_summary(result, result.options.baseline))
    if result.waivers.malformed:
        waiver_file = result.hashes["waivers"]["path"] if result.hashes.get("waivers") else "waivers"
        for problem in result.waivers.malformed:
            print(
                f"gate: error: {waiver_file}:{problem.line}: malformed waiver {problem.id or ''}: {problem.problem}",
                file=sys.stderr,
            )
