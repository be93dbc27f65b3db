"""The drift job's keys from the files its pod mounts (AWS_ACCESS_KEY_ID_FILE, AWS_SECRET_ACCESS_KEY_FILE)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from drift_jobs.errors import BadInputError
from drift_jobs.read.s3 import arrow_filesystem
from drift_jobs.read.storage import ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV, _s3_client, file_credentials
from drift_jobs.retry import RetryPolicy
from drift_testkit import write_parquet

from tests.support.s3_capture import mount_key_files, s3_capture


@pytest.fixture
def key_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    mount_key_files(tmp_path, monkeypatch, ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV)
    return tmp_path


def test_the_client_signs_with_the_key_from_the_file(key_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with s3_capture() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint.url)
        _s3_client().list_buckets()
    assert endpoint.access_keys() == ["FILEACCESSKEY"]


def test_the_arrow_filesystem_signs_with_the_key_from_the_file(
    key_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyarrow import fs as pafs  # noqa: PLC0415

    with s3_capture() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint.url)
        arrow_filesystem(RetryPolicy(total_seconds=5)).get_file_info(pafs.FileSelector(""))  # ListBuckets
    assert endpoint.access_keys() == ["FILEACCESSKEY"]


def test_without_the_variables_boto3s_own_chain_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ACCESS_KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(SECRET_KEY_FILE_ENV, raising=False)
    assert file_credentials() == {}


def test_one_variable_alone_is_bad_input_naming_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ACCESS_KEY_FILE_ENV, str(tmp_path / "access-key-id"))
    monkeypatch.delenv(SECRET_KEY_FILE_ENV, raising=False)
    with pytest.raises(BadInputError, match=f"{ACCESS_KEY_FILE_ENV} and {SECRET_KEY_FILE_ENV}"):
        file_credentials()


def test_an_unreadable_key_file_is_bad_input_naming_it(key_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_KEY_FILE_ENV, str(key_files / "absent"))
    with pytest.raises(BadInputError, match=f"{SECRET_KEY_FILE_ENV}=.*absent: cannot read the key"):
        file_credentials()


def test_a_run_with_an_unreadable_key_file_exits_2(cli, key_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_KEY_FILE_ENV, str(key_files / "absent"))
    ref = write_parquet(pa.table({"x": [float(i) for i in range(200)]}), key_files / "ref.parquet")
    res = cli("run", "--reference", str(ref), "--current", "s3://bucket/window/", "--out", str(key_files / "out"))
    assert res.code == 2, res.stderr
    assert SECRET_KEY_FILE_ENV in res.stderr and "Traceback" not in res.stderr
