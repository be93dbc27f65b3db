"""The robustness matrix: messy data never crashes the job or shows up as drift."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from drift_jobs.config import parse_config
from drift_jobs.evaluate.metrics import numeric_metrics
from drift_jobs.read.readers import TableSource
from drift_jobs.read.storage import Storage
from drift_jobs.summarise.profile import build_profile
from drift_jobs.summarise.summary import summarise_window
from drift_testkit import write_parquet

from tests.support.pushgateway import free_port

RNG = np.random.default_rng(11)


def run(cli, tmp_path, ref: pa.Table, cur: pa.Table, *extra: str):
    r = write_parquet(ref, tmp_path / "ref.parquet")
    c = write_parquet(cur, tmp_path / "cur.parquet")
    out = tmp_path / "out"
    res = cli("run", "--reference", str(r), "--current", str(c), "--out", str(out), *extra)
    return res, (res.report(out) if (out / "drift_report.json").exists() else None)


def features(report) -> dict:
    return {f["name"]: f for f in report["features"]}


# A numpy warning would land on the job's stderr between its JSON log lines.
@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_nan_and_inf_are_excluded_never_binned(tmp_path) -> None:
    ref = RNG.standard_normal(20_000)
    finite = RNG.standard_normal(9_000)
    cur = np.concatenate([finite, np.full(500, np.inf), np.full(300, -np.inf), np.full(200, np.nan)])
    write_parquet(pa.table({"x": ref}), tmp_path / "r.parquet")
    write_parquet(pa.table({"x": cur}), tmp_path / "c.parquet")
    write_parquet(pa.table({"x": finite}), tmp_path / "f.parquet")
    cfg = parse_config({})
    with Storage() as st:
        prof = build_profile(cfg, str(tmp_path / "r.parquet"), st)
        messy = summarise_window(prof, TableSource(str(tmp_path / "c.parquet"), st, 4096), (0, 1)).numeric["x"]
        clean = summarise_window(prof, TableSource(str(tmp_path / "f.parquet"), st, 4096), (0, 1)).numeric["x"]
    assert (messy.n, messy.n_posinf, messy.n_neginf, messy.n_missing) == (9_000, 500, 300, 200)
    p = prof.numeric["x"]
    assert p.bins.coarse_counts(messy).sum() == 9_000
    a, b = numeric_metrics(p.bins, p.summary, messy), numeric_metrics(p.bins, p.summary, clean)
    assert a["psi"] == b["psi"] and a["ks_statistic"] == b["ks_statistic"]
    assert a["reference_counts"] == b["reference_counts"]


def test_empty_reference_is_a_clear_error(cli, tmp_path) -> None:
    res, _ = run(cli, tmp_path, pa.table({"x": pa.array([], pa.float64())}), pa.table({"x": [1.0, 2.0]}))
    assert res.code == 2 and "empty reference" in res.stderr


def test_empty_window_is_a_clear_error(cli, tmp_path) -> None:
    res, report = run(
        cli, tmp_path, pa.table({"x": RNG.standard_normal(1000)}), pa.table({"x": pa.array([], pa.float64())})
    )
    assert res.code == 2 and "empty window" in res.stderr
    assert report is not None and report["status"] == "error"


def test_all_nan_reference_feature_is_a_clear_error(cli, tmp_path) -> None:
    res, _ = run(cli, tmp_path, pa.table({"x": [np.nan] * 50}), pa.table({"x": [1.0]}))
    assert res.code == 2 and "'x' has no finite values" in res.stderr


def test_tiny_window_is_insufficient_data_not_drift(cli, tmp_path) -> None:
    ref = pa.table({"x": RNG.standard_normal(50_000), "y": RNG.standard_normal(50_000)})
    cur = pa.table({"x": RNG.standard_normal(30) + 3.0, "y": RNG.standard_normal(30)})
    res, report = run(cli, tmp_path, ref, cur)
    assert res.code == 0
    f = features(report)
    assert f["x"]["status"] == "insufficient_data" and not f["x"]["drifted"]
    assert report["summary"]["dataset_drifted"] is False
    assert report["summary"]["features_evaluated"] == 0


def test_constant_reference_still_detects_a_moved_value(cli, tmp_path) -> None:
    ref = pa.table({"k": np.full(5_000, 5.0)})
    same, report = run(cli, tmp_path, ref, pa.table({"k": np.full(2_000, 5.0)}))
    assert same.code == 0 and features(report)["k"]["status"] == "ok"
    assert features(report)["k"]["psi"] == 0.0
    moved, report = run(cli, tmp_path, ref, pa.table({"k": np.full(2_000, 6.0)}))
    assert moved.code == 0
    k = features(report)["k"]
    assert k["drifted"] and k["status"] == "critical" and k["ks_statistic"] == 1.0


def test_unseen_categories_are_reported_and_count_as_drift(cli, tmp_path) -> None:
    ref = pa.table({"c": RNG.choice(["a", "b", "c"], 10_000)})
    cur = pa.table({"c": RNG.choice(["a", "b", "zzz"], 5_000)})
    res, report = run(cli, tmp_path, ref, cur)
    assert res.code == 0
    c = features(report)["c"]
    assert c["type"] == "categorical" and c["drifted"]
    assert c["unseen_share"] == pytest.approx(c["unseen_examples"]["zzz"] / 5_000)
    assert c["chi2_pvalue"] < 1e-10
    assert c["histogram"]["labels"][-2:] == ["__other__", "__unseen__"]


def test_category_cap_folds_the_tail_into_other(cli, tmp_path) -> None:
    names = np.array([f"v{i}" for i in range(200)])
    ref = pa.table({"c": names[RNG.integers(0, 200, 20_000)]})
    cur = pa.table({"c": names[RNG.integers(0, 200, 10_000)]})
    res, report = run(cli, tmp_path, ref, cur, "--category-cap", "20")
    assert res.code == 0
    c = features(report)["c"]
    assert len(c["histogram"]["labels"]) == 22 and c["unseen_share"] == 0.0 and not c["drifted"]


def test_missing_and_extra_columns(cli, tmp_path) -> None:
    ref = pa.table({"x": RNG.standard_normal(5_000), "y": RNG.standard_normal(5_000)})
    cur = pa.table({"x": RNG.standard_normal(3_000), "extra": RNG.standard_normal(3_000)})
    res, report = run(cli, tmp_path, ref, cur)
    assert res.code == 0
    f = features(report)
    # A dropped feature is a schema break: critical by default (config schema.missing_column).
    assert f["y"]["status"] == "critical" and f["y"]["distribution_status"] == "missing_column"
    assert not f["y"]["drifted"] and not f["y"]["evaluated"]
    assert f["x"]["status"] == "ok"
    assert report["columns"] == {"missing": ["y"], "extra": ["extra"]}
    assert "columns missing from the window: y" in report["summary"]["warnings"]


def test_type_mismatch_partial_and_total(cli, tmp_path) -> None:
    ref = pa.table({"x": RNG.standard_normal(5_000), "y": RNG.standard_normal(5_000)})
    xs = [str(v) for v in RNG.standard_normal(3_000)]
    xs[:30] = ["oops"] * 30
    cur = pa.table({"x": pa.array(xs), "y": pa.array(["n/a"] * 3_000)})
    res, report = run(cli, tmp_path, ref, cur)
    assert res.code == 0
    f = features(report)
    assert f["x"]["status"] == "ok" and f["x"]["missing"]["current"]["type_mismatch"] == 30
    assert f["x"]["n_current"] == 2_970
    # Every value of another type: the column was retyped, critical by default (schema.type_change).
    assert f["y"]["status"] == "critical" and f["y"]["distribution_status"] == "type_mismatch"
    assert not f["y"]["drifted"] and [s["reason"] for s in f["y"]["schema"]] == ["type_change"]


def test_csv_and_npy_inputs(cli, tmp_path) -> None:
    ref = RNG.standard_normal((8_000, 3))
    cur = RNG.standard_normal((4_000, 3)) + np.array([0.0, 0.7, 0.0])
    np.save(tmp_path / "ref.npy", ref)
    pacsv.write_csv(pa.table({f"col_{j}": cur[:, j] for j in range(3)}), tmp_path / "cur.csv")
    out = tmp_path / "out"
    res = cli(
        "run", "--reference", str(tmp_path / "ref.npy"), "--current", str(tmp_path / "cur.csv"), "--out", str(out)
    )
    assert res.code == 0, res.stderr
    assert res.report(out)["summary"]["drifted_features"] == ["col_1"]


@pytest.mark.parametrize("kind", ["parquet-garbage", "parquet-truncated", "npy-truncated", "csv-ragged"])
def test_corrupt_files_exit_2(cli, tmp_path, kind: str) -> None:
    ref = write_parquet(pa.table({"col_0": RNG.standard_normal(2_000)}), tmp_path / "ref.parquet")
    if kind == "parquet-garbage":
        bad = tmp_path / "bad.parquet"
        bad.write_bytes(b"PAR1 this is not parquet at all")
    elif kind == "parquet-truncated":
        good = write_parquet(pa.table({"col_0": RNG.standard_normal(50_000)}), tmp_path / "g.parquet")
        bad = tmp_path / "bad.parquet"
        bad.write_bytes(good.read_bytes()[:-200])
    elif kind == "npy-truncated":
        np.save(tmp_path / "g.npy", RNG.standard_normal(10_000))
        bad = tmp_path / "bad.npy"
        bad.write_bytes((tmp_path / "g.npy").read_bytes()[:5_000])
    else:
        bad = tmp_path / "bad.csv"
        bad.write_text("col_0,b\n1,2\n3\n4,5,6\n")
    res = cli("run", "--reference", str(ref), "--current", str(bad), "--out", str(tmp_path / "o"))
    assert res.code == 2, res.stderr
    assert str(bad) in res.stderr and "Traceback" not in res.stderr


def test_storage_unavailable_exits_3_after_retries(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    ref = write_parquet(pa.table({"x": RNG.standard_normal(1_000)}), tmp_path / "ref.parquet")
    out = tmp_path / "out"
    res = cli(
        "run",
        "--reference",
        str(ref),
        "--current",
        "s3://bucket/window/",
        "--out",
        str(out),
        "--retries",
        "3",
        "--retry-backoff",
        "0.01",
    )
    assert res.code == 3, res.stderr
    assert "unavailable after 3 attempts" in res.stderr
    assert res.report(out)["status"] == "error"


def test_pushgateway_unavailable_exits_3_and_keeps_local_outputs(cli, acceptance_data, tmp_path) -> None:
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
        f"http://127.0.0.1:{free_port()}",
        "--retries",
        "2",
        "--retry-backoff",
        "0.01",
    )
    assert res.code == 3
    report = res.report(out)
    assert report["metrics"]["pushed"] is False and "Pushgateway" in report["metrics"]["error"]
    assert report["summary"]["drifted_features"]  # the full report, not an error stub
    assert (out / "drift_report.html").is_file() and (out / "metrics.prom").is_file()


def test_wide_row_groups_read_in_column_groups_give_the_same_report(
    cli, acceptance_data, tmp_path, monkeypatch
) -> None:
    ref, cur = acceptance_data
    whole = tmp_path / "whole"
    assert cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(whole)).code == 0
    monkeypatch.setattr("drift_jobs.read.readers.READ_BUDGET_BYTES", 3 * 2_500 * 8)  # three columns per read
    split = tmp_path / "split"
    res = cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(split))
    assert res.code == 0, res.stderr
    a, b = res.report(whole), res.report(split)
    assert a["window"]["rows"] == b["window"]["rows"] == 10_000
    assert [(f["psi"], f["ks_statistic"], f["missing"]) for f in a["features"]] == [
        (f["psi"], f["ks_statistic"], f["missing"]) for f in b["features"]
    ]
