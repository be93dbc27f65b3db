"""On unshifted data the job's false-alarm rate per feature-window stays below 1 %."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from drift_jobs.config import Tier
from drift_jobs.evaluate.thresholds import adapt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "drift"))
from false_alarms import measure


@pytest.mark.slow
def test_false_alarm_rate_below_one_percent() -> None:
    result = measure(windows=60, seed=3)
    rates = result["false_alarm_rate"]
    assert result["feature_windows"] == 1200
    assert rates["drift_job"] < 0.01
    # The comparison the issue asks for: a per-column KS test alarms at about its level.
    assert rates["ks_p_below_0.05_per_feature"] > rates["drift_job"]


def test_adaptive_thresholds_never_calibrate_on_the_current_window() -> None:
    static = Tier(0.1, 0.2)
    # Not enough history: static thresholds.
    assert adapt(static, "default", [0.5] * 3, 8).tier == static
    # A noisy feature's history raises the thresholds; a quiet one leaves them alone.
    noisy = adapt(static, "default", [0.15, 0.2, 0.18, 0.25, 0.22, 0.17, 0.21, 0.19], 8)
    assert noisy.source == "adaptive" and 0.1 < noisy.tier.warning <= 0.2  # raised, but at most 2x static
    assert noisy.tier.warning <= noisy.tier.critical <= 0.4
    quiet = adapt(static, "default", [0.01, 0.012, 0.011, 0.009, 0.01, 0.013, 0.008, 0.01], 8)
    assert quiet.tier == static and quiet.source == "default"


def test_history_is_out_of_sample_and_persistent_drift_keeps_alerting(cli, acceptance_data, tmp_path) -> None:
    ref, cur = acceptance_data
    history = tmp_path / "history"
    args = (
        "run",
        "--reference",
        str(ref),
        "--current",
        str(cur),
        "--model",
        "m",
        "--adaptive",
        "--history",
        str(history),
        "--min-history",
        "2",
    )
    for run in range(4):
        out = tmp_path / f"out{run}"
        res = cli(*args, "--out", str(out))
        assert res.code == 0, res.stderr
        report = res.report(out)
        assert report["adaptive"]["runs_available"] == run  # earlier runs only, never this one
        assert report["summary"]["drifted_features"] == ["f0", "f1", "f2", "f3", "f4"]
    quiet = next(f for f in report["features"] if f["name"] == "f10")
    assert quiet["thresholds"]["psi"]["history_runs"] == 3
