"""The contract module is the single source for names and defaults others import."""

from __future__ import annotations

import re

from drift_jobs.config import parse_config
from drift_jobs.evaluate.metrics import for_kind
from drift_jobs.export.prometheus import build_registry, metrics_text
from drift_testkit import evaluate_tables, shifted_table

from drift_jobs import contract

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def test_defaults_are_design_section_2() -> None:
    t = contract.DEFAULT_THRESHOLDS
    assert t["psi"] == {"warning": 0.1, "critical": 0.2}
    assert t["accuracy_drop"] == {"warning": 0.05, "critical": 0.10}
    assert t["latency_increase"] == {"warning": 0.20, "critical": 0.50}
    cfg = parse_config({})
    assert (cfg.thresholds.psi.warning, cfg.thresholds.psi.critical) == (0.1, 0.2)
    assert contract.EXIT_BAD_INPUT == 2 and contract.EXIT_DEPENDENCY == 3


def test_metric_names_follow_prometheus_conventions() -> None:
    for name, (labels, help_text) in contract.METRICS.items():
        assert NAME.match(name) and help_text
        assert set(labels).isdisjoint(contract.BASE_LABELS)
    assert (*contract.BASE_LABELS, "feature") == contract.FEATURE_LABELS


def test_every_emitted_family_is_in_the_contract(cli, acceptance_data, tmp_path) -> None:
    ref, cur = acceptance_data
    out = tmp_path / "out"
    assert cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(out)).code == 0
    text = (out / "metrics.prom").read_text()
    families = set(re.findall(r"^# TYPE (\S+) ", text, flags=re.M))
    exposed = {f"{f}_total" if f == "drift_job_rows_processed" else f for f in families}
    assert exposed <= set(contract.METRICS)
    # Every registry metric a numeric feature has is pushed (KS/Wasserstein/PSI/JS...).
    numeric = {m.prometheus for m in for_kind("numeric")}
    assert numeric <= families


def test_a_report_becomes_metrics_without_a_dict(tmp_path) -> None:
    ev = evaluate_tables(tmp_path, shifted_table(5_000, 1, False, 3), shifted_table(3_000, 2, True, 3))
    text = metrics_text(build_registry(ev.report, 1.0, 0.0)).decode()
    for f in ev.report.features:
        for m in for_kind(f.type):
            if f.values[m.name] is not None:
                assert f"{m.prometheus}{{" in text and f'feature="{f.name}"' in text


def test_the_exposition_declares_every_contract_family_with_its_labels_and_the_report_values(tmp_path) -> None:
    from prometheus_client.parser import text_string_to_metric_families  # noqa: PLC0415

    ev = evaluate_tables(tmp_path, shifted_table(5_000, 1, False, 3), shifted_table(3_000, 2, True, 3))
    report = ev.report
    families = {f.name: f for f in text_string_to_metric_families(metrics_text(build_registry(report, 2.5)).decode())}
    rows = "drift_job_rows_processed_total"
    declared = {f"{n}_total" if families[n].type == "counter" else n for n in families}
    assert declared == set(contract.METRICS)  # every family, samples or not, and nothing else
    for name, (extra, help_text) in contract.METRICS.items():
        family = families[name.removesuffix("_total") if name == rows else name]
        assert (family.documentation, family.type) == (help_text, "counter" if name == rows else "gauge")
        for sample in family.samples:
            assert sample.name == name  # no *_created twin
            assert set(sample.labels) == {*contract.BASE_LABELS, *extra}, name  # the exposition sorts them
    samples = {(s.name, s.labels.get("feature")): s.value for f in families.values() for s in f.samples}
    for f in report.features:
        for m in for_kind(f.type):
            if f.values[m.name] is not None:
                assert samples[(m.prometheus, f.name)] == f.values[m.name]
        assert samples[("model_drift_feature_status", f.name)] == contract.STATUS_CODES[f.status]
    assert samples[(rows, None)] == report.window.rows
    assert samples[("drift_job_duration_seconds", None)] == 2.5
