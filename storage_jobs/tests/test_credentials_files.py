"""The reconciler's keys from the files its pod mounts (AWS_ACCESS_KEY_ID_FILE, AWS_SECRET_ACCESS_KEY_FILE)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bucket_kit import apply, platform_contract, unique_stack, write_contract
from minio_admin_fake import FakeMinioAdmin
from storage_jobs.buckets import command
from storage_jobs.buckets.store import ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV, object_store_keys, s3_client
from storage_jobs.contract import BucketContract

from tests.support.s3_capture import mount_key_files, s3_capture


@pytest.fixture
def key_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    return mount_key_files(tmp_path, monkeypatch, ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV)


def test_the_files_win_over_the_environment(key_files: tuple[str, str]) -> None:
    assert object_store_keys() == key_files


def test_the_environment_serves_a_local_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ACCESS_KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(SECRET_KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVACCESSKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    assert object_store_keys() == ("ENVACCESSKEY", "env-secret")


def test_the_s3_client_signs_with_the_key_from_the_file(key_files: tuple[str, str]) -> None:
    with s3_capture() as endpoint:
        s3_client(endpoint.url).list_buckets()
    assert endpoint.access_keys() == [key_files[0]]


def test_the_minio_admin_api_gets_the_keys_from_the_files(
    key_files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Any, ...]] = []

    def admin(*args: Any, **_: Any) -> FakeMinioAdmin:
        seen.append(args)
        return FakeMinioAdmin.tenant(key_files[0])

    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "https://minio.object-store.svc:443")
    monkeypatch.setattr(command, "s3_client", lambda endpoint=None: None)
    monkeypatch.setattr(command, "apply", lambda contract, client: [])
    monkeypatch.setattr(command, "minio_admin", admin)
    minio = BucketContract.model_validate({**platform_contract(unique_stack()).model_dump(), "backend": "minio"})
    apply(write_contract(minio, tmp_path / "contract.json"), capsys)
    assert seen == [("https://minio.object-store.svc:443", *key_files)]


def test_one_file_variable_alone_exits_2_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ACCESS_KEY_FILE_ENV, str(tmp_path / "access-key-id"))
    monkeypatch.delenv(SECRET_KEY_FILE_ENV, raising=False)
    res = apply(write_contract(platform_contract(unique_stack()), tmp_path / "contract.json"), capsys)
    assert res.code == 2
    assert ACCESS_KEY_FILE_ENV in res.stderr and SECRET_KEY_FILE_ENV in res.stderr


def test_an_unreadable_key_file_exits_2_naming_it(
    key_files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_KEY_FILE_ENV, str(tmp_path / "absent"))
    res = apply(write_contract(platform_contract(unique_stack()), tmp_path / "contract.json"), capsys)
    assert res.code == 2
    assert f"{SECRET_KEY_FILE_ENV}={tmp_path / 'absent'}: cannot read the key" in res.stderr


def test_without_the_files_the_client_signs_with_boto3s_own_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ACCESS_KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(SECRET_KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVACCESSKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    with s3_capture() as endpoint:
        s3_client(endpoint.url).list_buckets()
    assert endpoint.access_keys() == ["ENVACCESSKEY"]
