"""Integration: push to Debian's real prometheus-pushgateway on a loopback port."""

from __future__ import annotations

import urllib.request

import pytest

pytestmark = pytest.mark.integration


def scrape(url: str) -> str:
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as r:
        return str(r.read().decode())


def test_push_then_scrape(cli, acceptance_data, tmp_path, pushgateway: str) -> None:
    ref, cur = acceptance_data
    out = tmp_path / "out"
    res = cli(
        "run",
        "--reference",
        str(ref),
        "--current",
        str(cur),
        "--out",
        str(out),
        "--pushgateway",
        pushgateway,
        "--model",
        "fraud",
        "--model-version",
        "2.0.1",
        "--stack",
        "dev",
        "--region",
        "eu-west-1",
        "--cluster",
        "c1",
    )
    assert res.code == 0, res.stderr
    assert res.report(out)["metrics"] == {"destination": pushgateway, "pushed": True}
    assert not (out / "metrics.prom").exists()
    text = scrape(pushgateway)
    labels = 'cluster="c1",feature="f0",instance="",job="drift-job",model="fraud",model_version="2.0.1"'
    assert f'model_drift_psi{{{labels},region="eu-west-1",stack="dev"}}' in text
    assert f'model_drift_feature_status{{{labels},region="eu-west-1",stack="dev"}} 2' in text
    for name in (
        "drift_job_last_success_timestamp_seconds",
        "drift_job_duration_seconds",
        "drift_job_rows_processed_total",
        "model_drift_dataset_drifted",
        "model_drift_status",
    ):
        assert f"\n{name}{{" in text, name
    assert 'drift_job_rows_processed_total{cluster="c1",instance="",job="drift-job",model="fraud"' in text
    # A second run of the same model replaces its group instead of adding series.
    res = cli(
        "run",
        "--reference",
        str(ref),
        "--current",
        str(ref),
        "--out",
        str(out),
        "--pushgateway",
        pushgateway,
        "--model",
        "fraud",
        "--model-version",
        "2.0.1",
        "--stack",
        "dev",
        "--region",
        "eu-west-1",
        "--cluster",
        "c1",
    )
    assert res.code == 0, res.stderr
    text = scrape(pushgateway)
    assert f'model_drift_feature_status{{{labels},region="eu-west-1",stack="dev"}} 0' in text
    assert text.count("model_drift_dataset_drifted{") == 1
