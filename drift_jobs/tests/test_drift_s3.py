"""s3:// inputs and outputs against moto's S3 server on a loopback port."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from drift_testkit import SHIFTED, free_port, shifted_table, write_parquet

pytest.importorskip("moto.server")
from moto.server import ThreadedMotoServer


@pytest.fixture
def s3(monkeypatch) -> Iterator[object]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for key, value in {
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="mlops")
    try:
        yield client
    finally:
        server.stop()


def test_run_shards_and_merge_on_s3(cli, s3, tmp_path) -> None:
    write_parquet(shifted_table(12_000, 1, False), tmp_path / "ref.parquet", 4_000)
    write_parquet(shifted_table(9_000, 2, True), tmp_path / "cur.parquet", 1_500)
    s3.upload_file(str(tmp_path / "ref.parquet"), "mlops", "fraud/reference/part-0.parquet")
    s3.upload_file(str(tmp_path / "cur.parquet"), "mlops", "fraud/inference/2024-06-01/part-0.parquet")
    config = {
        "model": "fraud",
        "stack": "dev",
        "reference": "s3://mlops/fraud/reference/",
        "current": "s3://mlops/fraud/inference/2024-06-01/",
        "reports": "s3://mlops/drift/fraud",
        "adaptive": {"enabled": True, "min_history": 2},
    }
    s3.put_object(Bucket="mlops", Key="config/fraud.json", Body=json.dumps(config).encode())
    out = tmp_path / "out"
    res = cli("run", "--config", "s3://mlops/config/fraud.json", "--out", str(out), "--run-id", "single")
    assert res.code == 0, res.stderr
    assert res.report(out)["summary"]["drifted_features"] == list(SHIFTED)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="mlops")["Contents"]}
    assert "fraud/reference/_drift_profile.json" in keys
    assert {"drift/fraud/runs/single/drift_report.json", "drift/fraud/latest/drift_report.html"} <= keys
    assert "drift/fraud/history/fraud.drift-history.json" in keys
    # The same window as an Indexed Job of three pods plus a merge step.
    for i in range(3):
        res = cli(
            "run",
            "--config",
            "s3://mlops/config/fraud.json",
            "--out",
            str(tmp_path / f"pod{i}"),
            "--run-id",
            "sharded",
            "--shard",
            f"{i}/3",
        )
        assert res.code == 0, res.stderr
    merged = tmp_path / "merged"
    res = cli(
        "merge",
        "--config",
        "s3://mlops/config/fraud.json",
        "--inputs",
        "s3://mlops/drift/fraud/runs/sharded/shards/",
        "--out",
        str(merged),
        "--run-id",
        "sharded",
    )
    assert res.code == 0, res.stderr
    a, b = json.loads((out / "drift_report.json").read_text()), res.report(merged)
    assert [f["psi"] for f in a["features"]] == [f["psi"] for f in b["features"]]
    assert b["adaptive"]["runs_available"] == 1  # the single run came first


def test_missing_object_is_bad_input(cli, s3, tmp_path) -> None:
    write_parquet(shifted_table(2_000, 1, False, 2), tmp_path / "ref.parquet")
    res = cli(
        "run",
        "--reference",
        str(tmp_path / "ref.parquet"),
        "--current",
        "s3://mlops/nope/x.parquet",
        "--out",
        str(tmp_path / "o"),
    )
    assert res.code == 2 and "s3://mlops/nope/x.parquet" in res.stderr
