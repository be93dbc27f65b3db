"""Detection power and false alarms of the job's default status, beside evidently's and nannyml's defaults.

The reference has 20 numeric columns, five of each distribution (normal, log-normal, uniform and a
Poisson(4) integer feature): `<distribution>_0` .. `<distribution>_4`. In a shifted window column
`<distribution>_0` of every distribution is shifted and the other sixteen are drawn from the
reference's own distribution; in an unshifted window none is. A feature counts as flagged when its
status is warning or critical (for the tools: their own per-column drift decision). Shifts, all
relative to the distribution's population mean mu and standard deviation sigma:

- scale x s: x -> mu + s * (x - mu)
- outliers p: a share p of the values (chosen at random) replaced by mu +- U(5, 8) * sigma, either
  sign with equal probability (a glitching sensor, not a one-sided tail)
- mean +d: x -> x + d * sigma

The integer feature's shifted values are not rounded back to integers.

Tools, each in a throwaway virtual environment outside the repository (created here when absent, never
in the project's environment) and called through a subprocess that regenerates the same windows from the
same seeds (same numpy): evidently's per-column `ValueDrift` with its default method (what
`DataDriftPreset()` runs per column; numeric columns with more than 1,000 reference rows: normalised
Wasserstein >= 0.1) and nannyml's `UnivariateDriftCalculator`
with its defaults (Jensen-Shannon on continuous columns, alert above the mean + 3 std of the metric over
reference chunks; the reference is split into chunks of the window's size when it holds at least ten
of them, else into nannyml's default ten chunks, and the window is one chunk).

    uv run python bench/drift/detection_power.py [--quick] [--no-tools] [--out bench/results]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DISTRIBUTIONS = ("normal", "lognormal", "uniform", "integer")
COPIES = 5  # columns per distribution; copy 0 is the one a shifted window shifts
POISSON_MEAN = 4.0
OUTLIER_SIGMAS = (5.0, 8.0)


@dataclass(frozen=True)
class Shift:
    kind: str  # scale | outliers | mean
    magnitude: float

    @property
    def label(self) -> str:
        if self.kind == "scale":
            return f"scale x{self.magnitude:g}"
        if self.kind == "outliers":
            return f"{self.magnitude:.0%} outliers at 5-8 sigma"
        return f"mean +{self.magnitude:g} sigma"

    def apply(self, x: np.ndarray, mean: float, std: float, rng: np.random.Generator) -> np.ndarray:
        if self.kind == "scale":
            return mean + (x - mean) * self.magnitude
        if self.kind == "mean":
            return x + self.magnitude * std
        if self.kind == "outliers":
            out = x.copy()
            k = round(self.magnitude * len(x))
            at = rng.choice(len(x), size=k, replace=False)
            signs = rng.choice(np.array([-1.0, 1.0]), size=k)
            out[at] = mean + signs * rng.uniform(*OUTLIER_SIGMAS, size=k) * std
            return out
        raise ValueError(self.kind)


SHIFTS = (
    Shift("scale", 1.1),
    Shift("scale", 1.25),
    Shift("scale", 1.5),
    Shift("outliers", 0.01),
    Shift("outliers", 0.02),
    Shift("outliers", 0.05),
    Shift("mean", 0.1),
    Shift("mean", 0.25),
    Shift("mean", 0.5),
)
# What issue 13 asks the default status to flag at 1M rows.
ACCEPTANCE = (Shift("scale", 1.25), Shift("outliers", 0.05), Shift("mean", 0.25))


def population_moments(dist: str) -> tuple[float, float]:
    if dist == "normal":
        return 0.0, 1.0
    if dist == "lognormal":  # lognormal(0, 1)
        return math.exp(0.5), math.sqrt((math.e - 1.0) * math.e)
    if dist == "uniform":  # U(0, 1)
        return 0.5, math.sqrt(1.0 / 12.0)
    if dist == "integer":  # Poisson(4)
        return POISSON_MEAN, math.sqrt(POISSON_MEAN)
    raise ValueError(dist)


def draw(dist: str, rng: np.random.Generator, n: int) -> np.ndarray:
    if dist == "normal":
        return rng.standard_normal(n)
    if dist == "lognormal":
        return rng.lognormal(0.0, 1.0, n)
    if dist == "uniform":
        return rng.uniform(0.0, 1.0, n)
    if dist == "integer":
        return rng.poisson(POISSON_MEAN, n).astype(np.float64)
    raise ValueError(dist)


def columns() -> list[str]:
    return [f"{d}_{j}" for d in DISTRIBUTIONS for j in range(COPIES)]


def shifted_columns() -> list[str]:
    return [f"{d}_0" for d in DISTRIBUTIONS]


def table(seed: tuple[int, ...], n: int, shift: Shift | None) -> dict[str, np.ndarray]:
    """One window (or the reference, shift None): the same seed gives the same values in any process."""
    rng = np.random.default_rng(list(seed))
    cols: dict[str, np.ndarray] = {}
    for d in DISTRIBUTIONS:
        mean, std = population_moments(d)
        for j in range(COPIES):
            x = draw(d, rng, n)
            if shift is not None and j == 0:
                x = shift.apply(x, mean, std, rng)
            cols[f"{d}_{j}"] = x
    return cols


@dataclass(frozen=True)
class Window:
    id: str
    rows: int
    shift: Shift | None
    seed: tuple[int, ...]
    tools: bool  # also given to evidently and nannyml (a subset: they take 15-60 s a window here)


def plan(seed: int, sizes: list[tuple[int, int, int]], tool_shifts: list[tuple[Shift, ...]]) -> list[Window]:
    """sizes: (window rows, repeats per shift, unshifted windows); the tools see the first window of
    each of tool_shifts[size] and the first unshifted one."""
    out: list[Window] = []
    for si, (rows, repeats, nulls) in enumerate(sizes):
        for r in range(nulls):
            out.append(Window(f"{rows}-none-{r}", rows, None, (seed, si, 0, r), r == 0))
        for ci, shift in enumerate(SHIFTS, start=1):
            for r in range(repeats):
                wid = f"{rows}-{shift.kind}{shift.magnitude:g}-{r}"
                out.append(Window(wid, rows, shift, (seed, si, ci, r), r == 0 and shift in tool_shifts[si]))
    return out


# ---------------------------------------------------------------------------------------------------------
# The job, through its public CLI (in process, one profile built from the reference and reused).


def _write_parquet(cols: dict[str, np.ndarray], path: Path) -> None:
    # Imported here, not at the top: the tool workers run this file in environments without them.
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    pq.write_table(pa.table(cols), path, compression="none", row_group_size=262_144)


def run_job(reference: Path, current: Path, out: Path) -> dict[str, Any]:
    from drift_jobs.cli import main  # noqa: PLC0415 (see _write_parquet)

    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["run", "--reference", str(reference), "--current", str(current), "--out", str(out)])
    if code != 0:
        raise RuntimeError(f"drift-job run exited {code}: {err.getvalue()[-2000:]}")
    report: dict[str, Any] = json.loads((out / "drift_report.json").read_text())
    return report


def job_decisions(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per feature: flagged by the default status, flagged by the PSI tier alone (the status before issue 13)."""
    significance = report["summary"]["decision"]["significance"]
    out: dict[str, dict[str, Any]] = {}
    for f in report["features"]:
        tiers = f.get("tiers") or {}
        guarded = f.get("pvalue_adjusted") is not None and f["pvalue_adjusted"] < significance
        out[f["name"]] = {
            "flagged": f["status"] in ("warning", "critical"),
            "psi_only": guarded and tiers.get("psi", "ok") != "ok",
            "tripped": sorted(m for m, t in tiers.items() if t != "ok")
            if f["status"] in ("warning", "critical")
            else [],
            "psi": f.get("psi"),
            "ks_statistic": f.get("ks_statistic"),
            "wasserstein_normalized": f.get("wasserstein_normalized"),
        }
    return out


