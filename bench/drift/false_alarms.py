"""False-alarm rate on unshifted synthetic data, per feature-window.

Every window is drawn from the reference's own distributions, so every alarm is false.
The job's decision (effect-size tiers on PSI, normalised Wasserstein and the KS statistic,
Benjamini-Hochberg guard, adaptive thresholds calibrated on earlier windows only) is compared in
the same loop with the PSI tier alone under the same guard (the default status before issue 13,
read from the same reports), and with what common tools do: a per-column KS test at p < 0.05, and
a static PSI > 0.1 rule without a guard. Detection power and 10k/1M-row windows:
bench/drift/detection_power.py.

    uv run python bench/drift/false_alarms.py [--windows 500] [--out bench/results]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from drift_jobs.config import parse_config
from drift_jobs.evaluate.evaluator import evaluate
from drift_jobs.evaluate.history import append_run
from drift_jobs.read.readers import Chunk
from drift_jobs.read.storage import Storage
from drift_jobs.summarise.profile import build_profile, summarise_chunk
from drift_jobs.summarise.summary import WindowSummary
from scipy import stats

N_FEATURES = 20


def draw(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Ten normal, five log-normal and five coarsely rounded (tied) features."""
    cols: dict[str, np.ndarray] = {}
    for j in range(N_FEATURES):
        if j < 10:
            cols[f"f{j}"] = rng.standard_normal(n)
        elif j < 15:
            cols[f"f{j}"] = rng.lognormal(0.0, 1.0, n)
        else:
            cols[f"f{j}"] = np.round(rng.standard_normal(n) * 2) / 2
    return cols


def measure(
    windows: int = 1000,
    seed: int = 7,
    reference_rows: int = 5000,
    min_rows: int = 100,
    max_rows: int = 1000,
    adaptive: bool = True,
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    ref = draw(rng, reference_rows)
    cfg = parse_config({"adaptive": {"enabled": adaptive, "min_history": 8}})
    with tempfile.TemporaryDirectory() as tmp, Storage() as storage:
        path = Path(tmp) / "ref.parquet"
        pq.write_table(pa.table(ref), path)
        profile = build_profile(cfg, str(path), storage)
    edges = {n: p.bins.edges for n, p in profile.numeric.items()}
    history: list[dict[str, Any]] = []
    ours = psi_only = ks_naive = psi_static = 0
    tripped_by: dict[str, int] = {}
    alarms: list[dict[str, Any]] = []
    start = time.perf_counter()
    for w in range(windows):
        n = int(rng.integers(min_rows, max_rows + 1))
        cur = draw(rng, n)
        summary = WindowSummary.empty(profile, f"window-{w}", (0, 1))
        summary.rows = n
        chunk = Chunk(dict(cur), n, "memory")
        summarise_chunk(chunk, edges, summary.numeric, {}, {}, summary.categorical, profile.roles, None, None)
        report = evaluate(cfg, profile, summary, history, "memory").report.to_dict()
        history = append_run(history, report)["runs"]
        significance = report["summary"]["decision"]["significance"]
        for f in report["features"]:
            ours += bool(f["drifted"])
            guarded = f["pvalue_adjusted"] is not None and f["pvalue_adjusted"] < significance
            psi_only += bool(guarded and f["tiers"].get("psi", "ok") != "ok")
            if f["drifted"]:
                tripped = sorted(m for m, t in f["tiers"].items() if t != "ok")
                for m in tripped:
                    tripped_by[m] = tripped_by.get(m, 0) + 1
                alarms.append({"window": w, "rows": n, "feature": f["name"], "tripped": tripped})
            psi_static += bool(f["psi"] is not None and f["psi"] > 0.1)
            ks_naive += bool(stats.ks_2samp(ref[f["name"]], cur[f["name"]]).pvalue < 0.05)
    total = windows * N_FEATURES
    return {
        "windows": windows,
        "features_per_window": N_FEATURES,
        "feature_windows": total,
        "reference_rows": reference_rows,
        "window_rows": [min_rows, max_rows],
        "adaptive": adaptive,
        "seed": seed,
        "false_alarm_rate": {
            "drift_job": ours / total,
            "drift_job_psi_only": psi_only / total,
            "ks_p_below_0.05_per_feature": ks_naive / total,
            "psi_above_0.1_unguarded": psi_static / total,
        },
        "false_alarms": {
            "drift_job": ours,
            "drift_job_psi_only": psi_only,
            "ks_p_below_0.05_per_feature": ks_naive,
            "psi_above_0.1_unguarded": psi_static,
        },
        "drift_job_alarms_tripped_by": tripped_by,
        "drift_job_alarms": alarms,
        "seconds": time.perf_counter() - start,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--windows", type=int, default=500)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "results")
    a = p.parse_args(argv)
    result = measure(a.windows, a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "drift_false_alarms.json").write_text(json.dumps(result, indent=2))
    json.dump(result["false_alarm_rate"], sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
