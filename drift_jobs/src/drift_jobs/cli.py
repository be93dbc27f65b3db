"""`drift-job` command line: profile, run (optionally one shard), merge.

Every config key can be set by a flag; flags win over the file. Errors end with one line
on stderr and the exit code of DESIGN §5.5 (2 bad input, 3 dependency unavailable); which
exception gets which code is decided in one place, `drift_jobs.errors`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from drift_jobs import __version__
from drift_jobs.commands import cmd_merge, cmd_profile, cmd_run
from drift_jobs.config import JobConfig, load_config_text, merge_overrides, parse_config
from drift_jobs.contract import DEFAULT_THREADS, EXIT_BAD_INPUT, EXIT_DEPENDENCY, EXIT_INTERNAL, EXIT_OK
from drift_jobs.errors import BadInputError, as_job_error, one_line
from drift_jobs.export.report_json import OutputFolder
from drift_jobs.logs import setup_logging
from drift_jobs.read.storage import Storage

log = logging.getLogger("drift_jobs.cli")


def _csv_list(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def _shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected INDEX/COUNT, e.g. 0/4") from None
    if n < 1 or not 0 <= i < n:
        raise argparse.ArgumentTypeError(f"{text!r}: need 0 <= INDEX < COUNT")
    return i, n


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="config JSON (path or s3:// URI); flags override its keys")
    p.add_argument("--log-format", choices=("auto", "json", "text"), default="auto")
    p.add_argument("-v", "--verbose", action="store_true")
    g = p.add_argument_group("model labels")
    for flag in ("model", "model-version", "stack", "region", "cluster"):
        g.add_argument(f"--{flag}")
    d = p.add_argument_group("data")
    d.add_argument("--reference", help="reference data URI (file or directory/prefix)")
    d.add_argument("--profile", help="profile URI (default: next to the reference)")
    d.add_argument("--numeric-features", type=_csv_list, help="comma-separated column names")
    d.add_argument("--categorical-features", type=_csv_list, help="comma-separated column names")
    d.add_argument("--prediction-column")
    d.add_argument("--label-column")
    d.add_argument("--latency-column")
    d.add_argument("--task", choices=("classification", "regression"))
    d.add_argument("--chunk-rows", type=int)
    d.add_argument("--threads", type=int, help=f"columns summarised in parallel (default {DEFAULT_THREADS})")
    d.add_argument("--fine-bins", type=int)
    d.add_argument("--coarse-bins", type=int)
    d.add_argument("--category-cap", type=int)
    d.add_argument("--exact-max", type=int)
    d.add_argument("--csv-delimiter", help="CSV delimiter: , ; | or tab (default: detected)")
    d.add_argument("--csv-encoding", help="CSV text encoding (default utf-8)")
    d.add_argument("--retries", type=int, help="attempts for storage and Pushgateway calls")
    d.add_argument("--retry-backoff", type=float, help="first backoff in seconds (doubles)")


def _evaluation(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, type=Path, help="local directory for reports")
    p.add_argument("--pushgateway", help="Pushgateway URL (none: write DIR/metrics.prom)")
    p.add_argument("--no-push", action="store_true", help="write DIR/metrics.prom, do not push")
    p.add_argument("--reports", help="URI to upload reports, shard summaries and history under")
    p.add_argument("--history", help="URI of the adaptive-threshold history (default REPORTS/history)")
    p.add_argument("--adaptive", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--min-history", type=int)
    p.add_argument("--min-samples", type=int)
    p.add_argument("--psi-warning", type=float)
    p.add_argument("--psi-critical", type=float)
    p.add_argument(
        "--run-id",
        default=os.environ.get("DRIFT_JOB_RUN_ID"),
        help="names this run's folder under REPORTS (default $DRIFT_JOB_RUN_ID, else the UTC time)",
    )


# Ctrl-C: the shell's convention (128 + SIGINT).
EXIT_INTERRUPTED = 130
EPILOG = f"""exit codes:
  {EXIT_OK}  done (drift or not)
  {EXIT_INTERNAL}  internal error (a bug)
  {EXIT_BAD_INPUT}  bad input or usage: data, config, profile or arguments unusable, or a path that
     cannot be used as given (--out read-only, under a file, no permission); retrying will not help
  {EXIT_DEPENDENCY}  a dependency unavailable: storage or the Pushgateway after bounded retries,
     a full disk or quota, an I/O error
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C, or SIGTERM as Kubernetes sends it)
reports are written atomically; the JSON report first, then the HTML, metrics and uploads"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drift-job",
        description=__doc__.splitlines()[0],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"drift-job {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "profile",
        help="build and store the reference profile",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(p)
    r = sub.add_parser(
        "run",
        help="compare the current window with the reference",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(r)
    r.add_argument("--current", help="current window URI (file or directory/prefix)")
    r.add_argument("--shard", type=_shard, default=(0, 1), help="INDEX/COUNT: write a partial summary")
    _evaluation(r)
    m = sub.add_parser(
        "merge",
        help="merge shard summaries and report",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(m)
    m.add_argument("--inputs", nargs="+", required=True, help="summary files or directories/prefixes")
    _evaluation(m)
    return parser


def _overrides(a: argparse.Namespace) -> dict[str, Any]:
    def get(name: str) -> Any:
        return getattr(a, name, None)

    thresholds: dict[str, Any] = {}
    if get("psi_warning") is not None or get("psi_critical") is not None:
        thresholds["psi"] = {
            k: v for k, v in (("warning", get("psi_warning")), ("critical", get("psi_critical"))) if v is not None
        }
    if get("min_samples") is not None:
        thresholds["min_samples"] = get("min_samples")
    return {
        "model": get("model"),
        "model_version": get("model_version"),
        "stack": get("stack"),
        "region": get("region"),
        "cluster": get("cluster"),
        "reference": get("reference"),
        "current": get("current"),
        "profile": get("profile"),
        "numeric_features": get("numeric_features"),
        "categorical_features": get("categorical_features"),
        "prediction_column": get("prediction_column"),
        "label_column": get("label_column"),
        "latency_column": get("latency_column"),
        "task": get("task"),
        "pushgateway": get("pushgateway"),
        "reports": get("reports"),
        "chunk_rows": get("chunk_rows"),
        "threads": get("threads"),
        "thresholds": thresholds or None,
        "adaptive": {"enabled": get("adaptive"), "history": get("history"), "min_history": get("min_history")},
        "binning": {
            "fine_bins": get("fine_bins"),
            "coarse_bins": get("coarse_bins"),
            "category_cap": get("category_cap"),
            "exact_max": get("exact_max"),
        },
        "retry": {"attempts": get("retries"), "backoff_seconds": get("retry_backoff")},
        "csv": {
            "delimiter": "\t" if get("csv_delimiter") == "tab" else get("csv_delimiter"),
            "encoding": get("csv_encoding"),
        },
    }


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        value = _drop_empty(v) if isinstance(v, dict) else v
        if value is not None and value != {}:
            out[k] = value
    return out


def load_config(a: argparse.Namespace) -> JobConfig:
    raw: dict[str, Any] = {}
    if a.config:
        with Storage() as storage:
            text = storage.read_bytes(a.config)
        if text is None:
            raise BadInputError(f"{a.config}: config file not found")
        raw = load_config_text(text, a.config)
    return parse_config(merge_overrides(raw, _drop_empty(_overrides(a))))


def _dispatch(a: argparse.Namespace, cfg: JobConfig, out: OutputFolder | None, run_id: str) -> int:
    if a.command == "profile":
        return cmd_profile(cfg)
    assert out is not None  # --out is required by run and merge
    if a.command == "run":
        return cmd_run(cfg, out, a.shard, run_id, push_metrics=not a.no_push)
    return cmd_merge(cfg, a.inputs, out, run_id, push_metrics=not a.no_push)


class Terminated(KeyboardInterrupt):
    """SIGTERM (pod deletion, a Job's deadline): unwound like Ctrl-C, so temp files go and the error report is left."""


def _on_sigterm(signum: int, _frame: object) -> None:
    raise Terminated(f"terminated ({signal.Signals(signum).name})")


def main(argv: Sequence[str] | None = None) -> int:
    if threading.current_thread() is not threading.main_thread():
        return _main(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _main(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def use_jemalloc_for_arrow() -> None:
    """Arrow's jemalloc pool, unless ARROW_DEFAULT_MEMORY_POOL names one.

    With Arrow's default (mimalloc) peak RSS grew with the number of row groups read: a 10M-row profile build
    peaked 24-35 MB above a 1M-row one. With jemalloc both stayed at about 180 MB, at the same speed
    (docs/drift-jobs.md, Benchmark).
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    import pyarrow as pa  # noqa: PLC0415 - already loaded by the readers

    with contextlib.suppress(NotImplementedError):  # a pyarrow build without jemalloc keeps its default
        pa.set_memory_pool(pa.jemalloc_memory_pool())


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_format, args.verbose)
    use_jemalloc_for_arrow()
    out_dir: Path | None = getattr(args, "out", None)
    out = OutputFolder(out_dir) if out_dir is not None else None
    run_id = getattr(args, "run_id", None) or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    labels: dict[str, str] = {}
    try:
        cfg = load_config(args)
        labels = cfg.labels
        return _dispatch(args, cfg, out, run_id)
    except KeyboardInterrupt as exc:
        message = str(exc) if isinstance(exc, Terminated) else "interrupted"
        print(f"drift-job: error: {message}", file=sys.stderr)
        if out is not None:
            out.write_error(labels, message, EXIT_INTERRUPTED, run_id)
        return EXIT_INTERRUPTED
    except Exception as exc:
        fault = as_job_error(exc)  # errors.py: a DriftJobError, or an OSError whose errno names a fault
        if fault is None:
            log.exception("internal error", extra={"error": repr(exc)})
            message, code = f"internal error: {exc!r}", EXIT_INTERNAL
            print(f"drift-job: {one_line(message)}", file=sys.stderr)
        else:
            log.debug("failed", exc_info=True)
            message, code = one_line(str(fault)), fault.exit_code
            print(f"drift-job: error: {message}", file=sys.stderr)
        if out is not None:
            out.write_error(labels, message, code, run_id)
        return code


def entry() -> NoReturn:
    """A command run (`drift-job`, see drift_jobs.__main__): main(), then an exit that skips interpreter teardown.

    Finalising every module (pydantic's schemas, Arrow's pools, numpy) took 0.10-0.15 s of each run's process
    here, longer than evaluating the window. Nothing is lost by skipping it: every output is written, fsynced and
    renamed before main() returns, no temporary files or atexit work are left to the interpreter, and the log
    handlers and standard streams are flushed below. Usage errors and --help (SystemExit) exit the usual way.
    """
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed or broken pipe: nothing more can reach it
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
