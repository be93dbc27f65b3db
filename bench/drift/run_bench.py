"""Drift job vs a plain numpy + scipy baseline (and evidently) on seeded synthetic data (DESIGN §7).

    uv run python bench/drift/run_bench.py [--quick] [--data-dir DIR] [--repeats N] [--evidently-python PY]

Data: a 1M x 20 float64 reference and windows of 1M x 20 and 10M x 20 (--quick: 1M only)
with five shifted features, written once as Parquet in 262,144-row row groups. Every side
runs in its own process; wall, CPU (user + system) and peak RSS come from the kernel's
accounting of that process (`os.wait4`), so they include interpreter start and imports:
- process: `python -m drift_jobs run` exactly as the CronJob's `drift-job` runs it (profile already
  stored, bytecode compiled by a warm-up run);
- window: the same run in-process, timed from `main()` after the imports, which load as the job's entry point
  loads them (drift_jobs/__main__.py: collector paused, then frozen): profile load, window summary,
  evaluation, reports;
- profile: `drift-job profile` on a 1M and a 10M reference (the 10M window serves as one);
- baseline: the window loaded whole, then per column scipy `ks_2samp` (exact statistic)
  and PSI on np.quantile deciles of the reference;
- evidently: its DataDriftPreset with PSI in its own virtual environment (`--evidently-python`,
  default /tmp/evidently-venv-profile/bin/python; evidently 0.7 needs `pandas<3`), skipped with
  the reason when absent.
Every side runs with the job image's runtime settings (IMAGE_SETTINGS, read from drift_jobs/Dockerfile's ENV).
The load average is recorded beside every figure, and a fixed pure-Python loop is timed at the start and the
end (machine.calibration_s): the bench shares a machine whose speed drifts. Results
(medians over repeats, ratios, accuracy of KS/PSI vs the baseline, targets met) go to
bench/results/drift_bench[_quick].json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import shutil
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
    t_import = time.perf_counter()
    # Started as `drift-job` starts (drift_jobs/__main__.py): imports with the collector paused, then frozen out
    # of the run's collections. Importing drift_jobs.cli directly left the run's collections to walk every object
    # the imports made: ~20 ms of a 0.3 s window that no deployed run spends.
    from drift_jobs.__main__ import load_cli  # noqa: PLC0415

    main = load_cli().main
    import_s = time.perf_counter() - t_import
    with tempfile.TemporaryDirectory() as out:
        t, c = time.perf_counter(), time.process_time()
        code = main(["run", "--reference", reference, "--current", window, "--out", out, "--log-format", "json"])
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        report = json.loads((Path(out) / "drift_report.json").read_text())
    heavy = ("scipy", "pyarrow.csv", "pyarrow.compute", "numpy.ma", "boto3", "botocore", "prometheus_client", "pandas")
    return {
        "exit_code": code,
        "import_s": import_s,
        # Objects the imports made, frozen out of the run's collections as in a deployed run (0: started otherwise).
        "frozen_objects": gc.get_freeze_count(),
        "modules_loaded": [m for m in heavy if m in sys.modules],
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


# Settings of the job image's ENV (drift_jobs/Dockerfile) that change a run's speed; every side runs with them.
IMAGE_SETTINGS = ("OPENBLAS_NUM_THREADS", "PYDANTIC_DISABLE_PLUGINS")


def image_env() -> dict[str, str]:
    """The runtime settings the job's image gives every process (drift_jobs/Dockerfile ENV) that change its speed.

    OPENBLAS_NUM_THREADS=1: without it numpy starts one BLAS thread per host core at import, which spin and take
    CPU from the job's own threads on a 2-core machine (about 0.1 s of CPU per process here).
    PYDANTIC_DISABLE_PLUGINS: no plugin discovery, which scans every installed distribution's entry points (the
    bench's environment holds the dev tools too, about 140 distributions).
    """
    dockerfile = HERE.parents[2] / "drift_jobs" / "Dockerfile"
    text = dockerfile.read_text()
    env = {}
    for name in IMAGE_SETTINGS:
        found = re.search(rf"\b{name}=(\S+)", text)
        if found is None:
            raise SystemExit(f"{dockerfile}: no {name} in its ENV (the bench runs the job as the image does)")
        env[name] = found.group(1)
    return env


def calibration_s() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast this machine is right now.

    The bench shares a virtual machine whose speed drifts by 20-45 % from minute to minute; this figure, taken at
    the start and the end, says which state the wall times were measured in.
    """
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        sum(range(10_000_000))
        best = min(best, time.perf_counter() - t)
    return best


