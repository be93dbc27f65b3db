"""The metric registry: one declaration per metric reaches the evaluator, report, metrics,
history, HTML and the contract (hence the alert rules); definitions without jumps."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from drift_jobs.evaluate import evaluator, metrics
from drift_jobs.evaluate.history import HISTORY_METRICS, append_run
from drift_jobs.evaluate.metrics import (
    BIN_SHARE_FLOOR,
    REGISTRY,
    FeatureInput,
    Metric,
    MetricValue,
    NumericBins,
    compute_all,
    for_kind,
    guard_for,
    psi,
)
from drift_jobs.evaluate.metrics.wasserstein import SIGMA_FLOOR_RELATIVE
from drift_jobs.export.prometheus import FEATURE_METRICS
from drift_jobs.export.report_html import render_html
from drift_jobs.summarise.numeric import NumericSummary
from drift_testkit import evaluate_tables, shifted_table

from drift_jobs import contract

BUILT_IN = {
    "psi",
    "ks_statistic",
    "ks_pvalue",
    "wasserstein_normalized",
    "js_distance",
    "chi2_statistic",
    "chi2_pvalue",
}


def test_every_metric_module_is_collected_in_declared_order() -> None:
    names = [m.name for m in REGISTRY]
    assert set(names) >= BUILT_IN
    assert [m.order for m in REGISTRY] == sorted(m.order for m in REGISTRY)


def test_the_contract_is_derived_from_the_registry() -> None:
    for m in REGISTRY:
        assert contract.METRICS[m.prometheus] == (("feature",), m.help)
        assert FEATURE_METRICS[m.prometheus] == m.name
        if m.role == "effect":
            assert m.name in contract.FEATURE_THRESHOLD_METRICS
            assert m.name in HISTORY_METRICS
            if m.default_tiers is not None:
                warning, critical = m.default_tiers
                assert contract.DEFAULT_THRESHOLDS[m.name] == {"warning": warning, "critical": critical}
        else:
            assert m.name not in contract.FEATURE_THRESHOLD_METRICS
            assert m.name not in contract.DEFAULT_THRESHOLDS


def test_default_tiers_see_scale_and_tails_next_to_psi() -> None:
    tiered = {m.name for m in REGISTRY if m.default_tiers is not None}
    assert {"psi", "ks_statistic", "wasserstein_normalized"} <= tiered
    assert contract.DEFAULT_THRESHOLDS["psi"] == {"warning": 0.1, "critical": 0.2}


def test_the_docs_define_and_list_every_registry_metric() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "drift-jobs.md").read_text(encoding="utf-8")
    definitions = docs.split("## Metric definitions", 1)[1].split("\n## ", 1)[0]
    pushed = docs.split("## Metrics pushed", 1)[1].split("\n## ", 1)[0]
    report = docs.split("## Report", 1)[1].split("\n## ", 1)[0]
    for m in REGISTRY:
        assert f"(`{m.name}`" in definitions, m.name
        assert f"| `{m.prometheus}` | feature |" in pushed, m.prometheus
        assert f"`{m.name}`" in report, m.name
        for key in m.details:
            assert f"`{key}`" in report, key


def test_one_guard_p_value_per_feature_kind() -> None:
    assert guard_for("numeric").name == "ks_pvalue"
    assert guard_for("categorical").name == "chi2_pvalue"


def test_a_new_module_in_the_package_is_a_new_metric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a metric is one file: the package discovers it (here from an extra path entry)."""
    (tmp_path / "total_variation.py").write_text(
        textwrap.dedent(
            """
            from drift_jobs.evaluate.metrics._base import Metric, MetricValue, shares

            def _tv(inp, earlier):
                return MetricValue.of(0.5 * abs(shares(inp.reference_counts) - shares(inp.current_counts)).sum())

            METRICS = (
                Metric(name="total_variation", title="TV", kinds=frozenset({"numeric", "categorical"}),
                       needs="histogram", compute=_tv, prometheus="model_drift_total_variation",
                       help="Total variation distance", role="effect", direction="higher", order=999,
                       formula="sum |p - q| / 2"),
            )
            """
        )
    )
    monkeypatch.setattr(metrics, "__path__", [*metrics.__path__, str(tmp_path)])
    monkeypatch.setitem(sys.modules, "drift_jobs.evaluate.metrics.total_variation", None)
    monkeypatch.delitem(sys.modules, "drift_jobs.evaluate.metrics.total_variation")
    found = metrics._discover()
    assert found[-1].name == "total_variation"
    inp = FeatureInput("categorical", np.array([50, 50]), np.array([30, 70]))
    assert found[-1].compute(inp, {}).value == pytest.approx(0.2)


