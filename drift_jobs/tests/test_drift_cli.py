"""Acceptance: the CLI on Parquet files, shards and merge, config validation, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest
from drift_jobs.cli import EXIT_INTERRUPTED, main
from drift_jobs.contract import DIRECTORY_PROFILE_NAME, PROFILE_SUFFIX
from drift_jobs.read.storage import Storage
from drift_jobs.summarise.profile import load_profile
from drift_testkit import SHIFTED, shifted_table, write_parquet

from drift_jobs import contract


def test_marks_exactly_the_shifted_features_and_writes_three_outputs(cli, acceptance_data, tmp_path) -> None:
    ref, cur = acceptance_data
    out = tmp_path / "out"
    res = cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(out))
    assert res.code == 0, res.stderr
    report = res.report(out)
    assert report["summary"]["drifted_features"] == list(SHIFTED)
    assert report["summary"]["dataset_drifted"] is True
    by_name = {f["name"]: f for f in report["features"]}
    for name, f in by_name.items():
        assert f["drifted"] == (name in SHIFTED)
        assert f["status"] in (("warning", "critical") if name in SHIFTED else ("ok",))
        for key in ("psi", "ks_statistic", "ks_pvalue", "wasserstein_normalized", "js_distance"):
            assert isinstance(f[key], float)
        assert f["thresholds"]["psi"] == {"warning": 0.1, "critical": 0.2, "source": "default"}
    html = (out / "drift_report.html").read_text()
    assert html.count("<svg") >= 2 * len(by_name)
    assert "<script" not in html
    metrics = (out / "metrics.prom").read_text()
    assert 'model_drift_psi{cluster="",feature="f0"' in metrics
    assert "drift_job_last_success_timestamp_seconds" in metrics
    assert report["metrics"] == {
        "destination": str(out / "metrics.prom"),
        "pushed": False,
        "reason": "no Pushgateway configured",
    }
    assert "metrics written in Prometheus text format" in res.stderr
    # The profile was stored next to the reference and is reused on the next run.
    assert (ref.parent / ("ref.parquet" + PROFILE_SUFFIX)).is_file()
    again = cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(out))
    assert again.code == 0 and "using stored profile" in again.stderr


def test_messy_file_reports_missing_shares_and_exits_0(cli, tmp_path) -> None:
    rng = np.random.default_rng(5)
    n = 5_000
    ref = pa.table({"x": rng.standard_normal(n), "c": rng.choice(["a", "b", "c"], n)})
    x = rng.standard_normal(n)
    x[:250] = np.nan
    x[250:300] = np.inf
    x[300:320] = -np.inf
    c = rng.choice(["a", "b", "c", "brand-new"], n).astype(object)
    c[:100] = None
    cur = pa.table({"x": x, "c": pa.array(c, pa.string())})
    write_parquet(ref, tmp_path / "r.parquet")
    write_parquet(cur, tmp_path / "c.parquet")
    out = tmp_path / "out"
    res = cli(
        "run", "--reference", str(tmp_path / "r.parquet"), "--current", str(tmp_path / "c.parquet"), "--out", str(out)
    )
    assert res.code == 0, res.stderr
    f = {e["name"]: e for e in res.report(out)["features"]}
    assert f["x"]["missing"]["current"] == {
        "null_or_nan": 250,
        "posinf": 50,
        "neginf": 20,
        "absent": 0,
        "type_mismatch": 0,
    }
    assert f["x"]["missing"]["current_share"] == pytest.approx(320 / n)
    assert f["x"]["n_current"] == n - 320
    assert f["c"]["missing"]["current_share"] == pytest.approx(100 / n)
    assert f["c"]["unseen_share"] == pytest.approx(f["c"]["unseen_examples"]["brand-new"] / (n - 100))


def test_truncated_parquet_exits_2_with_one_line_naming_the_file(cli, acceptance_data, tmp_path) -> None:
    ref, cur = acceptance_data
    data = cur.read_bytes()
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    res = cli("run", "--reference", str(ref), "--current", str(broken), "--out", str(out))
    assert res.code == 2
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("drift-job:")]
    assert len(lines) == 1 and str(broken) in lines[0]
    assert "Traceback" not in res.stderr
    assert res.report(out)["status"] == "error"


def test_shards_merged_equal_one_pass(cli, tmp_path) -> None:
    ref = write_parquet(shifted_table(30_000, 1, False, 6), tmp_path / "ref.parquet", 10_000)
    cur = write_parquet(shifted_table(20_000, 2, True, 6), tmp_path / "cur.parquet", 3_000)
    one = tmp_path / "one"
    assert cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(one)).code == 0
    shards = tmp_path / "shards"
    for i in range(3):
        res = cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(shards), "--shard", f"{i}/3")
        assert res.code == 0, res.stderr
    assert len(list(shards.glob("summary-shard-*.json"))) == 3
    merged = tmp_path / "merged"
    res = cli("merge", "--inputs", str(shards), "--out", str(merged))
    assert res.code == 0, res.stderr
    a, b = json.loads((one / "drift_report.json").read_text()), json.loads((merged / "drift_report.json").read_text())
    assert a["window"]["rows"] == b["window"]["rows"] == 20_000
    for fa, fb in zip(a["features"], b["features"], strict=True):
        assert fa["status"] == fb["status"]
        assert fa["histogram"] == fb["histogram"]
        for key in ("psi", "ks_statistic", "js_distance", "ks_pvalue"):
            assert fa[key] == fb[key], key
        assert fa["wasserstein_normalized"] == pytest.approx(fb["wasserstein_normalized"], rel=1e-12)


def test_merge_refuses_incomplete_shards(cli, tmp_path) -> None:
    ref = write_parquet(shifted_table(5_000, 1, False, 3), tmp_path / "ref.parquet")
    cur = write_parquet(shifted_table(6_000, 2, False, 3), tmp_path / "cur.parquet", 1_000)
    shards = tmp_path / "shards"
    cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(shards), "--shard", "0/3")
    res = cli("merge", "--inputs", str(shards), "--out", str(tmp_path / "m"))
    assert res.code == 2 and "missing [1, 2]" in res.stderr


def test_full_config_file_contract(cli, acceptance_data, tmp_path) -> None:
    ref, cur = acceptance_data
    config = {
        "model": "fraud",
        "model_version": "1.4.0",
        "stack": "dev",
        "region": "eu-west-1",
        "cluster": "dev-euw1",
        "reference": str(ref),
        "current": str(cur),
        "numeric_features": [f"f{j}" for j in range(20)],
        "categorical_features": None,
        "prediction_column": None,
        "label_column": None,
        "latency_column": None,
        "task": None,
        "thresholds": {
            "psi": {"warning": 0.1, "critical": 0.2},
            "accuracy_drop": {"warning": 0.05, "critical": 0.10},
            "latency_increase": {"warning": 0.20, "critical": 0.50},
            # f0 silenced on every effect size tiered by default (PSI, KS, normalised Wasserstein).
            "features": {
                "f0": {m: {"warning": 5.0, "critical": 9.0} for m in ("psi", "ks_statistic", "wasserstein_normalized")}
            },
        },
        "adaptive": {"enabled": True, "history": str(tmp_path / "history"), "min_history": 3},
        "pushgateway": None,
        "reports": str(tmp_path / "reports"),
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    out = tmp_path / "out"
    res = cli("run", "--config", str(path), "--out", str(out), "--run-id", "r1")
    assert res.code == 0, res.stderr
    report = res.report(out)
    assert report["model"] == "fraud" and report["cluster"] == "dev-euw1"
    assert report["summary"]["drifted_features"] == ["f1", "f2", "f3", "f4"]  # f0's own thresholds are 5.0
    assert report["features"][0]["thresholds"]["psi"]["source"] == "config"
    assert (tmp_path / "reports" / "runs" / "r1" / "drift_report.json").is_file()
    assert (tmp_path / "reports" / "latest" / "drift_report.html").is_file()
    history = json.loads((tmp_path / "history" / "fraud.drift-history.json").read_text())
    assert len(history["runs"]) == 1
    metrics = (out / "metrics.prom").read_text()
    assert 'model_drift_psi{cluster="dev-euw1",feature="f1",model="fraud",model_version="1.4.0"' in metrics


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ({"modle": "x"}, "config modle: unknown key"),
        ({"thresholds": {"psi": {"warning": 0.3, "critical": 0.2}}}, "config thresholds.psi"),
        ({"thresholds": {"features": {"f0": {"psy": {}}}}}, "config thresholds.features.f0.psy"),
        ({"adaptive": {"enabled": "yes"}}, "config adaptive.enabled"),
        ({"pushgateway": "localhost:9091"}, "config pushgateway"),
        ({"task": "ranking"}, "config task"),
    ],
)
def test_invalid_config_exits_2_naming_the_key(cli, acceptance_data, tmp_path, config, needle) -> None:
    ref, cur = acceptance_data
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config))
    res = cli(
        "run", "--config", str(path), "--reference", str(ref), "--current", str(cur), "--out", str(tmp_path / "o")
    )
    assert res.code == 2
    assert needle in res.stderr


def test_profile_command_stores_profile_next_to_reference_directory(cli, tmp_path) -> None:
    ref_dir = tmp_path / "reference"
    ref_dir.mkdir()
    for k in range(2):
        write_parquet(shifted_table(3_000, k, False, 4), ref_dir / f"part-{k}.parquet")
    res = cli("profile", "--reference", str(ref_dir))
    assert res.code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["profile"] == str(ref_dir / DIRECTORY_PROFILE_NAME) and doc["rows"] == 6_000
    with Storage() as st:
        profile = load_profile(st, doc["profile"])
    assert profile is not None and profile.profile_id == doc["profile_id"] and profile.rows == 6_000


def test_parallel_column_summaries_equal_sequential(cli, acceptance_data, tmp_path) -> None:
    ref, cur = acceptance_data
    reports = []
    for threads in ("1", "4"):
        out = tmp_path / f"t{threads}"
        res = cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(out), "--threads", threads)
        assert res.code == 0, res.stderr
        reports.append(res.report(out))
    strip = ("generated_at", "duration_seconds", "run_id", "metrics")
    a, b = ({k: v for k, v in r.items() if k not in strip} for r in reports)
    assert a == b


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["merge", "--help"], ["profile", "--help"]])
def test_help_lists_each_exit_code_with_the_faults_it_stands_for(argv, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    epilog = capsys.readouterr().out.split("exit codes:")[1]
    blocks = re.split(r"\n  (?=\d+ )", epilog)
    described = {int(b.split()[0]): " ".join(b.split()) for b in blocks if b.strip()}
    expected = {
        contract.EXIT_OK: "done",
        contract.EXIT_INTERNAL: "a bug",
        contract.EXIT_BAD_INPUT: "--out read-only",
        contract.EXIT_DEPENDENCY: "a full disk",
        EXIT_INTERRUPTED: "interrupted",
    }
    assert set(described) == set(expected)
    for code, words in expected.items():
        assert words in described[code], (code, described[code])


def test_a_large_float_run_loads_no_module_it_does_not_use(tmp_path) -> None:
    """Process cost (issue 13): with the profile stored, as the CronJobs run, a run on float columns above the
    exact-test sizes loads no scipy module, no CSV reader, no Arrow compute functions and no masked arrays; and
    Arrow allocates from jemalloc (flat peak memory in the number of row groups)."""
    ref = write_parquet(shifted_table(30_000, 1, False, 4), tmp_path / "ref.parquet")
    cur = write_parquet(shifted_table(30_000, 2, True, 4), tmp_path / "cur.parquet")
    assert main(["profile", "--reference", str(ref)]) == 0
    args = ["run", "--reference", str(ref), "--current", str(cur), "--out", str(tmp_path / "out")]
    unused = ("scipy", "pyarrow.csv", "pyarrow.compute", "numpy.ma")
    code = (
        "import sys; from drift_jobs.cli import main; import pyarrow as pa; "
        f"code = main({args!r}); print(code, [m for m in {unused!r} if m in sys.modules]); "
        "print(pa.default_memory_pool().backend_name)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-3:] == ["0", "[]", "jemalloc"], out.stdout + out.stderr
    report = json.loads((tmp_path / "out" / "drift_report.json").read_text())
    assert all(isinstance(f["ks_pvalue"], float) for f in report["features"])


def test_the_command_exits_without_teardown_yet_loses_no_output_or_log_line(tmp_path) -> None:
    """`entry` ends with os._exit: the exit code, the last log line, the error line and every output survive it."""
    ref = write_parquet(shifted_table(2_000, 1, False, 3), tmp_path / "ref.parquet")
    cur = write_parquet(shifted_table(2_000, 2, True, 3), tmp_path / "cur.parquet")
    drift_job = [sys.executable, "-m", "drift_jobs"]  # what the `drift-job` entrypoint runs
    out = tmp_path / "out"
    ok = subprocess.run(
        [*drift_job, "run", "--reference", str(ref), "--current", str(cur), "--out", str(out), "--log-format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stderr.splitlines()[-1])["msg"] == "drift run finished"
    assert {p.name for p in out.iterdir()} >= {"drift_report.json", "drift_report.html", "metrics.prom"}
    assert json.loads((out / "drift_report.json").read_text())["summary"]["drifted_features"]
    bad = subprocess.run(
        [*drift_job, "run", "--reference", str(ref), "--current", str(tmp_path / "absent.parquet"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == contract.EXIT_BAD_INPUT
    assert bad.stderr.rstrip().splitlines()[-1].startswith("drift-job: error: ")
    usage = subprocess.run(
        [*drift_job, "run", "--out", str(out), "--no-such-flag"], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2
    assert "unrecognized arguments" in usage.stderr


def test_the_command_loads_its_modules_with_the_collector_paused_then_resumes_it() -> None:
    code = (
        "import gc; from drift_jobs.__main__ import load_cli; cli = load_cli(); "
        "print(gc.isenabled(), gc.get_freeze_count() > 1000, callable(cli.entry))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"], out.stderr