def cpu_description(cpuinfo: str) -> dict[str, Any]:
    """The processor as Linux's /proc/cpuinfo describes it: model, logical CPUs and physical cores.

    Runs on machines of one kind differ mostly by the processor behind their two vCPUs: where the two behave as
    threads of one core, the two summary threads scan at 8-11 ns a value each against 5-7 alone
    (docs/drift-jobs.md, Benchmark).
    """
    blocks = [dict(re.findall(r"^([^\t:]+?)\s*:\s*(.*)$", b, re.M)) for b in cpuinfo.strip().split("\n\n") if b.strip()]
    blocks = [b for b in blocks if "processor" in b]
    cores = {(b["physical id"], b["core id"]) for b in blocks if "physical id" in b and "core id" in b}
    return {
        "model": blocks[0].get("model name") if blocks else None,
        "logical_cpus": len(blocks),
        "physical_cores": len(cores) or None,
        "threads_per_core": len(blocks) // len(cores) if cores else None,
    }


def read_cpu_description() -> dict[str, Any]:
    try:
        return cpu_description(Path("/proc/cpuinfo").read_text())
    except OSError as e:  # not Linux: the other machine fields still say what ran
        return {"unavailable": str(e)}


def measure_process(cmd: list[str], what: str) -> dict[str, Any]:
    """Run one process; its wall time, CPU and peak RSS from the kernel, plus its last stdout line."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed ({proc.returncode}):\n{stderr[-3000:]}")
    lines = stdout.strip().splitlines()
    return {
        "process_wall_s": wall,
        "process_cpu_s": usage.ru_utime + usage.ru_stime,
        "process_peak_rss_mb": usage.ru_maxrss / 1024,
        "load_1m": load,
        "stdout_last": lines[-1] if lines else "",
    }


def run_side(side: str, reference: Path, window: Path, python: str = sys.executable) -> dict[str, Any]:
    m = measure_process([python, str(HERE), f"_{side}", str(reference), str(window)], f"{side} side")
    result: dict[str, Any] = json.loads(m.pop("stdout_last"))
    result.update(m)
    result["process_s"] = m["process_wall_s"]
    return result


def job_process(reference: Path, profile: Path, window: Path) -> dict[str, Any]:
    """`drift-job run` as the CronJob runs it: a fresh interpreter, imports included."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "drift_jobs", "run", "--reference", str(reference), "--profile", str(profile)]
        cmd += ["--current", str(window), "--out", out, "--log-format", "json"]
        return measure_process(cmd, "drift-job run")


def profile_process(reference: Path, profile: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "drift_jobs", "profile", "--reference", str(reference)]
    result = measure_process([*cmd, "--profile", str(profile), "--log-format", "json"], "drift-job profile")
    result.pop("stdout_last")
    result["profile_bytes"] = profile.stat().st_size
    return result


def side_profile_load(profile: str, _unused: str) -> dict[str, Any]:
    """Load time of a stored profile (verification and checks included), median of 21."""
    from drift_jobs.read.storage import Storage  # noqa: PLC0415
    from drift_jobs.summarise.profile import load_profile  # noqa: PLC0415

    times = []
    with Storage() as st:
        for _ in range(21):
            t = time.perf_counter()
            p = load_profile(st, profile)
            times.append(time.perf_counter() - t)
    assert p is not None
    return {
        "load_ms_median": 1000 * statistics.median(times),
        "load_ms_min": 1000 * min(times),
        "features": len(p.numeric),
    }


