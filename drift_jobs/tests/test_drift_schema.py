"""Schema and data-quality findings: each data incident gets its reason, its tier and a metric."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from drift_jobs.config import SchemaRules, parse_config
from drift_jobs.errors import BadInputError
from drift_jobs.evaluate import schema
from drift_jobs.summarise.categorical import CategoricalSummary, CategoryBuckets
from drift_testkit import write_parquet

from drift_jobs import contract

RNG = np.random.default_rng(13)
N_REF, N_CUR = 4_000, 2_000


def _ref() -> pa.Table:
    return pa.table(
        {
            "x": RNG.standard_normal(N_REF),
            "y": RNG.standard_normal(N_REF),
            "c": pa.array(RNG.choice(["a", "b", "c"], N_REF)),
        }
    )


def _cur(**columns: object) -> pa.Table:
    base: dict[str, object] = {
        "x": RNG.standard_normal(N_CUR),
        "y": RNG.standard_normal(N_CUR),
        "c": pa.array(RNG.choice(["a", "b", "c"], N_CUR)),
    }
    base.update(columns)
    return pa.table({k: v for k, v in base.items() if v is not None})


def run(cli, tmp_path, cur: pa.Table, *extra: str, config: dict | None = None):
    r = write_parquet(_ref(), tmp_path / "ref.parquet")
    c = write_parquet(cur, tmp_path / "cur.parquet")
    out = tmp_path / "out"
    args = ["run", "--reference", str(r), "--current", str(c), "--out", str(out), *extra]
    if config is not None:
        path = tmp_path / "config.json"
        path.write_text(json.dumps(config))
        args += ["--config", str(path)]
    res = cli(*args)
    report = json.loads((out / "drift_report.json").read_text()) if (out / "drift_report.json").exists() else None
    return res, report, out


def feature(report: dict, name: str) -> dict:
    return next(f for f in report["features"] if f["name"] == name)


def reasons(report: dict) -> dict[tuple[str, str], str]:
    return {(s["feature"], s["reason"]): s["tier"] for s in report["schema"]}


def test_dropped_column_is_critical_naming_it_and_pushed_with_its_reason(cli, tmp_path) -> None:
    res, report, out = run(cli, tmp_path, _cur(y=None))
    assert res.code == 0, res.stderr
    y = feature(report, "y")
    assert y["status"] == "critical" and y["distribution_status"] == "missing_column"
    assert any("'y'" in r and "absent" in r for r in y["reasons"])
    assert report["summary"]["status"] == "critical"
    assert reasons(report) == {("y", "missing_column"): "critical"}
    assert feature(report, "x")["status"] == "ok"
    metrics = (out / "metrics.prom").read_text()
    code = contract.STATUS_CODES["critical"]
    series = (
        'model_drift_schema_issue{cluster="",feature="y",model="unnamed",model_version="",'
        f'reason="missing_column",region="",stack="local"}} {code:.1f}'
    )
    assert series in metrics
    assert 'model_drift_status{cluster="",model="unnamed"' in metrics


def test_dropped_column_tier_is_configurable_per_model_and_per_feature(cli, tmp_path) -> None:
    cfg = {"schema": {"missing_column": "warning", "features": {"x": {"missing_column": "ok"}}}}
    res, report, _ = run(cli, tmp_path, _cur(x=None, y=None), config=cfg)
    assert res.code == 0, res.stderr
    assert feature(report, "y")["status"] == "warning"
    # "ok": reported, never alerts; the feature stays not evaluated.
    assert feature(report, "x")["status"] == "missing_column"
    assert reasons(report) == {("x", "missing_column"): "ok", ("y", "missing_column"): "warning"}
    assert report["summary"]["status"] == "warning"


def test_all_nan_column_is_critical(cli, tmp_path) -> None:
    res, report, _ = run(cli, tmp_path, _cur(x=np.full(N_CUR, np.nan)))
    assert res.code == 0, res.stderr
    x = feature(report, "x")
    assert x["status"] == "critical" and not x["evaluated"]
    assert reasons(report) == {("x", "all_missing"): "critical"}
    assert report["summary"]["status"] == "critical"


def test_text_instead_of_numbers_is_a_type_change(cli, tmp_path) -> None:
    words = pa.array(RNG.choice(["low", "high"], N_CUR))
    res, report, _ = run(cli, tmp_path, _cur(x=words))
    assert res.code == 0, res.stderr
    assert feature(report, "x")["status"] == "critical"
    assert reasons(report) == {("x", "type_change"): "critical"}


def test_a_few_stray_tokens_are_not_a_type_change(cli, tmp_path) -> None:
    xs = [str(v) for v in RNG.standard_normal(N_CUR)]
    xs[:20] = ["oops"] * 20  # 1 % of the values
    res, report, _ = run(cli, tmp_path, _cur(x=pa.array(xs)))
    assert res.code == 0, res.stderr
    assert feature(report, "x")["status"] == "ok" and report["schema"] == []


def test_extra_column_is_a_run_level_warning(cli, tmp_path) -> None:
    res, report, out = run(cli, tmp_path, _cur(session_id=RNG.standard_normal(N_CUR)))
    assert res.code == 0, res.stderr
    assert reasons(report) == {("session_id", "extra_column"): "warning"}
    assert all(f["status"] == "ok" for f in report["features"])
    assert report["summary"]["status"] == "warning"
    assert 'reason="extra_column"' in (out / "metrics.prom").read_text()
    assert any("session_id" in w for w in report["summary"]["warnings"])


def test_reference_columns_that_are_not_features_are_not_extra(cli, tmp_path) -> None:
    ref = _ref().append_column("ts", pa.array(np.arange(N_REF), pa.timestamp("s")))
    ref = ref.append_column("request_id", pa.array([f"r{i}" for i in range(N_REF)]))
    cur = _cur().append_column("ts", pa.array(np.arange(N_CUR), pa.timestamp("s")))
    cur = cur.append_column("request_id", pa.array([f"q{i}" for i in range(N_CUR)]))
    r = write_parquet(ref, tmp_path / "ref.parquet")
    c = write_parquet(cur, tmp_path / "cur.parquet")
    out = tmp_path / "out"
    listed = ("--numeric-features", "x,y", "--categorical-features", "c")
    res = cli("run", "--reference", str(r), "--current", str(c), "--out", str(out), *listed)
    assert res.code == 0, res.stderr
    report = json.loads((out / "drift_report.json").read_text())
    assert report["schema"] == [] and report["columns"]["extra"] == []
    assert report["summary"]["status"] == "ok"


def test_cardinality_explosion(cli, tmp_path) -> None:
    ids = pa.array([f"user-{i}" for i in range(N_CUR)])  # an ID leaked into a categorical feature
    res, report, _ = run(cli, tmp_path, _cur(c=ids))
    assert res.code == 0, res.stderr
    assert reasons(report) == {("c", "cardinality_explosion"): "warning"}
    c = feature(report, "c")
    assert c["schema"][0]["reason"] == "cardinality_explosion"
    # The distribution itself moved completely too: PSI makes it critical on its own.
    assert c["status"] == "critical"


def test_few_new_categories_are_not_an_explosion() -> None:
    buckets = CategoryBuckets(("a", "b", "c"), (), False)
    ref = CategoricalSummary(5, counts=np.array([100, 100, 100, 0, 0]))
    rules = SchemaRules()
    few = CategoricalSummary(5, counts=np.array([50, 50, 50, 0, 150]), unseen_distinct=3)
    many = CategoricalSummary(5, counts=np.array([50, 50, 50, 0, 150]), unseen_distinct=25)
    rare = CategoricalSummary(5, counts=np.array([300, 300, 300, 0, 30]), unseen_distinct=30)
    assert schema.feature_findings("c", "categorical", ref, few, rules, buckets) == []
    assert [f.reason for f in schema.feature_findings("c", "categorical", ref, many, rules, buckets)] == [
        "cardinality_explosion"
    ]
    assert schema.feature_findings("c", "categorical", ref, rare, rules, buckets) == []  # 3 % unseen


def test_nothing_evaluated_is_critical(cli, tmp_path) -> None:
    cur = pa.table({"x": np.full(N_CUR, np.nan), "y": pa.nulls(N_CUR, pa.float64()), "c": pa.nulls(N_CUR, pa.string())})
    res, report, _ = run(cli, tmp_path, cur)
    assert res.code == 0, res.stderr
    assert report["summary"]["features_evaluated"] == 0
    assert reasons(report)[("", "nothing_evaluated")] == "critical"
    assert report["summary"]["status"] == "critical"


def test_small_window_with_nothing_evaluated_is_not_ok(cli, tmp_path) -> None:
    res, report, _ = run(cli, tmp_path, _cur().slice(0, 20))  # fewer than min_samples everywhere
    assert res.code == 0, res.stderr
    assert {f["status"] for f in report["features"]} == {"insufficient_data"}
    assert report["summary"]["status"] == "critical"


def test_semicolon_csv_forced_to_commas_exits_2_naming_the_format(cli, tmp_path) -> None:
    r = write_parquet(_ref(), tmp_path / "ref.parquet")
    c = tmp_path / "cur.csv"
    c.write_text("x;y;c\n" + "".join(f"{i * 0.1};{-i * 0.1};a\n" for i in range(300)))
    out = tmp_path / "out"
    res = cli("run", "--reference", str(r), "--current", str(c), "--out", str(out), "--csv-delimiter", ",")
    assert res.code == 2
    assert "none of the profile's columns" in res.stderr and "'x;y;c'" in res.stderr and "csv.delimiter" in res.stderr


def test_semicolon_csv_is_detected(cli, tmp_path) -> None:
    r = write_parquet(_ref(), tmp_path / "ref.parquet")
    cur = _cur()
    c = tmp_path / "cur.csv"
    pacsv.write_csv(cur, c, pacsv.WriteOptions(delimiter=";"))
    out = tmp_path / "out"
    res = cli("run", "--reference", str(r), "--current", str(c), "--out", str(out))
    assert res.code == 0, res.stderr
    report = json.loads((out / "drift_report.json").read_text())
    assert report["summary"]["features_evaluated"] == 3 and report["summary"]["status"] == "ok"


def test_every_default_tier_is_a_config_default() -> None:
    rules = SchemaRules()
    assert set(contract.DEFAULT_SCHEMA_TIERS) == set(schema.REASONS)
    for reason, tier in contract.DEFAULT_SCHEMA_TIERS.items():
        assert rules.tier(reason) == tier
    assert set(contract.DEFAULT_SCHEMA_TIERS.values()) <= set(contract.STATUS_CODES)
    assert contract.METRICS["model_drift_schema_issue"][0] == ("feature", "reason")


@pytest.mark.parametrize(
    ("section", "needle"),
    [
        ({"missing_column": "page"}, "config schema.missing_column"),
        ({"features": {"y": {"extra_column": "ok"}}}, "config schema.features.y.extra_column: unknown key"),
        ({"cardinality": {"min_unseen_share": 2}}, "config schema.cardinality.min_unseen_share"),
    ],
)
def test_schema_config_errors_name_the_key(section: dict, needle: str) -> None:
    with pytest.raises(BadInputError, match=needle.replace(".", r"\.")):
        parse_config({"schema": section})
