"""The default status sees scale and tail changes at 1M rows and stays quiet on unshifted 10k-row windows.

Through the public CLI (`drift-job run` on Parquet files, reading drift_report.json), with the shifts
defined once in bench/drift/detection_power.py (the bench measures the same shifts at more magnitudes,
on more distributions and beside evidently and nannyml).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from drift_jobs.cli import main

from drift_jobs import contract

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "drift"))
import detection_power as power

BIG = 1_000_000
FLAGGED = ("warning", "critical")
# One normal feature per acceptance shift, plus one left alone.
SHIFTED = {
    "scale": power.Shift("scale", 1.25),
    "outliers": power.Shift("outliers", 0.05),
    "mean": power.Shift("mean", 0.25),
}
assert set(SHIFTED.values()) == set(power.ACCEPTANCE)


def _run(reference: Path, current: Path, out: Path) -> tuple[int, dict[str, Any]]:
    with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.redirect_stdout(io.StringIO()):
        code = main(["run", "--reference", str(reference), "--current", str(current), "--out", str(out)])
    assert code == contract.EXIT_OK, err.getvalue()[-2000:]
    return code, json.loads((out / "drift_report.json").read_text())


def _write(cols: dict[str, np.ndarray], path: Path) -> Path:
    pq.write_table(pa.table(cols), path, compression="none", row_group_size=262_144)
    return path


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, dict[str, Any]], dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("sensitivity")
    rng = np.random.default_rng(20261202)
    mean, std = power.population_moments("normal")
    names = [*SHIFTED, "steady"]
    ref = _write({n: power.draw("normal", rng, BIG) for n in names}, tmp / "reference.parquet")
    window = {n: power.draw("normal", rng, BIG) for n in names}
    for name, shift in SHIFTED.items():
        window[name] = shift.apply(window[name], mean, std, rng)
    cur = _write(window, tmp / "current.parquet")
    code, report = _run(ref, cur, tmp / "out")
    return code, {f["name"]: f for f in report["features"]}, report


def _tripped(feature: dict[str, Any]) -> list[str]:
    return sorted(m for m, t in feature["tiers"].items() if t in FLAGGED)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SHIFTED))
def test_acceptance_shift_is_flagged_at_1m_rows_naming_the_metric(big_run, name: str) -> None:
    code, features, report = big_run
    f = features[name]
    assert code == contract.EXIT_OK
    assert f["status"] in FLAGGED, (SHIFTED[name].label, f["status"], f["tiers"], f["reasons"])
    # The report says which effect size tripped, and it is not PSI alone: PSI's deciles miss these shifts.
    assert _tripped(f), f["tiers"]
    assert set(_tripped(f)) - {"psi"}, f["tiers"]
    assert name in report["summary"]["drifted_features"]
    assert report["summary"]["status"] in FLAGGED


@pytest.mark.slow
def test_unshifted_feature_stays_ok_beside_shifted_ones_at_1m_rows(big_run) -> None:
    _, features, _ = big_run
    steady = features["steady"]
    assert steady["status"] == "ok", (steady["tiers"], steady["reasons"])
    assert _tripped(steady) == []
    assert not steady["drifted"]


FALSE_ALARM_WINDOWS = 12
FALSE_ALARM_ROWS = 10_000


@pytest.mark.slow
def test_unshifted_10k_row_windows_stay_under_one_percent_flagged(tmp_path: Path) -> None:
    # 20 columns (five each of normal, log-normal, uniform and Poisson integers) x 12 seeded windows.
    ref = _write(power.table((7, 1), 100_000, None), tmp_path / "reference.parquet")
    cur = tmp_path / "current.parquet"
    flagged: list[tuple[int, str, list[str]]] = []
    total = 0
    for w in range(FALSE_ALARM_WINDOWS):
        _write(power.table((7, 2, w), FALSE_ALARM_ROWS, None), cur)
        code, report = _run(ref, cur, tmp_path / "out")
        assert code == contract.EXIT_OK
        for f in report["features"]:
            assert f["evaluated"], f["reasons"]
            total += 1
            if f["status"] in FLAGGED:
                flagged.append((w, f["name"], _tripped(f)))
    assert total == FALSE_ALARM_WINDOWS * len(power.columns())
    assert len(flagged) / total < 0.01, flagged
