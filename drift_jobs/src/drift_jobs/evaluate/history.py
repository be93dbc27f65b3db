"""Per-model history of past runs, kept next to the reports, for adaptive thresholds.

Runs that share a history (a retried Job overlapping the next schedule, shards of two windows) add their entry
with `record_run`, an atomic read-modify-write (`Storage.update`: a lock file locally, conditional PUTs on S3)
that re-reads the history at write time, so no run's entry is lost. The CronJobs' `concurrencyPolicy: Forbid`
stays as a second line of defence.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from drift_jobs import contract
from drift_jobs.evaluate.metrics import effect_metrics
from drift_jobs.read.storage import Storage, join

log = logging.getLogger(__name__)
HISTORY_METRICS = (*(m.name for m in effect_metrics()), "missing_share_increase")


def history_uri(base: str, model: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model) or "model"
    return join(base, f"{safe}.drift-history.json")


def load_history(storage: Storage, uri: str) -> list[dict[str, Any]]:
    return parse_history(storage.read_bytes(uri), uri)


def parse_history(data: bytes | None, uri: str) -> list[dict[str, Any]]:
    if data is None:
        return []
    try:
        doc = json.loads(data)
        runs = doc["runs"]
        if not isinstance(runs, list):
            raise TypeError("runs is not a list")
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        # A damaged history must not stop monitoring; it only disables adaptation.
        log.warning("ignoring unreadable history", extra={"history": uri, "error": str(exc)})
        return []
    return [r for r in runs if isinstance(r, dict)]


def past_values(runs: list[dict[str, Any]], profile_id: str, feature: str, metric: str) -> list[float]:
    out: list[float] = []
    for run in runs:
        if run.get("profile_id") != profile_id:
            continue
        entry = run.get("features", {}).get(feature, {})
        if entry.get("status") == "critical":
            continue
        value = entry.get(metric)
        if isinstance(value, int | float):
            out.append(float(value))
    return out


def append_run(runs: list[dict[str, Any]], report: dict[str, Any]) -> dict[str, Any]:
    record = {
        "run_at": report["generated_at"],
        "profile_id": report["profile_id"],
        "rows": report["window"]["rows"],
        "features": {
            f["name"]: {m: f.get(m) for m in HISTORY_METRICS} | {"status": f["status"]}
            for f in report["features"]
            if f["evaluated"]
        },
    }
    kept = [*runs, record][-contract.HISTORY_MAX_RUNS :]
    return {"schema_version": contract.HISTORY_SCHEMA_VERSION, "kind": "drift_history", "runs": kept}


def record_run(storage: Storage, uri: str, report: dict[str, Any]) -> dict[str, Any]:
    """Append this run to the history as it is now (not as it was read before the evaluation), atomically."""
    written: dict[str, Any] = {}

    def change(current: bytes | None) -> bytes:
        written.clear()
        written.update(append_run(parse_history(current, uri), report))
        return json.dumps(written, separators=(",", ":")).encode()

    storage.update(uri, change)
    return written
