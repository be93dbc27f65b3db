"""The three commands: build a profile, run a window (or one shard of it), merge shards."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from drift_jobs.config import JobConfig
from drift_jobs.errors import (
    BadInputError,
    DependencyUnavailableError,
    DriftJobError,
    combined_exit_code,
    one_line,
    os_fault,
    reading,
)
from drift_jobs.evaluate.evaluator import evaluate
from drift_jobs.evaluate.history import history_uri, load_history, record_run
from drift_jobs.export.prometheus import build_registry, metrics_text, push
from drift_jobs.export.report_html import render_html
from drift_jobs.export.report_json import METRICS_FILE, REPORT_HTML, REPORT_JSON, OutputFolder, report_bytes
from drift_jobs.logs import Progress
from drift_jobs.read.readers import Chunk, TableSource
from drift_jobs.read.storage import Storage, basename, join
from drift_jobs.summarise.profile import Profile, build_profile, default_profile_uri, load_profile, save_profile
from drift_jobs.summarise.summary import WindowSummary, summarise_window, write_summary

log = logging.getLogger(__name__)
__all__ = ["METRICS_FILE", "REPORT_HTML", "REPORT_JSON", "cmd_merge", "cmd_profile", "cmd_run", "report_bytes"]


def _read_profile(storage: Storage, uri: str) -> Profile | None:
    """The stored profile; whatever a malformed one provokes while it is parsed is bad input naming it (exit 2)."""
    with reading(f"profile {uri}"):
        return load_profile(storage, uri)


def _deliver(faults: list[DriftJobError], what: str, step: Callable[[], None]) -> None:
    """One remote or shared delivery (push, upload, history): its environment fault is collected, not raised."""
    try:
        step()
    except DependencyUnavailableError as exc:
        faults.append(exc)
    except OSError as exc:  # a local `reports` or `history` folder
        fault = os_fault(exc, what)
        if fault is None:
            raise
        faults.append(fault)


def _end(faults: list[DriftJobError]) -> int:
    """Exit code of a run that computed its result: 0, or the faults' code with their one line on stderr."""
    if faults:
        print(f"drift-job: error: {'; '.join(one_line(str(f)) for f in faults)}", file=sys.stderr)
    return combined_exit_code(faults)


def _prepare_out(out: OutputFolder, remote: bool) -> None:
    """Fail before the work when `--out` is unusable and nothing else would receive the result."""
    fault = out.prepare()
    if fault is None:
        return
    if not remote:
        raise fault
    log.warning("--out is not writable; delivering to the other destinations", extra={"error": str(fault)})


def _progress(what: str, total: int | None) -> tuple[Progress, Callable[[Chunk], None]]:
    bar = Progress(what, total)
    return bar, lambda chunk: bar.update(chunk.num_rows)


# --- profiles ------------------------------------------------------------------------------


def _staleness(profile: Profile, cfg: JobConfig, storage: Storage, files: list[str]) -> str | None:
    if profile.files != files or profile.source_fingerprint != storage.fingerprint(files):
        return "reference data changed"
    if profile.binning != cfg.binning:
        return "binning settings changed"
    kinds = {"numeric": cfg.numeric_features, "categorical": cfg.categorical_features}
    for kind, wanted in kinds.items():
        have = [f.name for f in profile.roles.features if f.kind == kind and f.role == "feature"]
        if wanted is not None and sorted(wanted) != sorted(have):
            return f"{kind} feature list changed"
    roles = profile.roles
    if (cfg.label_column, cfg.prediction_column, cfg.latency_column) != (
        roles.label,
        roles.prediction,
        roles.latency,
    ):
        return "label, prediction or latency column changed"
    if cfg.task is not None and cfg.task != roles.task:
        return "task changed"
    return None