def side_evidently(reference: str, window: str) -> dict[str, Any]:
    """evidently's data drift preset with PSI on every column (its own venv; pandas frames)."""
    import pandas as pd  # noqa: PLC0415

    t0 = time.perf_counter()
    ref, cur = pd.read_parquet(reference), pd.read_parquet(window)
    t1 = time.perf_counter()
    try:  # evidently >= 0.7
        from evidently import Report  # noqa: PLC0415
        from evidently.presets import DataDriftPreset  # noqa: PLC0415

        snapshot = Report([DataDriftPreset(method="psi")]).run(cur, ref)
        doc = snapshot.dict()
    except ImportError:  # older evidently
        from evidently.metric_preset import DataDriftPreset  # noqa: PLC0415
        from evidently.report import Report  # noqa: PLC0415

        report = Report(metrics=[DataDriftPreset(stattest="psi")])
        report.run(reference_data=ref, current_data=cur)
        doc = report.as_dict()
    t2 = time.perf_counter()
    import evidently  # noqa: PLC0415

    return {
        "version": getattr(evidently, "__version__", "?"),
        "wall_s": t2 - t0,
        "read_s": t1 - t0,
        "compute_s": t2 - t1,
        "cpu_s": time.process_time(),
        "peak_rss_mb": peak_rss_mb(),
        "result_chars": len(json.dumps(doc, default=str)),
    }


# --- orchestration ---------------------------------------------------------------------------


def median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


TARGETS = {
    "process_1m_wall_s": 1.0,  # whole `drift-job run` process, 1M x 20, compiled bytecode
    "process_1m_speedup_vs_baseline_process": 8.0,
    "window_1m_wall_s": 0.3,
    "process_10m_wall_s": 2.5,
    "peak_rss_mb": 250,  # profile build and run, 1M and 10M
    "peak_rss_growth_1m_to_10m_mb": 25,  # "flat": within this of the 1M figure
    "profile_load_ms": 50,
    "ks_max_abs_diff": 1e-3,
    "psi_max_abs_diff": 1e-6,
}


def compare(
    rows: int, job_runs: list[dict[str, Any]], proc_runs: list[dict[str, Any]], base_runs: list[dict[str, Any]]
) -> dict[str, Any]:
    job, base = job_runs[0], base_runs[0]
    ks_diff = max(abs(job["ks"][n] - base["ks"][n]) for n in base["ks"])
    psi_diff = max(abs(job["psi"][n] - base["psi"][n]) for n in base["psi"])
    pw, bw = median(proc_runs, "process_wall_s"), median(base_runs, "process_wall_s")
    return {
        "rows": rows,
        "features": N_FEATURES,
        "process": {
            "repeats": len(proc_runs),
            "wall_s_median": pw,
            "wall_s_runs": [r["process_wall_s"] for r in proc_runs],
            "cpu_s_median": median(proc_runs, "process_cpu_s"),
            "peak_rss_mb_median": median(proc_runs, "process_peak_rss_mb"),
            "load_1m": [r["load_1m"] for r in proc_runs],
        },
        "window": {
            "repeats": len(job_runs),
            "wall_s_median": median(job_runs, "wall_s"),
            "wall_s_runs": [r["wall_s"] for r in job_runs],
            "cpu_s_median": median(job_runs, "cpu_s"),
            "import_s_median": median(job_runs, "import_s"),
            "modules_loaded": job["modules_loaded"],
            "rows_per_s": rows / median(job_runs, "wall_s"),
            "drifted": job["drifted"],
            "load_1m": [r["load_1m"] for r in job_runs],
        },
        "baseline": {
            "repeats": len(base_runs),
            "process_wall_s_median": bw,
            "in_process_wall_s_median": median(base_runs, "wall_s"),
            "process_cpu_s_median": median(base_runs, "process_cpu_s"),
            "read_s_median": median(base_runs, "read_s"),
            "compute_s_median": median(base_runs, "compute_s"),
            "peak_rss_mb_median": median(base_runs, "process_peak_rss_mb"),
            "drifted_psi_above_0.1": base["drifted"],
            "load_1m": [r["load_1m"] for r in base_runs],
        },
        "speedup_process_wall": bw / pw,
        "speedup_process_cpu": median(base_runs, "process_cpu_s") / median(proc_runs, "process_cpu_s"),
        "accuracy": {
            "ks_max_abs_diff": ks_diff,
            "ks_max_error_bound": max(job["ks_error_bound"].values()),
            "psi_max_abs_diff": psi_diff,
        },
    }


