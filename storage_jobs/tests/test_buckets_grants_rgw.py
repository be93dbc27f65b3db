"""Grants become bucket policies that RGW enforces: each user reaches its prefixes and nothing else, over TLS."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from bucket_kit import apply, platform_contract, unique_stack, write_contract

from tests.support.ceph import CephCluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def allowed(call: Callable[[], Any]) -> bool:
    try:
        call()
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "AccessDenied", exc
        return False
    return True


def can_get(client: Any, bucket: str, key: str) -> bool:
    return allowed(lambda: client.get_object(Bucket=bucket, Key=key))


@pytest.fixture
def granted(rgw_env: CephCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    stack = unique_stack()
    reader, writer = rgw_env.create_user(f"{stack}-reader"), rgw_env.create_user(f"{stack}-writer")
    contract = platform_contract(stack, reader=reader.uid, writer=writer.uid)
    res = apply(write_contract(contract, tmp_path / "contract.json"), capsys)
    assert res.code == 0, res.stderr
    bucket = contract.buckets[1].name
    owner = rgw_env.client()
    for key in ("fraud/runs/1/drift_report.json", "churn/runs/1/drift_report.json", "other/x.json"):
        owner.put_object(Bucket=bucket, Key=key, Body=b"{}")
    return {"bucket": bucket, "reader": reader, "writer": writer}


def test_a_reader_reads_and_lists_its_prefix_only(rgw_env: CephCluster, granted: dict[str, Any]) -> None:
    bucket, reader = granted["bucket"], rgw_env.client(granted["reader"])
    assert allowed(lambda: reader.get_object(Bucket=bucket, Key="fraud/runs/1/drift_report.json"))
    assert allowed(lambda: reader.list_objects_v2(Bucket=bucket, Prefix="fraud/"))
    assert not allowed(lambda: reader.get_object(Bucket=bucket, Key="churn/runs/1/drift_report.json"))
    assert not allowed(lambda: reader.list_objects_v2(Bucket=bucket, Prefix="churn/"))
    assert not allowed(lambda: reader.list_objects_v2(Bucket=bucket))
    assert not allowed(lambda: reader.put_object(Bucket=bucket, Key="fraud/runs/2/x.json", Body=b"{}"))
    assert not allowed(lambda: reader.delete_object(Bucket=bucket, Key="fraud/runs/1/drift_report.json"))
    assert not allowed(lambda: reader.put_bucket_policy(Bucket=bucket, Policy="{}"))


def test_a_writer_writes_its_prefixes_only(rgw_env: CephCluster, granted: dict[str, Any]) -> None:
    bucket, writer = granted["bucket"], rgw_env.client(granted["writer"])
    assert allowed(lambda: writer.put_object(Bucket=bucket, Key="churn/runs/2/drift_report.json", Body=b"{}"))
    assert not allowed(lambda: writer.put_object(Bucket=bucket, Key="other/y.json", Body=b"{}"))
    assert not allowed(lambda: writer.get_object(Bucket=bucket, Key="other/x.json"))
    assert not allowed(lambda: writer.delete_object(Bucket=bucket, Key="fraud/runs/1/drift_report.json"))


def test_plain_http_is_denied_to_everyone_and_tls_is_not(rgw_env: CephCluster, granted: dict[str, Any]) -> None:
    """RGW never sets aws:SecureTransport to "false": the deny on its absence is what stops plain HTTP."""
    bucket, key = granted["bucket"], "fraud/runs/1/drift_report.json"
    for user in (granted["reader"], None):  # a granted user and the bucket owner
        assert can_get(rgw_env.client(user), bucket, key)
        assert not can_get(rgw_env.client(user, plain=True), bucket, key)