def make_profile(cfg: JobConfig, storage: Storage) -> tuple[Profile, str]:
    if cfg.reference is None:
        raise BadInputError("config reference: required (set it in the config or pass --reference)")
    files = storage.list_data_files(cfg.reference)
    uri = cfg.profile or default_profile_uri(cfg.reference, files)
    bar, on_chunk = _progress("profile", None)  # several passes: no meaningful total
    try:
        profile = build_profile(cfg, cfg.reference, storage, on_chunk=on_chunk)
    finally:
        bar.close()
    return profile, uri


def resolve_profile(cfg: JobConfig, storage: Storage) -> tuple[Profile, str]:
    """The stored profile when it is current, else a fresh one (stored next to the reference)."""
    if cfg.reference is None:
        if cfg.profile is None:
            raise BadInputError("config reference: required (or give profile)")
        loaded = _read_profile(storage, cfg.profile)
        if loaded is None:
            raise BadInputError(f"{cfg.profile}: profile not found and no reference given to build it")
        return loaded, cfg.profile
    files = storage.list_data_files(cfg.reference)
    uri = cfg.profile or default_profile_uri(cfg.reference, files)
    try:
        loaded = _read_profile(storage, uri)
    except BadInputError as exc:  # a ProfileError (integrity, structure) or a malformed document
        if cfg.profile is not None:  # a profile the config names is not ours to replace
            raise
        log.warning("stored profile is corrupt or tampered; rebuilding", extra={"profile": uri, "error": str(exc)})
        loaded = None
    if loaded is not None:
        why = _staleness(loaded, cfg, storage, files)
        if why is None:
            log.info("using stored profile", extra={"profile": uri, "profile_id": loaded.profile_id})
            return loaded, uri
        log.warning("stored profile is stale; rebuilding", extra={"profile": uri, "reason": why})
    else:
        log.info("no stored profile; building one", extra={"profile": uri})
    profile, uri = make_profile(cfg, storage)
    try:
        save_profile(storage, uri, profile)
    except (DependencyUnavailableError, OSError) as exc:
        # A read-only reference location must not stop monitoring; the next run rebuilds.
        log.warning("could not store the profile; continuing", extra={"profile": uri, "error": str(exc)})
    return profile, uri


def cmd_profile(cfg: JobConfig) -> int:
    with Storage(retry=cfg.retry) as storage:
        profile, uri = make_profile(cfg, storage)
        try:
            save_profile(storage, uri, profile)
        except OSError as exc:
            raise os_fault(exc, f"profile {uri}: cannot write") or exc from exc
    print(json.dumps({"profile": uri, "profile_id": profile.profile_id, "rows": profile.rows}))
    return 0


# --- runs ----------------------------------------------------------------------------------


def _shard_name(shard: tuple[int, int]) -> str:
    return f"summary-shard-{shard[0]:04d}-of-{shard[1]:04d}.json"


def cmd_run(cfg: JobConfig, out: OutputFolder, shard: tuple[int, int], run_id: str, push_metrics: bool = True) -> int:
    start = time.perf_counter()
    if cfg.current is None:
        raise BadInputError("config current: required (set it in the config or pass --current)")
    sharded = shard[1] > 1
    _prepare_out(out, remote=bool(cfg.reports) or (not sharded and bool(cfg.pushgateway and push_metrics)))
    with Storage(retry=cfg.retry) as storage:
        profile, profile_uri = resolve_profile(cfg, storage)
        source = TableSource(cfg.current, storage, cfg.chunk_rows, csv=cfg.csv)
        units = source.units(shard)
        total = sum(u.rows or 0 for u in units) if all(u.rows is not None for u in units) else None
        bar, on_chunk = _progress("window", total)
        try:
            summary = summarise_window(profile, source, shard, on_chunk=on_chunk, threads=cfg.threads)
        finally:
            bar.close()
        summary.profile_uri = profile_uri
        if summary.rows == 0 and not sharded:
            raise BadInputError(f"current {cfg.current}: no rows (empty window)")
        if sharded:
            return _write_shard(cfg, storage, summary, out, shard, run_id)
        return finish(cfg, storage, profile, summary, out, start, run_id, push_metrics)


