"""Performance with labels, prediction drift and latency quantiles, end to end."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from drift_jobs.summarise.latency import LatencyStats
from drift_jobs.summarise.performance import ClassificationStats, RegressionStats
from drift_testkit import write_parquet
from scipy import stats

RNG = np.random.default_rng(21)


def test_classification_metrics_by_hand() -> None:
    n = 20_000
    y = RNG.integers(0, 2, n)
    # Scores on bin centres so the binned AUC has no within-bin ties to approximate.
    score = (np.clip(np.round(y * 300 + RNG.normal(350, 200, n)), 0, 999) + 0.5) / 1000
    s = ClassificationStats(classes=("0", "1"), scores=True)
    for lo in range(0, n, 7_000):
        s.add(pa.array(y[lo : lo + 7_000]), pa.array(score[lo : lo + 7_000]))
    m = s.metrics()
    pred = score >= 0.5
    tp = np.sum(pred & (y == 1))
    precision, recall = tp / pred.sum(), tp / (y == 1).sum()
    assert m["accuracy"] == pytest.approx(np.mean(pred == (y == 1)))
    assert m["precision"] == pytest.approx(precision)
    assert m["recall"] == pytest.approx(recall)
    assert m["f1"] == pytest.approx(2 * precision * recall / (precision + recall))
    u = stats.mannwhitneyu(score[y == 1], score[y == 0]).statistic
    assert m["auc"] == pytest.approx(u / ((y == 1).sum() * (y == 0).sum()), abs=1e-12)


def test_regression_metrics_by_hand() -> None:
    y = RNG.normal(10, 3, 5_000)
    p = y + RNG.normal(0.5, 1, 5_000)
    s = RegressionStats()
    s.add(pa.array(y[:1_000]), pa.array(p[:1_000]))
    other = RegressionStats()
    other.add(pa.array(y[1_000:]), pa.array(p[1_000:]))
    s.merge(other)
    m = s.metrics()
    assert m["mae"] == pytest.approx(np.mean(np.abs(p - y)))
    assert m["rmse"] == pytest.approx(np.sqrt(np.mean((p - y) ** 2)))
    assert m["r2"] == pytest.approx(1 - np.sum((p - y) ** 2) / np.sum((y - y.mean()) ** 2))


def test_latency_quantiles_within_one_bin() -> None:
    x = RNG.lognormal(np.log(0.05), 0.6, 100_000)
    s = LatencyStats()
    s.add(np.append(x, [np.nan, -1.0, 0.0]))
    assert s.n_invalid == 3
    for q in (0.5, 0.95, 0.99):
        assert s.quantile(q) == pytest.approx(np.quantile(x, q), rel=0.012)


def test_end_to_end_performance_prediction_and_latency(cli, tmp_path) -> None:
    def window(n: int, degrade: bool) -> pa.Table:
        x = RNG.standard_normal(n)
        y = (x + RNG.normal(0, 0.5, n) > 0).astype(np.int64)
        noise = 1.5 if degrade else 0.3
        score = 1 / (1 + np.exp(-(3 * x + RNG.normal(0, noise, n))))
        latency = RNG.lognormal(np.log(0.04 * (1.6 if degrade else 1.0)), 0.3, n)
        return pa.table({"x": x, "label": y, "score": score, "latency_s": latency})

    ref = write_parquet(window(20_000, False), tmp_path / "ref.parquet")
    cur = write_parquet(window(10_000, True), tmp_path / "cur.parquet")
    out = tmp_path / "out"
    res = cli(
        "run",
        "--reference",
        str(ref),
        "--current",
        str(cur),
        "--out",
        str(out),
        "--label-column",
        "label",
        "--prediction-column",
        "score",
        "--latency-column",
        "latency_s",
    )
    assert res.code == 0, res.stderr
    r = res.report(out)
    assert [f["name"] for f in r["features"]] == ["x", "score"]
    assert r["prediction"]["role"] == "prediction" and r["prediction"]["type"] == "numeric"
    perf = r["performance"]
    assert perf["task"] == "classification" and perf["primary_metric"] == "accuracy"
    assert perf["metrics"]["accuracy"]["relative_drop"] > 0.05
    assert perf["metrics"]["auc"]["current"] < perf["metrics"]["auc"]["reference"]
    assert perf["status"] in ("warning", "critical")
    lat = r["latency"]
    assert lat["quantiles"]["p50"]["relative_increase"] == pytest.approx(0.6, abs=0.05)
    assert lat["quantiles"]["p50"]["status"] == "critical"
    assert r["summary"]["status"] == "critical"
    metrics = (out / "metrics.prom").read_text()
    assert 'model_performance_relative_drop{cluster="",metric="accuracy"' in metrics
    assert 'model_latency_relative_increase{cluster="",model="unnamed",model_version="",quantile="0.99"' in metrics
