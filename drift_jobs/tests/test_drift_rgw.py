"""The drift job's s3:// path end to end on a real Ceph RGW (HTTPS, CA bundle, path-style, the AWS environment).

`drift-job profile` and `drift-job run` read reference and window from buckets named by the platform's
convention and write the profile, reports, shard summaries and history back; a merge of three shards agrees
with the single run. No moto: RGW has every behaviour these tests need (the moto-based S3 tests were replaced).
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from drift_jobs.contract import DIRECTORY_PROFILE_NAME
from drift_jobs.read.storage import Storage
from drift_testkit import SHIFTED, CliResult, shifted_table, write_parquet
from test_drift_storage import RUNS, concurrent_updates, run_four_at_once

from infra.components.storage.contract import bucket_name
from tests.support.ceph import CephCluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def rgw(ceph_rgw: CephCluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A drift job's environment on RGW, and the datasets, inference-logs and drift-reports buckets."""
    for key, value in ceph_rgw.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    stack = "d" + uuid.uuid4().hex[:6]
    names = {
        p: bucket_name("ai-platform", stack, "us-east-1", p) for p in ("datasets", "inference-logs", "drift-reports")
    }
    client = ceph_rgw.client()
    for name in names.values():
        client.create_bucket(Bucket=name)
    yield {"client": client, **names}


