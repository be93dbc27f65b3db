"""The drift bench measures the job as it is deployed: its in-process side starts the CLI the way `drift-job` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from drift_testkit import shifted_table, write_parquet

BENCH = Path(__file__).resolve().parents[2] / "bench" / "drift" / "run_bench.py"
sys.path.insert(0, str(BENCH.parent))

from run_bench import cpu_description  # noqa: E402


def cpuinfo(*cores: tuple[int, int]) -> str:
    """/proc/cpuinfo text with one processor block per (physical id, core id)."""
    return (
        "\n\n".join(
            f"processor\t: {i}\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nphysical id\t: {package}\n"
            f"siblings\t: {len(cores)}\ncore id\t\t: {core}\ncpu cores\t: 1\nflags\t\t: fpu vme de"
            for i, (package, core) in enumerate(cores)
        )
        + "\n\n"
    )


def test_the_bench_tells_two_threads_of_one_core_from_two_cores() -> None:
    # The same 1M window ran in 0.30-0.41 s on the 2026-12-03 machines, whose two vCPUs behaved as one shared core,
    # and in 0.17-0.29 s on 2026-12-04's two cores: the JSON must say which processor it measured.
    assert cpu_description(cpuinfo((0, 0), (0, 0))) == {
        "model": "AMD EPYC 7B13",
        "logical_cpus": 2,
        "physical_cores": 1,
        "threads_per_core": 2,
    }
    assert cpu_description(cpuinfo((0, 0), (0, 1))) == {
        "model": "AMD EPYC 7B13",
        "logical_cpus": 2,
        "physical_cores": 2,
        "threads_per_core": 1,
    }
    # Without topology lines (some hypervisors and architectures omit them) the cores stay unknown.
    bare = "processor\t: 0\nmodel name\t: X\n\nprocessor\t: 1\nmodel name\t: X\n"
    assert cpu_description(bare) == {"model": "X", "logical_cpus": 2, "physical_cores": None, "threads_per_core": None}


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