def _write_shard(
    cfg: JobConfig, storage: Storage, summary: WindowSummary, out: OutputFolder, shard: tuple[int, int], run_id: str
) -> int:
    data = write_summary(summary)
    if out.write(_shard_name(shard), data):
        log.info("shard summary written", extra={"path": str(out.out / _shard_name(shard)), "rows": summary.rows})
    faults: list[DriftJobError] = []
    if cfg.reports:
        remote = join(join(join(cfg.reports, "runs"), run_id), "shards/" + _shard_name(shard))
        _deliver(faults, f"reports {remote}: cannot write", lambda: storage.write_bytes(remote, data))
        if not faults:
            log.info("shard summary uploaded", extra={"uri": remote})
    return _end(out.faults + faults)


def _read_summary(storage: Storage, uri: str) -> dict[str, Any]:
    data = storage.read_bytes(uri)
    if data is None:
        raise BadInputError(f"{uri}: no such summary")
    with reading(f"summary {uri}"):
        doc = json.loads(data)
    if not isinstance(doc, dict):
        raise BadInputError(f"summary {uri}: malformed (a JSON {type(doc).__name__}, not an object)")
    return doc


def cmd_merge(cfg: JobConfig, inputs: list[str], out: OutputFolder, run_id: str, push_metrics: bool = True) -> int:
    start = time.perf_counter()
    _prepare_out(out, remote=bool(cfg.reports) or bool(cfg.pushgateway and push_metrics))
    with Storage(retry=cfg.retry) as storage:
        docs: list[tuple[str, dict[str, Any]]] = []
        for uri in inputs:
            candidates = [uri] if uri.endswith(".json") else storage.list_prefix(uri)
            docs.extend((c, _read_summary(storage, c)) for c in candidates if basename(c).startswith("summary-shard-"))
        if not docs:
            raise BadInputError(f"no summary-shard-*.json found in: {' '.join(inputs)}")
        profile_uri = cfg.profile or str(docs[0][1].get("profile_uri") or "")
        if not profile_uri:
            raise BadInputError("merge: the summaries do not name their profile; pass --profile")
        profile = _read_profile(storage, profile_uri)
        if profile is None:
            raise BadInputError(f"{profile_uri}: profile not found")
        parts = []
        for src, d in docs:
            with reading(f"summary {src}"):
                parts.append(WindowSummary.from_dict(d, src, profile.binning.exact_max))
        counts = {p.shard[1] for p in parts}
        if len(counts) != 1:
            raise BadInputError(f"merge: summaries come from different shard counts {sorted(counts)}")
        n = counts.pop()
        seen = sorted(p.shard[0] for p in parts)
        if seen != list(range(n)):
            missing = sorted(set(range(n)) - set(seen))
            dupes = sorted({i for i in seen if seen.count(i) > 1})
            raise BadInputError(f"merge: shards of {n} incomplete (missing {missing}, duplicated {dupes})")
        merged = parts[0]
        for part in parts[1:]:
            merged.merge(part)
        if merged.profile_id != profile.profile_id:
            raise BadInputError(f"merge: summaries were made with profile {merged.profile_id}, not {profile_uri}")
        if merged.rows == 0:
            raise BadInputError("merge: the shards hold no rows (empty window)")
        return finish(cfg, storage, profile, merged, out, start, run_id, push_metrics)


