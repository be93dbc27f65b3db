"""Hellinger distance: its definition, and that one module reaches the report, the metrics
pushed, the per-feature thresholds and the history without any other file naming it."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from drift_jobs.config import parse_config
from drift_jobs.errors import BadInputError
from drift_jobs.evaluate.history import HISTORY_METRICS
from drift_jobs.evaluate.metrics import BY_NAME, categorical_metrics
from drift_jobs.evaluate.metrics.hellinger import hellinger
from drift_jobs.export.prometheus import build_registry, metrics_text
from drift_jobs.export.report_html import render_html
from drift_testkit import evaluate_tables

from drift_jobs import contract


def by_hand(p: np.ndarray, q: np.ndarray) -> float:
    """nannyml's form: (1 / sqrt 2) * || sqrt(p) - sqrt(q) ||_2 on shares."""
    p, q = p / p.sum(), q / q.sum()
    return float(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)) / math.sqrt(2))


def test_definition_by_hand_and_bounds() -> None:
    a, b = np.array([10, 0, 30, 60]), np.array([5, 5, 40, 50])
    assert hellinger(a, b) == pytest.approx(by_hand(a, b), abs=1e-12)
    assert hellinger(a, a * 7) == pytest.approx(0.0, abs=1e-7)
    assert hellinger(np.array([1, 0]), np.array([0, 1])) == pytest.approx(1.0)
    assert hellinger(a, b) == pytest.approx(hellinger(b, a), abs=1e-15)


def test_declared_once_and_derived_everywhere() -> None:
    m = BY_NAME["hellinger"]
    assert m.role == "effect" and m.direction == "higher" and m.default_tiers is None
    assert contract.METRICS["model_drift_hellinger_distance"] == (("feature",), m.help)
    assert "hellinger" in contract.FEATURE_THRESHOLD_METRICS
    assert "hellinger" in HISTORY_METRICS
    assert "hellinger" not in contract.DEFAULT_THRESHOLDS  # no calibrated default: tiered only when configured


def test_categorical_features_get_it_too() -> None:
    ref, cur = np.array([500, 300, 200, 0, 0]), np.array([400, 350, 200, 30, 20])
    assert categorical_metrics(ref, cur)["hellinger"] == pytest.approx(by_hand(ref, cur), abs=1e-12)


def test_in_the_report_the_metrics_the_html_and_tiered_when_configured(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    ref = pa.table({"x": rng.standard_normal(20_000), "c": rng.choice(["a", "b", "c"], 20_000)})
    cur = pa.table({"x": rng.standard_normal(10_000) + 0.5, "c": rng.choice(["a", "b", "c"], 10_000)})
    config = {"thresholds": {"features": {"x": {"hellinger": {"warning": 0.01, "critical": 0.02}}}}}
    ev = evaluate_tables(tmp_path, ref, cur, config)
    doc = {f["name"]: f for f in ev.report.to_dict()["features"]}
    h = doc["x"]["hellinger"]
    assert h is not None and h > 0.1
    assert doc["c"]["hellinger"] is not None
    assert doc["x"]["thresholds"]["hellinger"] == {"warning": 0.01, "critical": 0.02, "source": "config"}
    assert doc["x"]["tiers"]["hellinger"] == "critical"
    assert "hellinger" not in doc["c"]["thresholds"]
    text = metrics_text(build_registry(ev.report, 1.0, 0.0)).decode()
    assert re.search(r'^model_drift_hellinger_distance\{.*feature="x".*\} ' + re.escape(repr(h)), text, re.M)
    threshold = r'^model_drift_threshold\{.*feature="x".*metric="hellinger".*tier="critical".*\} 0\.02'
    assert re.search(threshold, text, re.M)
    assert "Hellinger distance" in render_html(ev)


def test_a_bad_hellinger_threshold_is_a_config_error() -> None:
    with pytest.raises(BadInputError, match=r"thresholds\.features\.x\.hellinger"):
        parse_config({"thresholds": {"features": {"x": {"hellinger": {"warning": 0.3, "critical": 0.1}}}}})