def job_thresholds(report: dict[str, Any]) -> dict[str, Any]:
    first = report["features"][0]["thresholds"]
    return {m: {"warning": t["warning"], "critical": t["critical"]} for m, t in first.items()}


# ---------------------------------------------------------------------------------------------------------
# evidently and nannyml, each in its own throwaway environment, through a subprocess.

TOOLS: dict[str, dict[str, Any]] = {
    # evidently 0.7 imports a pandas internal that pandas 3 removed.
    "evidently": {"venv": "/tmp/evidently-venv", "packages": ["evidently", "pandas<3"]},
    # nannyml 0.13 imports statsmodels without declaring it.
    "nannyml": {"venv": "/tmp/nannyml-venv", "packages": ["nannyml", "pandas<3", "statsmodels"]},
}


def _uv() -> str | None:
    return os.environ.get("UV") or shutil.which("uv")


def tool_python(name: str) -> tuple[str | None, str]:
    """The tool's interpreter, installing it on first use; (None, why) when it cannot be had."""
    spec = TOOLS[name]
    venv = Path(spec["venv"])
    python = venv / "bin" / "python"
    probe = f"import {name}; print({name}.__version__)"
    if python.exists():
        done = subprocess.run([str(python), "-c", probe], check=False, capture_output=True, text=True, timeout=600)
        if done.returncode == 0:
            return str(python), done.stdout.strip()
    uv = _uv()
    if uv is None:
        return None, "not installable: uv not found (set UV or put uv on PATH)"
    steps = [[uv, "venv", "-q", "--allow-existing", str(venv)], [uv, "pip", "install", "-q", *spec["packages"]]]
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    for step in steps:
        done = subprocess.run(step, check=False, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            tail = " ".join((done.stderr or done.stdout).split())[-300:]
            return None, f"not installable: {' '.join(step[1:3])} failed: {tail}"
    done = subprocess.run([str(python), "-c", probe], check=False, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return None, f"not installable: import {name} failed: {done.stderr.strip().splitlines()[-1:]}"
    return str(python), done.stdout.strip()


def run_tool(
    name: str, python: str, reference_seed: tuple[int, ...], reference_rows: int, windows: list[Window]
) -> dict[str, Any]:
    spec = {
        "tool": name,
        "reference_seed": list(reference_seed),
        "reference_rows": reference_rows,
        "windows": [
            {
                "id": w.id,
                "rows": w.rows,
                "seed": list(w.seed),
                "shift": None if w.shift is None else [w.shift.kind, w.shift.magnitude],
            }
            for w in windows
        ],
    }
    with tempfile.TemporaryDirectory(prefix="drift-tool-") as tmp:
        spec_path = Path(tmp) / "spec.json"
        out_path = Path(tmp) / "out.json"
        spec_path.write_text(json.dumps(spec))
        env = {**os.environ, "NML_DISABLE_USAGE_LOGGING": "1", "DO_NOT_TRACK": "1", "PYTHONWARNINGS": "ignore"}
        done = subprocess.run(
            [python, __file__, "--tool-worker", str(spec_path), str(out_path)],
            check=False,
            capture_output=True,
            text=True,
            env=env,
            timeout=3600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{name} worker exited {done.returncode}: {done.stderr[-2000:]}")
        result: dict[str, Any] = json.loads(out_path.read_text())
        return result


def _evidently_worker(
    reference: dict[str, np.ndarray], windows: Iterable[tuple[str, dict[str, np.ndarray]]]
) -> dict[str, Any]:
    import pandas as pd  # noqa: PLC0415 (the tool's own environment only)
    from evidently import DataDefinition, Dataset, Report  # noqa: PLC0415
    from evidently.metrics import ValueDrift  # noqa: PLC0415

    cols = list(reference)
    definition = DataDefinition(numerical_columns=cols)
    ref = Dataset.from_pandas(pd.DataFrame(reference), data_definition=definition)
    decisions: dict[str, dict[str, bool]] = {}
    methods: set[str] = set()
    for wid, cur in windows:
        # One ValueDrift per column with its default method: what DataDriftPreset() runs per column,
        # without the preset's summaries (a third of its time here).
        report = Report([ValueDrift(column=c) for c in cols])
        snap = report.run(Dataset.from_pandas(pd.DataFrame(cur), data_definition=definition), ref)
        flags: dict[str, bool] = {}
        for m in snap.dict()["metrics"]:
            cfg = m.get("config", {})
            if not str(cfg.get("type", "")).endswith("ValueDrift"):
                continue
            method = str(cfg["method"])
            methods.add(f"{method} (threshold {cfg['threshold']})")
            value = float(m["value"])
            # p-value tests drift below their threshold, distances at or above it.
            flags[cfg["column"]] = value < cfg["threshold"] if "p_value" in method else value >= cfg["threshold"]
        decisions[wid] = flags
    return {"decisions": decisions, "methods": sorted(methods)}


def _nannyml_worker(
    reference: dict[str, np.ndarray], windows: Iterable[tuple[str, dict[str, np.ndarray]]]
) -> dict[str, Any]:
    import nannyml as nml  # noqa: PLC0415 (the tool's own environment only)
    import pandas as pd  # noqa: PLC0415
    from nannyml.chunk import CountBasedChunker, SizeBasedChunker  # noqa: PLC0415

    cols = list(reference)
    ref = pd.DataFrame(reference)
    fitted: dict[int, Any] = {}
    decisions: dict[str, dict[str, bool]] = {}
    chunking: dict[str, str] = {}
    for wid, cur in windows:
        n = len(next(iter(cur.values())))
        if n not in fitted:
            if len(ref) >= 10 * n:
                calc = nml.UnivariateDriftCalculator(column_names=cols, chunk_size=n)
                chunking[str(n)] = f"reference in chunks of {n} rows"
            else:
                calc = nml.UnivariateDriftCalculator(column_names=cols, chunker=CountBasedChunker(10))
                chunking[str(n)] = "reference in nannyml's default 10 chunks"
            calc.fit(ref)
            calc.chunker = SizeBasedChunker(chunk_size=n, incomplete="append")
            fitted[n] = calc
        result = fitted[n].calculate(pd.DataFrame(cur)).filter(period="analysis").to_df()
        flags = {}
        for c in cols:
            alerts = [bool(v) for (col, _method, field), v in result.iloc[0].items() if col == c and field == "alert"]
            flags[c] = any(alerts)
        decisions[wid] = flags
    return {
        "decisions": decisions,
        "methods": sorted({m for calc in fitted.values() for m in calc.continuous_method_names}),
        "chunking": chunking,
    }


def tool_worker(spec_path: Path, out_path: Path) -> int:
    warnings.simplefilter("ignore")
    spec = json.loads(spec_path.read_text())
    reference = table(tuple(spec["reference_seed"]), spec["reference_rows"], None)

    def windows() -> Iterator[tuple[str, dict[str, np.ndarray]]]:
        for w in spec["windows"]:  # one at a time: a 1M-row window is 160 MB
            shift = None if w["shift"] is None else Shift(w["shift"][0], float(w["shift"][1]))
            yield w["id"], table(tuple(w["seed"]), w["rows"], shift)

    start = time.perf_counter()
    batch = windows()
    result = _evidently_worker(reference, batch) if spec["tool"] == "evidently" else _nannyml_worker(reference, batch)
    result["seconds"] = time.perf_counter() - start
    out_path.write_text(json.dumps(result))
    return 0


# ---------------------------------------------------------------------------------------------------------


def _rate(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _median(values: list[float | None]) -> float | None:
    v = [x for x in values if x is not None]
    return float(np.median(v)) if v else None


def measure(
    quick: bool = False, seed: int = 13, tools: bool = True, reference_rows: int | None = None
) -> dict[str, Any]:
    big = 200_000 if quick else 1_000_000
    reference_rows = reference_rows or big
    sizes = [(10_000, 4, 20), (big, 1, 1)] if quick else [(10_000, 10, 50), (big, 1, 1)]
    # evidently takes 15-60 s a window on a 2-core machine: the tools see the acceptance shifts only.
    tool_shifts = [ACCEPTANCE, ACCEPTANCE]
    windows = plan(seed, sizes, tool_shifts)
    reference_seed = (seed, 999)
    start = time.perf_counter()
    job: dict[str, dict[str, dict[str, Any]]] = {}
    thresholds: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="drift-power-") as tmp:
        ref_path = Path(tmp) / "reference.parquet"
        _write_parquet(table(reference_seed, reference_rows, None), ref_path)
        cur_path = Path(tmp) / "current.parquet"
        for w in windows:
            _write_parquet(table(w.seed, w.rows, w.shift), cur_path)
            report = run_job(ref_path, cur_path, Path(tmp) / "out")
            job[w.id] = job_decisions(report)
            thresholds = thresholds or job_thresholds(report)
    job_seconds = time.perf_counter() - start

    tool_info: dict[str, Any] = {}
    tool_decisions: dict[str, dict[str, dict[str, bool]]] = {}
    for name in TOOLS:
        if not tools:
            tool_info[name] = {"status": "not run (--no-tools)"}
            continue
        try:
            python, version = tool_python(name)
        except subprocess.TimeoutExpired as exc:
            python, version = None, f"not installable: timed out: {' '.join(map(str, exc.cmd))[:200]}"
        if python is None:
            tool_info[name] = {"status": version}
            continue
        try:
            res = run_tool(name, python, reference_seed, reference_rows, [w for w in windows if w.tools])
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            tool_info[name] = {"status": f"failed: {' '.join(str(exc).split())[-400:]}", "version": version}
            continue
        tool_decisions[name] = res.pop("decisions")
        tool_info[name] = {"status": "ok", "version": version, **res}

    detection: list[dict[str, Any]] = []
    false_alarms: list[dict[str, Any]] = []
    for rows, _, _ in sizes:
        in_size = [w for w in windows if w.rows == rows]
        for shift in SHIFTS:
            ws = [w for w in in_size if w.shift == shift]
            for d in DISTRIBUTIONS:
                col = f"{d}_0"
                feats = [job[w.id][col] for w in ws]
                tripped: dict[str, int] = {}
                for f in feats:
                    for m in f["tripped"]:
                        tripped[m] = tripped.get(m, 0) + 1
                row: dict[str, Any] = {
                    "window_rows": rows,
                    "shift": shift.kind,
                    "magnitude": shift.magnitude,
                    "label": shift.label,
                    "distribution": d,
                    "windows": len(ws),
                    "acceptance": shift in ACCEPTANCE,
                    "flagged": {
                        "drift_job": _rate([f["flagged"] for f in feats]),
                        "drift_job_psi_only": _rate([f["psi_only"] for f in feats]),
                        **{t: _rate([dec[w.id][col] for w in ws if w.tools]) for t, dec in tool_decisions.items()},
                    },
                    "tool_windows": sum(w.tools for w in ws),
                    "tripped": tripped,
                    "median": {
                        m: _median([f[m] for f in feats]) for m in ("psi", "ks_statistic", "wasserstein_normalized")
                    },
                }
                detection.append(row)
        # False alarms: every column of an unshifted window, and the never-shifted columns of shifted ones.
        cells = [(w, c) for w in in_size for c in columns() if w.shift is None or c not in shifted_columns()]
        by_dist = {
            d: {
                "drift_job": _rate([job[w.id][c]["flagged"] for w, c in cells if c.startswith(d)]),
                "drift_job_psi_only": _rate([job[w.id][c]["psi_only"] for w, c in cells if c.startswith(d)]),
                **{
                    t: _rate([dec[w.id][c] for w, c in cells if c.startswith(d) and w.tools])
                    for t, dec in tool_decisions.items()
                },
            }
            for d in DISTRIBUTIONS
        }
        false_alarms.append(
            {
                "window_rows": rows,
                "feature_windows": len(cells),
                "rate": {
                    "drift_job": _rate([job[w.id][c]["flagged"] for w, c in cells]),
                    "drift_job_psi_only": _rate([job[w.id][c]["psi_only"] for w, c in cells]),
                    **{t: _rate([dec[w.id][c] for w, c in cells if w.tools]) for t, dec in tool_decisions.items()},
                },
                "tool_feature_windows": sum(w.tools for w, _ in cells),
                "by_distribution": by_dist,
            }
        )
    big_rows = sizes[-1][0]
    acceptance = {
        s.label: all(
            r["flagged"]["drift_job"] == 1.0
            for r in detection
            if r["window_rows"] == big_rows and r["shift"] == s.kind and r["magnitude"] == s.magnitude
        )
        for s in ACCEPTANCE
    }
    return {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": quick,
        "seed": seed,
        "reference_rows": reference_rows,
        "columns": columns(),
        "shifted_columns": shifted_columns(),
        "outliers": "a share p of the values replaced by mean +- U(5, 8) * std, either sign with equal probability",
        "flagged_means": "drift_job: feature status warning or critical (the default status); "
        "drift_job_psi_only: PSI tier guarded by the BH-adjusted p-value (the status before issue 13); "
        "evidently / nannyml: the tool's per-column drift decision with its defaults",
        "thresholds": thresholds,
        "windows": {str(rows): {"per_shift": repeats, "unshifted": nulls} for rows, repeats, nulls in sizes},
        "tools": tool_info,
        "acceptance_at_big_window": {"window_rows": big_rows, **acceptance},
        "false_alarms": false_alarms,
        "detection": detection,
        "seconds": {"drift_job": job_seconds, "total": time.perf_counter() - start},
    }


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.0f} %"


def markdown(result: dict[str, Any]) -> str:
    tools = [t for t, info in result["tools"].items() if info.get("status") == "ok"]
    head = ["rows", "shift", "job", "job PSI-only", *tools]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rows in sorted({r["window_rows"] for r in result["detection"]}):
        for shift in SHIFTS:
            rs = [r for r in result["detection"] if r["window_rows"] == rows and r["label"] == shift.label]

            def cell(key: str, rs: list[dict[str, Any]] = rs) -> str:
                vals = [r["flagged"].get(key) for r in rs]
                return "-" if all(v is None for v in vals) else " / ".join(_pct(v) for v in vals)

            lines.append(
                "| "
                + " | ".join(
                    [f"{rows:,}", shift.label, *(cell(k) for k in ["drift_job", "drift_job_psi_only", *tools])]
                )
                + " |"
            )
        fa = next(f for f in result["false_alarms"] if f["window_rows"] == rows)
        rate = fa["rate"]
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{rows:,}",
                    f"false alarms: unshifted features ({fa['feature_windows']} feature-windows, "
                    f"tools {fa.get('tool_feature_windows', 0)})",
                ]
                + [
                    f"{100 * rate[k]:.2f} %" if rate.get(k) is not None else "n/a"
                    for k in ["drift_job", "drift_job_psi_only", *tools]
                ]
            )
            + " |"
        )
    lines.append("")
    lines.append(
        "Cells: share of windows in which the shifted feature was flagged, per distribution "
        + " / ".join(DISTRIBUTIONS)
        + "; - where the tools were not run (they see the acceptance shifts only)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="200k-row reference and big windows, fewer windows")
    p.add_argument("--no-tools", action="store_true", help="skip evidently and nannyml")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "results")
    p.add_argument("--tool-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.tool_worker:
        return tool_worker(*a.tool_worker)
    result = measure(a.quick, a.seed, not a.no_tools)
    a.out.mkdir(parents=True, exist_ok=True)
    name = "drift_detection_power_quick.json" if a.quick else "drift_detection_power.json"
    (a.out / name).write_text(json.dumps(result, indent=2))
    print(markdown(result))
    print(
        json.dumps(
            {
                "acceptance": result["acceptance_at_big_window"],
                "tools": {k: v.get("status") for k, v in result["tools"].items()},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
