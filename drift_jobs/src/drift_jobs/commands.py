"""The three commands: build a profile, run a window (or one shard of it), merge shards."""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drift_jobs.config import JobConfig
from drift_jobs.contract import EXIT_DEPENDENCY
from drift_jobs.errors import BadInputError, DependencyUnavailableError
from drift_jobs.evaluate.evaluator import evaluate
from drift_jobs.evaluate.history import append_run, history_uri, load_history
from drift_jobs.export.prometheus import build_registry, metrics_text, push
from drift_jobs.export.report_html import render_html
from drift_jobs.logs import Progress
from drift_jobs.read.readers import Chunk, TableSource
from drift_jobs.read.storage import Storage, basename, join
from drift_jobs.summarise.profile import Profile, build_profile, default_profile_uri, load_profile, save_profile
from drift_jobs.summarise.profile_format import ProfileError
from drift_jobs.summarise.summary import WindowSummary, summarise_window, write_summary

log = logging.getLogger(__name__)
REPORT_JSON = "drift_report.json"
REPORT_HTML = "drift_report.html"
METRICS_FILE = "metrics.prom"


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity; a value that is not finite is reported as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def report_bytes(report: dict[str, Any]) -> bytes:
    return json.dumps(_clean(report), indent=2, allow_nan=False).encode()


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
        loaded = load_profile(storage, cfg.profile)
        if loaded is None:
            raise BadInputError(f"{cfg.profile}: profile not found and no reference given to build it")
        return loaded, cfg.profile
    files = storage.list_data_files(cfg.reference)
    uri = cfg.profile or default_profile_uri(cfg.reference, files)
    try:
        loaded = load_profile(storage, uri)
    except ProfileError as exc:
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
        save_profile(storage, uri, profile)
    print(json.dumps({"profile": uri, "profile_id": profile.profile_id, "rows": profile.rows}))
    return 0


# --- runs ----------------------------------------------------------------------------------


def _shard_name(shard: tuple[int, int]) -> str:
    return f"summary-shard-{shard[0]:04d}-of-{shard[1]:04d}.json"


def cmd_run(cfg: JobConfig, out: Path, shard: tuple[int, int], run_id: str, push_metrics: bool = True) -> int:
    start = time.perf_counter()
    if cfg.current is None:
        raise BadInputError("config current: required (set it in the config or pass --current)")
    out.mkdir(parents=True, exist_ok=True)
    with Storage(retry=cfg.retry) as storage:
        profile, profile_uri = resolve_profile(cfg, storage)
        source = TableSource(cfg.current, storage, cfg.chunk_rows)
        units = source.units(shard)
        total = sum(u.rows or 0 for u in units) if all(u.rows is not None for u in units) else None
        bar, on_chunk = _progress("window", total)
        try:
            summary = summarise_window(profile, source, shard, on_chunk=on_chunk, threads=cfg.threads)
        finally:
            bar.close()
        summary.profile_uri = profile_uri
        if summary.rows == 0 and shard[1] == 1:
            raise BadInputError(f"current {cfg.current}: no rows (empty window)")
        if shard[1] > 1:
            return _write_shard(cfg, storage, summary, out, shard, run_id)
        return finish(cfg, storage, profile, summary, out, start, run_id, push_metrics)


def _write_shard(
    cfg: JobConfig, storage: Storage, summary: WindowSummary, out: Path, shard: tuple[int, int], run_id: str
) -> int:
    data = write_summary(summary)
    local = out / _shard_name(shard)
    local.write_bytes(data)
    log.info("shard summary written", extra={"path": str(local), "rows": summary.rows})
    if cfg.reports:
        remote = join(join(join(cfg.reports, "runs"), run_id), "shards/" + _shard_name(shard))
        storage.write_bytes(remote, data)
        log.info("shard summary uploaded", extra={"uri": remote})
    return 0