def evidently_side(python: str, reference: Path, window: Path) -> dict[str, Any]:
    if not Path(python).exists():
        return {"skipped": f"no evidently environment at {python} (uv venv; uv pip install evidently 'pandas<3')"}
    check = subprocess.run([python, "-c", "import evidently, pandas"], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        return {"skipped": f"evidently not importable in {python}: {check.stderr.strip().splitlines()[-1:]}"}
    try:
        return run_side("evidently", reference, window, python)
    except SystemExit as exc:
        return {"skipped": f"evidently run failed: {str(exc)[-500:]}"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1M window only, fewer repeats, no evidently")
    p.add_argument("--data-dir", type=Path, help="reuse generated data here (default: a temp dir)")
    p.add_argument("--repeats", type=int, help="job repeats per size (default 5, quick 2)")
    p.add_argument("--evidently-python", default="/tmp/evidently-venv-profile/bin/python")
    p.add_argument("--out", type=Path, default=RESULTS)
    a = p.parse_args(argv)
    start_load = list(os.getloadavg())
    sizes = [1_000_000] if a.quick else [1_000_000, 10_000_000]
    repeats = a.repeats or (2 if a.quick else 5)
    # The targets are for compiled bytecode: without it every process recompiles numpy, scipy and pyarrow modules
    # (~1.3 s of a 1M run's 3.6 s on a 2-core machine), which no deployed image does.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # Every side (job, baseline, evidently) runs with the image's runtime settings.
    settings = image_env()
    os.environ.update(settings)
    start_calibration = calibration_s()
    tmp = None if a.data_dir else tempfile.TemporaryDirectory(prefix="drift-bench-")
    data_dir = a.data_dir or Path(tmp.name)  # type: ignore[union-attr]
    profiles: dict[str, Any] = {}
    evidently: dict[str, Any] = {"skipped": "--quick"}
    try:
        files = prepare(data_dir, sizes)
        ref = files["reference"]
        with tempfile.TemporaryDirectory(prefix="drift-bench-profile-") as pdir:
            prof = Path(pdir) / "reference.drift-profile.npz"
            # Warm-up: each side's first process writes the bytecode of what it imports (the image ships it
            # compiled: UV_COMPILE_BYTECODE); PYTHONDONTWRITEBYTECODE, where set, is lifted for the bench's children.
            profile_process(ref, prof)
            run_side("baseline", ref, files["window_1000000"])
            profiles["1m"] = profile_process(ref, prof)
            if not a.quick:  # memory flat in the reference size: the 10M window as a reference
                profiles["10m"] = profile_process(files["window_10000000"], Path(pdir) / "ten.drift-profile.npz")
            profiles["load"] = run_side("profile_load", prof, prof)
            job_process(ref, prof, files["window_1000000"])  # warm-up: the run's own imports compiled
            results = []
            for rows in sizes:
                window = files[f"window_{rows}"]
                proc_runs = [job_process(ref, prof, window) for _ in range(repeats)]
                # In-process runs: they read the stored profile next to the reference; give them ours.
                shutil.copyfile(prof, ref.parent / (ref.name + ".drift-profile.npz"))
                job_runs = [run_side("job", ref, window) for _ in range(repeats)]
                base_repeats = max(1, repeats // 2) if rows <= 1_000_000 else 1
                base_runs = [run_side("baseline", ref, window) for _ in range(base_repeats)]
                results.append(compare(rows, job_runs, proc_runs, base_runs))
                r = results[-1]
                print(
                    f"{rows:>11,} rows: process {r['process']['wall_s_median']:.3f} s "
                    f"({r['process']['peak_rss_mb_median']:.0f} MB), window {r['window']['wall_s_median']:.3f} s, "
                    f"baseline process {r['baseline']['process_wall_s_median']:.3f} s "
                    f"({r['baseline']['peak_rss_mb_median']:.0f} MB), x{r['speedup_process_wall']:.1f}; "
                    f"KS diff {r['accuracy']['ks_max_abs_diff']:.2e}, PSI diff {r['accuracy']['psi_max_abs_diff']:.2e}",
                    file=sys.stderr,
                )
            if not a.quick:
                evidently = evidently_side(a.evidently_python, ref, files["window_1000000"])
                if "process_wall_s" in evidently:
                    one = results[0]["process"]
                    evidently["speedup_job_process_wall"] = evidently["process_wall_s"] / one["wall_s_median"]
                    evidently["speedup_job_process_cpu"] = evidently["process_cpu_s"] / one["cpu_s_median"]
    finally:
        if tmp is not None:
            tmp.cleanup()
    one = results[0]
    ten = results[-1] if not a.quick else None
    rss = [one["process"]["peak_rss_mb_median"], profiles["1m"]["process_peak_rss_mb"]]
    if ten is not None:
        rss += [ten["process"]["peak_rss_mb_median"], profiles["10m"]["process_peak_rss_mb"]]
    doc: dict[str, Any] = {
        "benchmark": "drift_job_vs_numpy_scipy_baseline",
        "quick": a.quick,
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": read_cpu_description(),
            "python": sys.version.split()[0],
            "platform": sys.platform,
            # The bench shares the machine; load says how much the wall times can be trusted.
            "load_average_start": start_load,
            "load_average_end": list(os.getloadavg()),
            # Best of 3 of a fixed pure-Python loop, at the start and the end (calibration_s()).
            "calibration_s": [start_calibration, calibration_s()],
            "environment": settings,
        },
        "reference_rows": 1_000_000,
        "shifted_features": SHIFTED,
        "profile": profiles,
        "targets": TARGETS,
        "results": results,
        "evidently_psi_preset_1m": evidently,
    }
    growth = None
    if ten is not None:
        growth = max(
            ten["process"]["peak_rss_mb_median"] - one["process"]["peak_rss_mb_median"],
            profiles["10m"]["process_peak_rss_mb"] - profiles["1m"]["process_peak_rss_mb"],
        )
    doc["targets_met"] = {
        "process_1m_wall_s": one["process"]["wall_s_median"] <= TARGETS["process_1m_wall_s"],
        "process_1m_speedup_vs_baseline_process": one["speedup_process_wall"]
        >= TARGETS["process_1m_speedup_vs_baseline_process"],
        "window_1m_wall_s": one["window"]["wall_s_median"] <= TARGETS["window_1m_wall_s"],
        "process_10m_wall_s": None if ten is None else ten["process"]["wall_s_median"] <= TARGETS["process_10m_wall_s"],
        "peak_rss_mb": max(rss) <= TARGETS["peak_rss_mb"],
        "peak_rss_growth_1m_to_10m_mb": None if growth is None else growth <= TARGETS["peak_rss_growth_1m_to_10m_mb"],
        "profile_load_ms": profiles["load"]["load_ms_median"] <= TARGETS["profile_load_ms"],
        "ks_max_abs_diff": all(r["accuracy"]["ks_max_abs_diff"] < TARGETS["ks_max_abs_diff"] for r in results),
        "psi_max_abs_diff": all(r["accuracy"]["psi_max_abs_diff"] < TARGETS["psi_max_abs_diff"] for r in results),
    }
    doc["peak_rss_mb_max"] = max(rss)
    doc["peak_rss_growth_1m_to_10m_mb"] = growth
    a.out.mkdir(parents=True, exist_ok=True)
    path = a.out / ("drift_bench_quick.json" if a.quick else "drift_bench.json")
    path.write_text(json.dumps(doc, indent=2))
    print(json.dumps({"written": str(path), "targets_met": doc["targets_met"]}, indent=2))
    return 0


SIDES = {"_job": side_job, "_baseline": side_baseline, "_evidently": side_evidently, "_profile_load": side_profile_load}

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in SIDES:
        print(json.dumps(SIDES[sys.argv[1]](sys.argv[2], sys.argv[3])))
        sys.exit(0)
    sys.exit(main())