def test_declarations_the_evaluator_relies_on_are_checked() -> None:
    base = REGISTRY[0]
    with pytest.raises(ValueError, match="must grow with drift"):
        Metric(**{**base.__dict__, "direction": "lower"}).check()
    with pytest.raises(ValueError, match="only effect sizes have tiers"):
        Metric(**{**base.__dict__, "role": "guard"}).check()


def test_contract_and_registry_import_without_numpy_or_scipy() -> None:
    """infra imports the contract (alert rules, dashboards); declaring metrics costs no numeric stack."""
    code = (
        "import sys, drift_jobs.contract, drift_jobs.evaluate.metrics; "
        "print('numpy' in sys.modules, 'scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- the report, the metrics and the history, end to end --------------------------------------


def test_every_registry_metric_reaches_report_metrics_history_and_html(tmp_path: Path) -> None:
    ref = shifted_table(4_000, 1, False, 2).append_column("c", pa.array(["a", "b", "c", "d"] * 1_000))
    cur = shifted_table(3_000, 2, True, 2).append_column("c", pa.array(["a", "b", "c", "e"] * 750))
    ev = evaluate_tables(tmp_path, ref, cur)
    doc = ev.report.to_dict()
    json.dumps(doc, allow_nan=False)
    by_name = {f["name"]: f for f in doc["features"]}
    for f in ev.report.features:
        for m in for_kind(f.type):
            assert by_name[f.name][m.name] is not None, (f.name, m.name)
            assert by_name[f.name][m.name] == f.values[m.name]
    record = append_run([], doc)["runs"][0]
    assert set(record["features"]["f0"]) == {*HISTORY_METRICS, "status"}
    html = render_html(ev)
    for m in REGISTRY:
        assert m.title in html


def test_the_typed_report_keeps_the_documented_json_shape(tmp_path: Path) -> None:
    ev = evaluate_tables(tmp_path, shifted_table(2_000, 1, False, 2), shifted_table(1_000, 2, False, 2))
    doc = ev.report.to_dict()
    top = {"schema_version", "kind", "generated_at", *contract.BASE_LABELS, "reference", "current", "profile_id"}
    top |= {"window", "columns", "features", "schema", "prediction", "performance", "latency", "adaptive", "summary"}
    assert set(doc) == top  # run_id, metrics, duration_seconds, dependency_errors: set by the command
    ev.report.run_id, ev.report.duration_seconds, ev.report.metrics = "r1", 1.5, {"pushed": False}
    assert {"run_id", "duration_seconds", "metrics"} <= set(json.loads(ev.report.to_json()))
    assert "_used" not in doc["features"][0] and set(doc["features"][0]["thresholds"]["psi"]) == {
        "warning",
        "critical",
        "source",
    }


def test_default_tiers_flag_a_scale_change_psi_misses(tmp_path: Path) -> None:
    """x1.25 scale: PSI on deciles stays under 0.1, the KS / Wasserstein tiers see it."""
    rng = np.random.default_rng(7)
    ref = pa.table({"x": rng.standard_normal(200_000)})
    cur = pa.table({"x": rng.standard_normal(200_000) * 1.25})
    f = evaluate_tables(tmp_path, ref, cur).report.features[0]
    assert f.values["psi"] is not None and f.values["psi"] < 0.1
    assert f.tiers["psi"] == "ok"
    assert f.tiers["wasserstein_normalized"] != "ok" or f.tiers["ks_statistic"] != "ok"
    assert f.status in ("warning", "critical")


# --- definitions without jumps ----------------------------------------------------------------


def test_one_value_in_a_million_is_no_worse_than_an_empty_bin() -> None:
    ref = np.full(10, 100_000)  # ten bins of 10 %
    empty = np.array([0, 200_000, *[100_000] * 8])
    one = np.array([1, 199_999, *[100_000] * 8])
    assert psi(ref, one) <= psi(ref, empty)
    assert psi(ref, one) == pytest.approx(psi(ref, empty), rel=1e-4)
    # The old definition (only empty shares floored) put the single value far above the empty bin.
    r, c = ref / ref.sum(), one / one.sum()
    old_one = float(np.sum((c - r) * np.log(np.maximum(c, 1e-300) / r)))
    assert old_one > 1.1 and psi(ref, empty) < 0.8


def test_every_share_below_the_floor_counts_as_the_floor() -> None:
    ref = np.array([500_000, 500_000])
    for tiny in (0, 1, 10, 99):
        cur = np.array([tiny, 1_000_000 - tiny])
        floored = np.maximum(cur / cur.sum(), BIN_SHARE_FLOOR)
        r = ref / ref.sum()
        assert psi(ref, cur) == pytest.approx(float(np.sum((floored - r) * np.log(floored / r))), rel=1e-12)


EDGES = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
BINS = NumericBins(EDGES, np.array([2], dtype=np.int64))


def _summary(values: np.ndarray, edges: np.ndarray = EDGES, exact_max: int = 1_000) -> NumericSummary:
    s = NumericSummary(len(edges), exact_max)
    s.add(np.asarray(values, dtype=np.float64), edges)
    return s


def _numeric(ref: NumericSummary, cur: NumericSummary, bins: NumericBins = BINS) -> dict[str, MetricValue]:
    return compute_all(FeatureInput("numeric", bins.coarse_counts(ref), bins.coarse_counts(cur), bins, ref, cur))


def test_constant_reference_gives_null_wasserstein_with_a_reason() -> None:
    v = _numeric(_summary(np.full(500, 1.0)), _summary(np.full(500, 1.5)))["wasserstein_normalized"]
    assert v.value is None and v.reason and "constant" in v.reason


def test_near_constant_reference_is_floored_not_blown_up() -> None:
    rng = np.random.default_rng(1)
    base = 5.0 + rng.standard_normal(500) * 1e-12  # float noise around 5
    edges = np.array([base.min(), 5.0, base.max()])
    bins = NumericBins(edges, np.array([1], dtype=np.int64))
    ref, cur = _summary(base, edges), _summary(base + 5e-9, edges)
    v = _numeric(ref, cur, bins)["wasserstein_normalized"]
    scale = SIGMA_FLOOR_RELATIVE * 5.0
    assert v.details["wasserstein_scale"] == pytest.approx(scale, rel=1e-6)
    assert v.value == pytest.approx(5e-9 / scale, rel=1e-3)  # 1e-3, not ~5000 (W / sigma)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_overflowing_reference_spread_gives_null_with_a_reason() -> None:
    huge = np.array([-1e308, 1e308] * 250)
    v = _numeric(_summary(huge), _summary(huge * 0.5))["wasserstein_normalized"]
    assert v.value is None and v.reason and ("overflow" in v.reason or "not finite" in v.reason)


def test_underflowing_reference_spread_gives_null_with_a_reason() -> None:
    tiny = np.array([0.0, 5e-324] * 250)  # the smallest subnormal: variance and floor underflow
    v = _numeric(_summary(tiny), _summary(tiny[::-1].copy() * 0))["wasserstein_normalized"]
    assert v.value is None and v.reason and "underflow" in v.reason


def test_findings_count_in_the_feature_and_run_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The extension point for schema findings: a finding's tier counts even where the
    distribution was not evaluated (a missing column is `critical`, not `not_evaluated`)."""
    rng = np.random.default_rng(3)
    ref = pa.table({"x": rng.standard_normal(2_000), "y": rng.standard_normal(2_000)})
    cur = pa.table({"y": rng.standard_normal(1_000)})
    real = evaluator._feature_entry

    def with_finding(*args, **kwargs):  # type: ignore[no-untyped-def]
        f = real(*args, **kwargs)
        if f.status == "missing_column":
            f.findings["missing_column"] = "critical"
        return f

    monkeypatch.setattr(evaluator, "_feature_entry", with_finding)
    report = evaluate_tables(tmp_path, ref, cur).report
    x = report.features[0]
    assert (x.name, x.status, x.distribution_status, x.evaluated) == ("x", "critical", "missing_column", False)
    assert x.tiers["missing_column"] == "critical"
    assert report.summary.status == "critical"
    assert report.to_dict()["features"][0]["status"] == "critical"


def test_an_all_missing_window_reports_why_no_metric_was_computed(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    ref = pa.table({"x": rng.standard_normal(2_000), "y": rng.standard_normal(2_000)})
    cur = pa.table({"x": np.full(1_000, np.nan), "y": rng.standard_normal(1_000)})
    f = evaluate_tables(tmp_path, ref, cur).report.features[0]
    assert f.name == "x" and all(v is None for v in f.values.values())
    assert any("no valid value in the window" in r for r in f.reasons)


def test_reasons_name_the_metric_that_could_not_be_computed(tmp_path: Path) -> None:
    ref = pa.table({"x": np.full(2_000, 3.0), "y": np.arange(2_000.0)})
    cur = pa.table({"x": np.full(1_000, 4.0), "y": np.arange(1_000.0)})
    f = evaluate_tables(tmp_path, ref, cur).report.features[0]
    assert f.values["wasserstein_normalized"] is None
    assert any(r.startswith("wasserstein_normalized not computed: reference is constant") for r in f.reasons)
    assert not math.isnan(f.values["psi"] or math.nan)