def cmd_merge(cfg: JobConfig, inputs: list[str], out: Path, run_id: str, push_metrics: bool = True) -> int:
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with Storage(retry=cfg.retry) as storage:
        docs: list[tuple[str, dict[str, Any]]] = []
        for uri in inputs:
            candidates = [uri] if uri.endswith(".json") else storage.list_prefix(uri)
            for c in candidates:
                if not basename(c).startswith("summary-shard-"):
                    continue
                data = storage.read_bytes(c)
                if data is None:
                    raise BadInputError(f"{c}: no such summary")
                try:
                    docs.append((c, json.loads(data)))
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise BadInputError(f"{c}: not valid JSON ({exc})") from exc
        if not docs:
            raise BadInputError(f"no summary-shard-*.json found in: {' '.join(inputs)}")
        profile_uri = cfg.profile or str(docs[0][1].get("profile_uri") or "")
        if not profile_uri:
            raise BadInputError("merge: the summaries do not name their profile; pass --profile")
        profile = load_profile(storage, profile_uri)
        if profile is None:
            raise BadInputError(f"{profile_uri}: profile not found")
        parts = [WindowSummary.from_dict(d, src, profile.binning.exact_max) for src, d in docs]
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
    out: Path,
    start: float,
    run_id: str,
    push_metrics: bool,
) -> int:
    """Evaluate, then write every output; dependency failures are collected, not fatal."""
    failures: list[str] = []
    hist_base = cfg.adaptive.history or (join(cfg.reports, "history") if cfg.reports else None)
    hist_uri = history_uri(hist_base, cfg.model) if hist_base else None
    history: list[dict[str, Any]] = []
    if hist_uri:
        try:
            history = load_history(storage, hist_uri)
        except DependencyUnavailableError as exc:
            failures.append(str(exc))
    ev = evaluate(cfg, profile, summary, history, hist_uri)
    report = ev.report
    report["run_id"] = run_id
    duration = time.perf_counter() - start
    report["duration_seconds"] = duration
    registry = build_registry(report, duration)
    metrics_path = out / METRICS_FILE
    if cfg.pushgateway and push_metrics:
        try:
            push(registry, cfg.pushgateway, report, cfg.retry)
            report["metrics"] = {"destination": cfg.pushgateway, "pushed": True}
        except DependencyUnavailableError as exc:
            failures.append(str(exc))
            metrics_path.write_bytes(metrics_text(registry))
            report["metrics"] = {"destination": str(metrics_path), "pushed": False, "error": str(exc)}
    else:
        metrics_path.write_bytes(metrics_text(registry))
        reason = "no Pushgateway configured" if not cfg.pushgateway else "push disabled"
        report["metrics"] = {"destination": str(metrics_path), "pushed": False, "reason": reason}
        log.info(f"{reason}: metrics written in Prometheus text format", extra={"path": str(metrics_path)})
    html = render_html(ev).encode()
    (out / REPORT_HTML).write_bytes(html)
    (out / REPORT_JSON).write_bytes(report_bytes(report))
    if cfg.reports:
        try:
            for prefix in (join(join(cfg.reports, "runs"), run_id), join(cfg.reports, "latest")):
                storage.write_bytes(join(prefix, REPORT_JSON), report_bytes(report))
                storage.write_bytes(join(prefix, REPORT_HTML), html, content_type="text/html")
        except DependencyUnavailableError as exc:
            failures.append(str(exc))
    if hist_uri:
        try:
            doc = append_run(history, _clean(report))
            storage.write_bytes(hist_uri, json.dumps(doc, separators=(",", ":")).encode())
        except DependencyUnavailableError as exc:
            failures.append(str(exc))
    s = report["summary"]
    log.info(
        "drift run finished",
        extra={
            "model": cfg.model,
            "rows": summary.rows,
            "status": s["status"],
            "dataset_drifted": s["dataset_drifted"],
            "drifted_features": s["drifted_features"],
            "duration_s": round(duration, 3),
            "out": str(out),
        },
    )
    if failures:
        # The local report stays complete; it records what could not be delivered.
        report["dependency_errors"] = failures
        (out / REPORT_JSON).write_bytes(report_bytes(report))
        print(f"drift-job: error: {'; '.join(failures)}", file=sys.stderr)
        return EXIT_DEPENDENCY
    return 0


def write_error_report(out: Path, cfg_labels: dict[str, str], message: str, code: int) -> None:
    """Best effort: leave a machine-readable trace of a failed run next to where reports go."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        doc = {"kind": "drift_report", "status": "error", "error": message, "exit_code": code, **cfg_labels}
        (out / REPORT_JSON).write_bytes(report_bytes(doc))
    except OSError:
        pass
