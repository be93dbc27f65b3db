"""Drift job vs a plain numpy + scipy baseline on seeded synthetic data (DESIGN §7).

    uv run python bench/drift/run_bench.py [--quick] [--data-dir DIR] [--repeats N]

Data: a 1M x 20 float64 reference and windows of 1M x 20 and 10M x 20 (--quick: 1M only)
with five shifted features, written once as Parquet in 262,144-row row groups. Each side
runs in its own subprocess so peak RSS is per side:
- job: `drift-job run` in-process (profile already stored), reading the window from the
  Parquet file in row-group chunks, writing the JSON/HTML reports and metrics.prom;
- baseline: the window loaded whole, then per column scipy `ks_2samp` (exact statistic)
  and PSI on np.quantile deciles of the reference.
Results (medians over repeats, ratios, accuracy of KS/PSI vs the baseline) go to
bench/results/drift_bench[_quick].json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROWS_PER_GROUP = 262_144
N_FEATURES = 20
SHIFTED = {"f0": ("mean", 0.5), "f1": ("scale", 1.5), "f2": ("mean", -0.5), "f3": ("scale", 0.7), "f4": ("mean", 1.0)}
HERE = Path(__file__).resolve()
RESULTS = HERE.parents[1] / "results"


# --- data ----------------------------------------------------------------------------------


# Each side imports only what it uses, inside its function, so its peak RSS is its own.


def write_table(path: Path, rows: int, seed: int, shifted: bool) -> None:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    schema = pa.schema([(f"f{j}", pa.float64()) for j in range(N_FEATURES)])
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for start in range(0, rows, ROWS_PER_GROUP):
            n = min(ROWS_PER_GROUP, rows - start)
            cols = []
            for j in range(N_FEATURES):
                x = rng.standard_normal(n)
                kind, amount = SHIFTED.get(f"f{j}", ("none", 0.0)) if shifted else ("none", 0.0)
                if kind == "mean":
                    x += amount
                elif kind == "scale":
                    x *= amount
                cols.append(pa.array(x))
            writer.write_table(pa.Table.from_arrays(cols, schema=schema), row_group_size=ROWS_PER_GROUP)
    tmp.replace(path)


def prepare(data_dir: Path, sizes: list[int]) -> dict[str, Path]:
    data_dir.mkdir(parents=True, exist_ok=True)
    files = {"reference": data_dir / "reference_1m.parquet"}
    if not files["reference"].exists():
        write_table(files["reference"], 1_000_000, 1, False)
    for rows in sizes:
        path = data_dir / f"window_{rows // 1_000_000}m.parquet"
        if not path.exists():
            t = time.perf_counter()
            write_table(path, rows, 2 + rows // 1_000_000, True)
            print(f"wrote {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        files[f"window_{rows}"] = path
    return files


# --- the two sides (run in subprocesses) ----------------------------------------------------


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def side_job(reference: str, window: str) -> dict[str, Any]:
    from drift_jobs.cli import main  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as out:
        t, c = time.perf_counter(), time.process_time()
        code = main(["run", "--reference", reference, "--current", window, "--out", out, "--log-format", "json"])
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        report = json.loads((Path(out) / "drift_report.json").read_text())
    return {
        "exit_code": code,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": peak_rss_mb(),
        "ks": {f["name"]: f["ks_statistic"] for f in report["features"]},
        "ks_error_bound": {f["name"]: f["ks_error_bound"] for f in report["features"]},
        "psi": {f["name"]: f["psi"] for f in report["features"]},
        "drifted": report["summary"]["drifted_features"],
    }


def decile_psi(ref: np.ndarray, cur: np.ndarray) -> float:
    edges = np.quantile(ref, np.arange(1, 10) / 10)
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=10) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=10) / len(cur)
    r = np.where(r == 0, 1e-4, r)
    c = np.where(c == 0, 1e-4, c)
    return float(np.sum((c - r) * np.log(c / r)))


def side_baseline(reference: str, window: str) -> dict[str, Any]:
    import pyarrow.parquet as pq  # noqa: PLC0415
    from scipy import stats  # noqa: PLC0415

    t0, c0 = time.perf_counter(), time.process_time()
    ref_t = pq.read_table(reference)
    cur_t = pq.read_table(window)
    ref = {n: ref_t.column(n).to_numpy() for n in ref_t.column_names}
    cur = {n: cur_t.column(n).to_numpy() for n in cur_t.column_names}
    del ref_t, cur_t
    t1 = time.perf_counter()
    ks, psi, pvalues = {}, {}, {}
    for name, ref_values in ref.items():
        res = stats.ks_2samp(ref_values, cur[name])
        ks[name], pvalues[name] = float(res.statistic), float(res.pvalue)
        psi[name] = decile_psi(ref_values, cur[name])
    t2 = time.perf_counter()
    return {
        "wall_s": t2 - t0,
        "cpu_s": time.process_time() - c0,
        "read_s": t1 - t0,
        "compute_s": t2 - t1,
        "peak_rss_mb": peak_rss_mb(),
        "ks": ks,
        "psi": psi,
        "drifted": sorted((n for n in psi if psi[n] > 0.1), key=lambda n: int(n[1:])),
    }


def run_side(side: str, reference: Path, window: Path) -> dict[str, Any]:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(HERE), f"_{side}", str(reference), str(window)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{side} side failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - t
    return result


# --- orchestration ---------------------------------------------------------------------------


def median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def compare(rows: int, job_runs: list[dict[str, Any]], base_runs: list[dict[str, Any]]) -> dict[str, Any]:
    job, base = job_runs[0], base_runs[0]
    ks_diff = max(abs(job["ks"][n] - base["ks"][n]) for n in base["ks"])
    psi_diff = max(abs(job["psi"][n] - base["psi"][n]) for n in base["psi"])
    jw, bw = median(job_runs, "wall_s"), median(base_runs, "wall_s")
    return {
        "rows": rows,
        "features": N_FEATURES,
        "job": {
            "repeats": len(job_runs),
            "wall_s_median": jw,
            "wall_s_runs": [r["wall_s"] for r in job_runs],
            "cpu_s_median": median(job_runs, "cpu_s"),
            "process_s_median": median(job_runs, "process_s"),
            "rows_per_s": rows / jw,
            "peak_rss_mb_median": median(job_runs, "peak_rss_mb"),
            "drifted": job["drifted"],
        },
        "baseline": {
            "repeats": len(base_runs),
            "wall_s_median": bw,
            "wall_s_runs": [r["wall_s"] for r in base_runs],
            "cpu_s_median": median(base_runs, "cpu_s"),
            "read_s_median": median(base_runs, "read_s"),
            "compute_s_median": median(base_runs, "compute_s"),
            "process_s_median": median(base_runs, "process_s"),
            "rows_per_s": rows / bw,
            "peak_rss_mb_median": median(base_runs, "peak_rss_mb"),
            "drifted_psi_above_0.1": base["drifted"],
        },
        "speedup_wall": bw / jw,
        "speedup_cpu": median(base_runs, "cpu_s") / median(job_runs, "cpu_s"),
        "rss_ratio_baseline_over_job": median(base_runs, "peak_rss_mb") / median(job_runs, "peak_rss_mb"),
        "accuracy": {
            "ks_max_abs_diff": ks_diff,
            "ks_max_error_bound": max(job["ks_error_bound"].values()),
            "psi_max_abs_diff": psi_diff,
        },
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1M window only, fewer repeats")
    p.add_argument("--data-dir", type=Path, help="reuse generated data here (default: a temp dir)")
    p.add_argument("--repeats", type=int, help="job repeats per size (default 5, quick 3)")
    p.add_argument("--out", type=Path, default=RESULTS)
    a = p.parse_args(argv)
    start_load = list(os.getloadavg())
    sizes = [1_000_000] if a.quick else [1_000_000, 10_000_000]
    repeats = a.repeats or (3 if a.quick else 5)
    tmp = None if a.data_dir else tempfile.TemporaryDirectory(prefix="drift-bench-")
    data_dir = a.data_dir or Path(tmp.name)  # type: ignore[union-attr]
    try:
        files = prepare(data_dir, sizes)
        ref = files["reference"]
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "drift_jobs.cli", "profile", "--reference", str(ref), "--log-format", "json"],
            check=True,
            capture_output=True,
        )
        profile_s = time.perf_counter() - t
        results = []
        for rows in sizes:
            window = files[f"window_{rows}"]
            job_runs = [run_side("job", ref, window) for _ in range(repeats)]
            base_repeats = max(1, repeats // 2) if rows <= 1_000_000 else 1
            base_runs = [run_side("baseline", ref, window) for _ in range(base_repeats)]
            results.append(compare(rows, job_runs, base_runs))
            r = results[-1]
            print(
                f"{rows:>11,} rows: job {r['job']['wall_s_median']:.3f} s ({r['job']['peak_rss_mb_median']:.0f} MB), "
                f"baseline {r['baseline']['wall_s_median']:.3f} s ({r['baseline']['peak_rss_mb_median']:.0f} MB), "
                f"x{r['speedup_wall']:.1f}; KS diff {r['accuracy']['ks_max_abs_diff']:.2e}, "
                f"PSI diff {r['accuracy']['psi_max_abs_diff']:.2e}",
                file=sys.stderr,
            )
    finally:
        if tmp is not None:
            tmp.cleanup()
    doc = {
        "benchmark": "drift_job_vs_numpy_scipy_baseline",
        "quick": a.quick,
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": sys.platform,
            # The bench shares the machine; load says how much the wall times can be trusted.
            "load_average_start": start_load,
            "load_average_end": list(os.getloadavg()),
        },
        "reference_rows": 1_000_000,
        "shifted_features": SHIFTED,
        "profile_build_s": profile_s,
        "targets": {
            "window_1m_wall_s": 0.5,
            "window_10m_wall_s": 3.0,
            "peak_rss_mb": 300,
            "ks_max_abs_diff": 1e-3,
            "psi_max_abs_diff": 1e-6,
        },
        "results": results,
    }
    doc["targets_met"] = {
        "window_1m_wall_s": results[0]["job"]["wall_s_median"] < 0.5,
        "window_10m_wall_s": None if a.quick else results[-1]["job"]["wall_s_median"] < 3.0,
        "peak_rss_mb": all(r["job"]["peak_rss_mb_median"] < 300 for r in results),
        "ks_max_abs_diff": all(r["accuracy"]["ks_max_abs_diff"] < 1e-3 for r in results),
        "psi_max_abs_diff": all(r["accuracy"]["psi_max_abs_diff"] < 1e-6 for r in results),
    }
    a.out.mkdir(parents=True, exist_ok=True)
    path = a.out / ("drift_bench_quick.json" if a.quick else "drift_bench.json")
    path.write_text(json.dumps(doc, indent=2))
    print(json.dumps({"written": str(path), "targets_met": doc["targets_met"]}, indent=2))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("_job", "_baseline"):
        fn = side_job if sys.argv[1] == "_job" else side_baseline
        print(json.dumps(fn(sys.argv[2], sys.argv[3])))
        sys.exit(0)
    sys.exit(main())
