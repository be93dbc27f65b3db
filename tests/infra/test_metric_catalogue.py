"""The metric catalogue: joined to the drift job's contract, the serving contract and the DCGM counters file,
and well-formed (one producer per name, histograms expanded, sources recorded)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from drift_jobs import contract
from infra.components.monitoring import catalog, names


@pytest.fixture
def fresh_catalogue() -> object:
    catalog.catalogue.cache_clear()
    yield
    catalog.catalogue.cache_clear()


def test_drift_job_metrics_are_exactly_the_contracts() -> None:
    assert catalog.producers()["drift-job"] == set(contract.METRICS)


def test_a_metric_added_to_the_contract_is_in_the_catalogue(
    monkeypatch: pytest.MonkeyPatch, fresh_catalogue: object
) -> None:
    monkeypatch.setitem(contract.METRICS, "model_drift_new_score", (("feature",), "new"))
    assert "model_drift_new_score" in catalog.produced_metrics()


def test_serving_contract_histogram_is_selected_through_its_series() -> None:
    produced = catalog.produced_metrics()
    assert names.INFERENCE_REQUESTS_METRIC in produced
    duration = names.INFERENCE_DURATION_METRIC
    assert {f"{duration}_bucket", f"{duration}_sum", f"{duration}_count"} <= produced
    assert duration not in produced


def test_summaries_keep_their_own_name() -> None:
    metric = catalog.Metric("awscni_aws_api_latency_ms", "summary", "aws-node")
    assert set(metric.series_names()) == {"awscni_aws_api_latency_ms", "awscni_aws_api_latency_ms_sum",
                                          "awscni_aws_api_latency_ms_count"}  # fmt: skip


def test_every_listed_producer_says_where_its_names_were_verified() -> None:
    document = yaml.safe_load(catalog.CATALOGUE_FILE.read_text(encoding="utf-8"))
    for producer, entry in document["producers"].items():
        assert ("metrics" in entry) is ("verified" in entry), producer


def test_platform_owned_metrics_follow_prometheus_naming() -> None:
    # DESIGN §5.6: snake_case, base units, counters end in _total.
    for metric in catalog.catalogue():
        if metric.producer in ("drift-job", "model-servers"):
            assert re.fullmatch(r"[a-z][a-z0-9_]*", metric.name), metric.name
            assert metric.name.endswith("_total") is (metric.type == "counter"), metric.name


def _write(tmp_path: Path, producers: dict[str, object]) -> Path:
    path = tmp_path / "metric_sources.yaml"
    path.write_text(yaml.safe_dump({"producers": producers}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("producers", "message"),
    [
        ({"a": {"metrics": {"x": "gauge"}}, "b": {"metrics": {"x": "gauge"}}}, "listed by both a and b"),
        ({"a": {"metrics": {"x": "gauge"}, "from": {"module": "m"}}}, "exactly one of"),
        ({"a": {}}, "exactly one of"),
        ({"a": {"metrics": {"x": "gauges"}}}, "unknown type"),
        ({"a": {"from": {"elsewhere": "x"}}}, "unknown `from`"),
    ],
)
def test_malformed_catalogues_are_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_catalogue: object,
    producers: dict[str, object],
    message: str,
) -> None:
    monkeypatch.setattr(catalog, "CATALOGUE_FILE", _write(tmp_path, producers))
    with pytest.raises(catalog.CatalogueError, match=re.escape(message)):
        catalog.catalogue()


def test_counters_file_rows_need_three_fields(tmp_path: Path) -> None:
    path = tmp_path / "counters.csv"
    path.write_text("# comment\nDCGM_FI_DEV_GPU_TEMP, gauge\n", encoding="utf-8")
    with pytest.raises(catalog.CatalogueError, match=":2: expected 3 fields"):
        catalog.dcgm_counters(path)
