"""Drift-job throughput on a window read from Ceph RGW vs from local disk, in the same run.

    uv run python bench/storage/bench_rgw.py [--rows 1000000] [--repeats 3] [--out FILE]

Starts the tests' single-node Ceph with RGW (tests/support/ceph.py: memstore OSD, HTTPS on loopback), writes a
ROWS x 20 float64 window (five shifted features, 262,144-row row groups) and a reference of a fifth of its rows,
uploads both, and builds the profile on each side first. Then each timed `drift-job run` is a subprocess of its
own, so its peak RSS is its own: `local` reads the files, `rgw` reads s3:// through AWS_ENDPOINT_URL_S3 with
the CA bundle. Results (medians, rows/s, peak RSS, the RSS ratio that shows the S3 path streams) go to
bench/results/storage_rgw.json. Needs the Ceph binaries (tests/binaries.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
RESULTS = ROOT / "bench" / "results"
ROWS_PER_GROUP = 262_144
N_FEATURES = 20
SHIFTED = {"f0": 0.5, "f1": -0.5, "f4": 1.0}
# The S3 path streams when its peak RSS stays within this factor of the local path's (issue 10).
STREAMING_RSS_FACTOR = 1.5
BUCKET = "ai-platform-bench-us-east-1-inference-logs"


def write_table(path: Path, rows: int, seed: int, shifted: bool) -> None:
    import numpy as np  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    schema = pa.schema([(f"f{j}", pa.float64()) for j in range(N_FEATURES)])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, ROWS_PER_GROUP):
            n = min(ROWS_PER_GROUP, rows - start)
            cols = [rng.standard_normal(n) + (SHIFTED.get(f"f{j}", 0.0) if shifted else 0.0) for j in range(N_FEATURES)]
            writer.write_table(pa.Table.from_arrays([pa.array(c) for c in cols], schema=schema))


# --- one side, in its own process ------------------------------------------------------------


def side(reference: str, window: str) -> dict[str, Any]:
    from drift_jobs.cli import main  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        code = main(["run", "--reference", reference, "--current", window, "--out", out, "--log-format", "json"])
        wall = time.perf_counter() - t
        report = json.loads((Path(out) / "drift_report.json").read_text())
    return {
        "exit_code": code,
        "wall_s": wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "drifted": report["summary"]["drifted_features"],
    }


def run_side(reference: str, window: str, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(HERE), "_side", reference, window],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )
    if proc.returncode != 0:
        raise SystemExit(f"drift-job run on {window} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def profile(reference: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "drift_jobs.cli", "profile", "--reference", reference, "--log-format", "json"],
        check=True,
        capture_output=True,
        env={**os.environ, **env},
    )


def summary(rows: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    wall = statistics.median(r["wall_s"] for r in runs)
    return {
        "repeats": len(runs),
        "wall_s_median": wall,
        "wall_s_runs": [r["wall_s"] for r in runs],
        "rows_per_s": rows / wall,
        "peak_rss_mb_median": statistics.median(r["peak_rss_mb"] for r in runs),
        "peak_rss_mb_runs": [r["peak_rss_mb"] for r in runs],
        "drifted": runs[0]["drifted"],
    }


# --- orchestration ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="window rows (default 1,000,000)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", type=Path, default=RESULTS / "storage_rgw.json")
    a = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.support.ceph import running_cluster  # noqa: PLC0415

    load_start = list(os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="bench-rgw-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        ref_rows = max(1_000, a.rows // 5)
        write_table(data / "reference.parquet", ref_rows, 1, False)
        write_table(data / "window.parquet", a.rows, 2, True)
        window_bytes = (data / "window.parquet").stat().st_size
        with running_cluster(Path(tmp) / "ceph") as ceph:
            env = ceph.env()
            client = ceph.client()
            client.create_bucket(Bucket=BUCKET)
            t = time.perf_counter()
            client.upload_file(str(data / "reference.parquet"), BUCKET, "bench/reference/part-0.parquet")
            client.upload_file(str(data / "window.parquet"), BUCKET, "bench/v1/2026/12/02/part-0.parquet")
            upload_s = time.perf_counter() - t
            local = (str(data / "reference.parquet"), str(data / "window.parquet"))
            remote = (f"s3://{BUCKET}/bench/reference/part-0.parquet", f"s3://{BUCKET}/bench/v1/2026/12/02/")
            profile(local[0], {})
            profile(remote[0], env)
            # Interleaved, so that load on the machine falls on both sides alike.
            runs: dict[str, list[dict[str, Any]]] = {"local": [], "rgw": []}
            for _ in range(a.repeats):
                runs["local"].append(run_side(*local, {}))
                runs["rgw"].append(run_side(*remote, env))
            ceph_version = subprocess.run(
                [ceph.binaries["ceph"], "--version"], capture_output=True, text=True, check=False
            ).stdout.strip()
    local_s, rgw_s = summary(a.rows, runs["local"]), summary(a.rows, runs["rgw"])
    ratio = rgw_s["peak_rss_mb_median"] / local_s["peak_rss_mb_median"]
    result = {
        "benchmark": "drift_job_window_rgw_vs_local",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "ceph": ceph_version,
            "load_average_start": load_start,
            "load_average_end": list(os.getloadavg()),
        },
        "rows": a.rows,
        "features": N_FEATURES,
        "reference_rows": ref_rows,
        "window_bytes": window_bytes,
        "upload_s": upload_s,
        "local": local_s,
        "rgw": rgw_s,
        "wall_ratio_rgw_over_local": rgw_s["wall_s_median"] / local_s["wall_s_median"],
        "rss_ratio_rgw_over_local": ratio,
        "streaming": {"max_rss_ratio": STREAMING_RSS_FACTOR, "pass": ratio <= STREAMING_RSS_FACTOR},
        "same_verdict": local_s["drifted"] == rgw_s["drifted"],
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{a.rows:,} x {N_FEATURES}: local {local_s['wall_s_median']:.2f} s ({local_s['peak_rss_mb_median']:.0f} MB), "
        f"rgw {rgw_s['wall_s_median']:.2f} s ({rgw_s['peak_rss_mb_median']:.0f} MB), RSS ratio {ratio:.2f} -> {a.out}"
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["_side"]:
        print(json.dumps(side(sys.argv[2], sys.argv[3])))
        sys.exit(0)
    sys.exit(main())
