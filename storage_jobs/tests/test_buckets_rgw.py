"""The bucket reconciler against a real Ceph RGW: the contract applied, read back, idempotent, drift fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from bucket_kit import apply, platform_contract, unique_stack, write_contract
from storage_jobs.buckets.desired import wanted_lifecycle
from storage_jobs.buckets.store import read_state

from tests.support.ceph import CephCluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_apply_creates_every_bucket_as_the_contract_says(
    rgw_env: CephCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract = platform_contract(unique_stack(), reader="drift-fraud")
    res = apply(write_contract(contract, tmp_path / "contract.json"), capsys)
    assert res.code == 0, res.stderr
    assert res.summary["inSync"] is True
    client = rgw_env.client()
    for spec in contract.buckets:
        assert res.bucket(spec.name)["created"] is True
        state = read_state(client, spec.name)
        assert state.versioning == "Enabled"
        # The lifecycle rules come back as set: tiers to the cold class, expiry, noncurrent expiry, multipart.
        assert list(state.lifecycle) == wanted_lifecycle(spec)
    logs, reports, backups = contract.buckets
    rules = client.get_bucket_lifecycle_configuration(Bucket=logs.name)["Rules"]
    tiers = next(r for r in rules if r["ID"] == "tiers")
    assert tiers["Transitions"] == [{"Days": 30, "StorageClass": "COLD"}]
    assert tiers["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}
    assert tiers["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    lock = client.get_object_lock_configuration(Bucket=backups.name)["ObjectLockConfiguration"]
    assert lock["Rule"]["DefaultRetention"] == {"Mode": "COMPLIANCE", "Days": 1}
    assert read_state(client, reports.name).policy is not None


def test_second_apply_changes_nothing_and_a_hand_edit_is_undone(
    rgw_env: CephCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract = platform_contract(unique_stack())
    path = write_contract(contract, tmp_path / "contract.json")
    assert apply(path, capsys).code == 0
    again = apply(path, capsys)
    assert again.code == 0, again.stderr
    assert [(b["created"], b["drift"]) for b in again.summary["buckets"]] == [(False, [])] * 3
    logs = contract.buckets[0].name
    client = rgw_env.client()
    client.put_bucket_versioning(Bucket=logs, VersioningConfiguration={"Status": "Suspended"})
    client.delete_bucket_lifecycle(Bucket=logs)
    fixed = apply(path, capsys)
    assert fixed.code == 0, fixed.stderr
    assert [d["setting"] for d in fixed.bucket(logs)["drift"]] == ["versioning", "lifecycle"]
    assert fixed.bucket(logs)["drift"][0]["found"] == "Suspended"
    assert client.get_bucket_versioning(Bucket=logs)["Status"] == "Enabled"
    assert list(read_state(client, logs).lifecycle) == wanted_lifecycle(contract.buckets[0])


def test_a_bucket_that_exists_without_object_lock_is_an_error_naming_it(
    rgw_env: CephCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract = platform_contract(unique_stack())
    backups = contract.buckets[2].name
    rgw_env.client().create_bucket(Bucket=backups)  # created by hand, without lock
    res = apply(write_contract(contract, tmp_path / "contract.json"), capsys)
    assert res.code == 4
    assert res.bucket(backups)["inSync"] is False
    assert f"bucket {backups} exists without object lock" in res.stderr
    # The other buckets were still reconciled.
    assert [b["inSync"] for b in res.summary["buckets"]] == [True, True, False]


def test_a_locked_version_cannot_be_deleted_before_its_retention_ends(
    rgw_env: CephCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract = platform_contract(unique_stack())
    assert apply(write_contract(contract, tmp_path / "contract.json"), capsys).code == 0
    backups = contract.buckets[2].name
    client = rgw_env.client()
    version = client.put_object(Bucket=backups, Key="velero/backup-1.tar.gz", Body=b"backup")["VersionId"]
    head = client.head_object(Bucket=backups, Key="velero/backup-1.tar.gz", VersionId=version)
    assert head["ObjectLockMode"] == "COMPLIANCE"  # the default retention applied without asking
    with pytest.raises(ClientError) as denied:
        client.delete_object(Bucket=backups, Key="velero/backup-1.tar.gz", VersionId=version)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_multipart_upload_completes(rgw_env: CephCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contract = platform_contract(unique_stack())
    assert apply(write_contract(contract, tmp_path / "contract.json"), capsys).code == 0
    bucket, key, part = contract.buckets[0].name, "fraud/v3/2026/12/02/big.parquet", b"x" * (5 << 20)
    client = rgw_env.client()
    upload = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = [
        {
            "PartNumber": n,
            "ETag": client.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n, Body=part)["ETag"],
        }
        for n in (1, 2)
    ]
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})
    assert client.head_object(Bucket=bucket, Key=key)["ContentLength"] == 2 * len(part)


def test_listing_by_the_naming_convention(
    rgw_env: CephCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Inference logs are keyed <model>/<version>/<yyyy>/<mm>/<dd>/: a day, a month, a version list by prefix."""
    contract = platform_contract(unique_stack())
    assert apply(write_contract(contract, tmp_path / "contract.json"), capsys).code == 0
    bucket, client = contract.buckets[0].name, rgw_env.client()
    keys = [
        f"{model}/{version}/2026/{month}/{day}/part-0.parquet"
        for model in ("fraud", "churn")
        for version in ("v2", "v3")
        for month, day in (("11", "30"), ("12", "01"), ("12", "02"))
    ]
    for key in keys:
        client.put_object(Bucket=bucket, Key=key, Body=b"row")
    days = client.list_objects_v2(Bucket=bucket, Prefix="fraud/v3/2026/12/", Delimiter="/")
    assert [p["Prefix"] for p in days["CommonPrefixes"]] == ["fraud/v3/2026/12/01/", "fraud/v3/2026/12/02/"]
    versions = client.list_objects_v2(Bucket=bucket, Prefix="fraud/", Delimiter="/")
    assert [p["Prefix"] for p in versions["CommonPrefixes"]] == ["fraud/v2/", "fraud/v3/"]
    one_day = client.list_objects_v2(Bucket=bucket, Prefix="churn/v2/2026/11/30/")
    assert [o["Key"] for o in one_day["Contents"]] == ["churn/v2/2026/11/30/part-0.parquet"]


def test_refused_credentials_exit_3(
    rgw_env: CephCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    res = apply(write_contract(platform_contract(unique_stack()), tmp_path / "contract.json"), capsys)
    assert res.code == 3 and "refused the credentials (SignatureDoesNotMatch)" in res.stderr