def finish(
    cfg: JobConfig,
    storage: Storage,
    profile: Profile,
    summary: WindowSummary,
    out: OutputFolder,
    start: float,
    run_id: str,
    push_metrics: bool,
) -> int:
    """Evaluate, then deliver in a fixed order: the JSON report first (so no later fault can lose it), the HTML,
    the metrics (push, else `metrics.prom`), the uploads, the history; then the JSON once more with the outcome.

    Faults of the environment (a full or read-only `--out`, storage, the Pushgateway) are collected, not fatal:
    every destination that still works gets its output, and the exit code says what failed (errors.py's rule).
    """
    faults: list[DriftJobError] = []
    hist_base = cfg.adaptive.history or (join(cfg.reports, "history") if cfg.reports else None)
    hist_uri = history_uri(hist_base, cfg.model) if hist_base else None
    history: list[dict[str, Any]] = []
    if hist_uri:
        loaded: list[list[dict[str, Any]]] = []
        where = hist_uri
        _deliver(faults, f"history {where}: cannot read", lambda: loaded.append(load_history(storage, where)))
        history = loaded[0] if loaded else []  # unreadable: static thresholds this time, the fault is reported
    ev = evaluate(cfg, profile, summary, history, hist_uri)
    report = ev.report
    report.run_id = run_id
    duration = time.perf_counter() - start
    report.duration_seconds = duration
    metrics_path = out.out / METRICS_FILE
    pushing = bool(cfg.pushgateway and push_metrics)
    if pushing:
        report.metrics = {"destination": cfg.pushgateway, "pushed": False, "reason": "not pushed yet"}
    else:
        reason = "no Pushgateway configured" if not cfg.pushgateway else "push disabled"
        report.metrics = {"destination": str(metrics_path), "pushed": False, "reason": reason}

    # 1. The JSON report, before anything that could fail or hang (or a minimal error report when it won't fit).
    out.write_report(report, cfg.labels, run_id)
    # 2. The HTML report.
    html = render_html(ev).encode()
    out.write(REPORT_HTML, html)
    # 3. The metrics: pushed, else (or when the push failed) written as metrics.prom.
    registry = build_registry(report, duration)
    pushed = False
    if pushing:
        assert cfg.pushgateway is not None
        gateway = cfg.pushgateway
        try:
            push(registry, gateway, report, cfg.retry)
            report.metrics = {"destination": gateway, "pushed": True}
            pushed = True
        except DependencyUnavailableError as exc:
            faults.append(exc)
            report.metrics = {"destination": str(metrics_path), "pushed": False, "error": str(exc)}
    written = not pushed and out.write(METRICS_FILE, lambda: metrics_text(registry))
    if written and not pushing:
        log.info(
            f"{report.metrics['reason']}: metrics written in Prometheus text format",
            extra={"path": str(metrics_path)},
        )
    # 4. The uploads.
    if cfg.reports:
        reports, report_json = cfg.reports, report_bytes(report)
        for prefix in (join(join(reports, "runs"), run_id), join(reports, "latest")):

            def upload(prefix: str = prefix) -> None:
                storage.write_bytes(join(prefix, REPORT_JSON), report_json)
                storage.write_bytes(join(prefix, REPORT_HTML), html, content_type="text/html")

            _deliver(faults, f"reports {prefix}: cannot write", upload)
    # 5. The history.
    if hist_uri:
        uri = hist_uri

        def save_history() -> None:
            record_run(storage, uri, report.to_dict())

        _deliver(faults, f"history {uri}: cannot write", save_history)
    s = report.summary
    log.info(
        "drift run finished",
        extra={
            "model": cfg.model,
            "rows": summary.rows,
            "status": s.status,
            "dataset_drifted": s.dataset_drifted,
            "drifted_features": s.drifted_features,
            "duration_s": round(duration, 3),
            "out": str(out.out),
        },
    )
    # 6. The JSON report once more with what the deliveries did (atomic: on a full disk the first one stays).
    every = out.faults + faults
    if every:
        # The local report stays complete; it records what could not be delivered.
        report.dependency_errors = [str(f) for f in every]
    if out.report_written and (every or pushing):
        out.write(REPORT_JSON, lambda: report_bytes(report), label=f"the update of {REPORT_JSON}")
    return _end(out.faults + faults)  # again: the update above may have added a fault