def test_profile_run_shards_and_merge_on_rgw(
    cli: Callable[..., CliResult], rgw: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3, datasets, logs, reports = rgw["client"], rgw["datasets"], rgw["inference-logs"], rgw["drift-reports"]
    scratch = tmp_path / "scratch"  # the process's temp directory: S3 objects are read in place, never copied
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    write_parquet(shifted_table(12_000, 1, False), tmp_path / "ref.parquet", 4_000)
    write_parquet(shifted_table(9_000, 2, True), tmp_path / "cur.parquet", 1_500)
    s3.upload_file(str(tmp_path / "ref.parquet"), datasets, "fraud/v3/reference/part-0.parquet")
    s3.upload_file(str(tmp_path / "cur.parquet"), logs, "fraud/v3/2026/12/02/part-0.parquet")
    config = {
        "model": "fraud",
        "stack": "dev",
        "reference": f"s3://{datasets}/fraud/v3/reference/",
        "current": f"s3://{logs}/fraud/v3/2026/12/02/",
        "reports": f"s3://{reports}/fraud",
        "adaptive": {"enabled": True, "min_history": 2},
    }
    s3.put_object(Bucket=reports, Key="config/fraud.json", Body=json.dumps(config).encode())
    cfg = f"s3://{reports}/config/fraud.json"

    res = cli("profile", "--config", cfg)
    assert res.code == 0, res.stderr
    assert json.loads(res.stdout)["rows"] == 12_000
    out = tmp_path / "out"
    res = cli("run", "--config", cfg, "--out", str(out), "--run-id", "single")
    assert res.code == 0, res.stderr
    assert res.report(out)["summary"]["drifted_features"] == list(SHIFTED)

    def keys(bucket: str) -> set[str]:
        return {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}

    assert f"fraud/v3/reference/{DIRECTORY_PROFILE_NAME}" in keys(datasets)
    # The profile's source fingerprint rests on each object's size and ETag (one HEAD through pyarrow).
    head = s3.head_object(Bucket=datasets, Key="fraud/v3/reference/part-0.parquet")
    with Storage() as storage:
        stat = storage.stat(f"s3://{datasets}/fraud/v3/reference/part-0.parquet")
    assert stat == {"size": head["ContentLength"], "etag": head["ETag"]}
    assert {
        "fraud/runs/single/drift_report.json",
        "fraud/latest/drift_report.html",
        "fraud/history/fraud.drift-history.json",
    } <= keys(reports)

    for i in range(3):
        res = cli(
            "run", "--config", cfg, "--out", str(tmp_path / f"pod{i}"), "--run-id", "sharded", "--shard", f"{i}/3"
        )
        assert res.code == 0, res.stderr
    shards = sorted(k for k in keys(reports) if k.startswith("fraud/runs/sharded/shards/"))
    assert len(shards) == 3
    merged = tmp_path / "merged"
    res = cli(
        "merge", "--config", cfg, "--inputs", f"s3://{reports}/fraud/runs/sharded/shards/",
        "--out", str(merged), "--run-id", "sharded",
    )  # fmt: skip
    assert res.code == 0, res.stderr
    single, sharded = json.loads((out / "drift_report.json").read_text()), res.report(merged)
    assert [f["psi"] for f in single["features"]] == [f["psi"] for f in sharded["features"]]
    assert list(scratch.iterdir()) == []
    history = json.loads(s3.get_object(Bucket=reports, Key="fraud/history/fraud.drift-history.json")["Body"].read())
    assert [r["rows"] for r in history["runs"]] == [9_000, 9_000]  # the single run, then the merged one


def test_csv_gz_and_npy_windows_are_streamed_from_rgw(
    cli: Callable[..., CliResult], rgw: dict[str, Any], tmp_path: Path
) -> None:
    """CSV (gzip undone while streaming) and NPY windows read from the object store in place."""
    import gzip  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415
    import pyarrow.csv as pacsv  # noqa: PLC0415

    s3, logs = rgw["client"], rgw["inference-logs"]
    cur = shifted_table(3_000, 2, True, 6)
    pacsv.write_csv(cur, tmp_path / "cur.csv")
    s3.put_object(Bucket=logs, Key="fraud/csv/part-0.csv.gz", Body=gzip.compress((tmp_path / "cur.csv").read_bytes()))
    matrix = np.column_stack([cur.column(n).to_numpy() for n in cur.column_names])
    np.save(tmp_path / "cur.npy", matrix)
    s3.upload_file(str(tmp_path / "cur.npy"), logs, "fraud/npy/part-0.npy")
    for kind, names in (("csv", cur.column_names), ("npy", [f"col_{j}" for j in range(6)])):
        ref_table = shifted_table(4_000, 1, False, 6).rename_columns(names)
        ref = write_parquet(ref_table, tmp_path / f"ref-{kind}.parquet")
        out = tmp_path / kind
        res = cli("run", "--reference", str(ref), "--current", f"s3://{logs}/fraud/{kind}/", "--out", str(out))
        assert res.code == 0, res.stderr
        report = res.report(out)
        assert report["window"]["rows"] == 3_000
        assert set(report["summary"]["drifted_features"]) == set(names[:5])


def test_a_missing_object_on_rgw_is_bad_input(
    cli: Callable[..., CliResult], rgw: dict[str, Any], tmp_path: Path
) -> None:
    write_parquet(shifted_table(2_000, 1, False, 2), tmp_path / "ref.parquet")
    missing = f"s3://{rgw['inference-logs']}/fraud/v3/2026/12/01/part-0.parquet"
    res = cli("run", "--reference", str(tmp_path / "ref.parquet"), "--current", missing, "--out", str(tmp_path / "o"))
    assert res.code == 2 and missing in res.stderr


def test_the_drift_job_runs_on_its_least_privilege_grants(
    cli: Callable[..., CliResult], ceph_rgw: CephCluster, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What a drift-<model> user needs: list+read of its model's prefix in datasets and inference logs, list+read+
    write of it in drift reports (the profile stored there too). The bucket reconciler sets exactly that."""
    from storage_jobs.buckets.command import apply  # noqa: PLC0415
    from storage_jobs.buckets.store import s3_client  # noqa: PLC0415
    from storage_jobs.contract import BucketContract, BucketSpec, Grant  # noqa: PLC0415

    stack = "d" + uuid.uuid4().hex[:6]
    drift_user = ceph_rgw.create_user(f"{stack}-drift-fraud")
    names = {
        p: bucket_name("ai-platform", stack, "us-east-1", p) for p in ("datasets", "inference-logs", "drift-reports")
    }
    read = Grant(user=drift_user.uid, access=["list", "read"], prefixes=["fraud/"])
    write = Grant(user=drift_user.uid, access=["list", "read", "write"], prefixes=["fraud/"])
    contract = BucketContract(
        backend="ceph",
        buckets=[
            BucketSpec(name=names["datasets"], purpose="datasets", grants=[read]),
            BucketSpec(name=names["inference-logs"], purpose="inference-logs", grants=[read]),
            BucketSpec(name=names["drift-reports"], purpose="drift-reports", grants=[write]),
        ],
    )
    for key, value in ceph_rgw.env().items():  # the reconciler runs as the owner
        monkeypatch.setenv(key, value)
    assert all(r.in_sync for r in apply(contract, s3_client()))
    owner = ceph_rgw.client()
    write_parquet(shifted_table(6_000, 1, False), tmp_path / "ref.parquet", 2_000)
    write_parquet(shifted_table(6_000, 2, True), tmp_path / "cur.parquet", 2_000)
    owner.upload_file(str(tmp_path / "ref.parquet"), names["datasets"], "fraud/v3/reference/part-0.parquet")
    owner.upload_file(str(tmp_path / "cur.parquet"), names["inference-logs"], "fraud/v3/2026/12/02/part-0.parquet")

    for key, value in ceph_rgw.env(drift_user).items():  # the drift job runs as its own user
        monkeypatch.setenv(key, value)
    reports = f"s3://{names['drift-reports']}/fraud"
    common = ["--model", "fraud", "--reference", f"s3://{names['datasets']}/fraud/v3/reference/"]
    common += ["--profile", f"{reports}/profile/{DIRECTORY_PROFILE_NAME}"]
    res = cli("profile", *common)
    assert res.code == 0, res.stderr
    out = tmp_path / "out"
    current = f"s3://{names['inference-logs']}/fraud/v3/2026/12/02/"
    res = cli("run", *common, "--current", current, "--reports", reports, "--out", str(out), "--no-push")
    assert res.code == 0, res.stderr
    assert res.report(out)["summary"]["drifted_features"] == list(SHIFTED)
    # The same user is refused another model's data.
    res = cli("run", *common, "--current", f"s3://{names['inference-logs']}/churn/", "--out", str(tmp_path / "o"))
    assert res.code == 3 and "churn" in res.stderr and "AccessDenied" in res.stderr


def test_concurrent_history_writers_on_rgw_lose_nothing(rgw: dict[str, Any]) -> None:
    """Conditional PUTs (If-None-Match: * first, then If-Match the ETag read; RGW Pacific honours both, If-Match
    only with the bare ETag) make four processes' read-modify-writes of one object lose no update."""
    uri = f"s3://{rgw['drift-reports']}/fraud/history/fraud.drift-history.json"
    expected = concurrent_updates(uri, 120)
    body = rgw["client"].get_object(Bucket=rgw["drift-reports"], Key="fraud/history/fraud.drift-history.json")
    assert sorted(body["Body"].read().decode().splitlines()) == expected


def test_four_concurrent_runs_sharing_a_history_on_rgw_keep_every_entry(
    cli: Callable[..., CliResult], rgw: dict[str, Any], tmp_path: Path
) -> None:
    run_four_at_once(cli, tmp_path, f"s3://{rgw['drift-reports']}/fraud/history", "--model", "fraud")
    body = rgw["client"].get_object(Bucket=rgw["drift-reports"], Key="fraud/history/fraud.drift-history.json")
    assert len(json.loads(body["Body"].read())["runs"]) == RUNS
