"""The drift bench measures the job as it is deployed: its in-process side starts the CLI the way `drift-job` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from drift_testkit import shifted_table, write_parquet

BENCH = Path(__file__).resolve().parents[2] / "bench" / "drift" / "run_bench.py"


def test_the_window_side_runs_the_job_started_as_drift_job_starts(tmp_path: Path) -> None:
    # drift_jobs/__main__.py imports the CLI with the collector paused and then freezes what the imports made; a
    # side that imported drift_jobs.cli directly would time collections that walk all of it (~20 ms at 1M x 20).
    ref = write_parquet(shifted_table(20_000, 1, False), tmp_path / "ref.parquet", 5_000)
    cur = write_parquet(shifted_table(10_000, 2, True), tmp_path / "cur.parquet", 2_500)
    res = subprocess.run(
        [sys.executable, str(BENCH), "_job", str(ref), str(cur)], capture_output=True, text=True, check=False
    )
    assert res.returncode == 0, res.stderr[-2000:]
    side = json.loads(res.stdout.strip().splitlines()[-1])
    assert side["exit_code"] == 0
    assert side["drifted"] == ["f0", "f1", "f2", "f3", "f4"]
    assert side["frozen_objects"] > 10_000  # numpy, pyarrow and pydantic alone make far more
