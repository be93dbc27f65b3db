"""The bucket reconciler's command line without a store: contract checks, exit codes, unreachable store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bucket_kit import apply, platform_contract, unique_stack, write_contract
from storage_jobs.cli import main

from tests.support.pushgateway import free_port


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["buckets", "apply", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for line in ("0  the store matches", "2  bad contract", "3  object store unreachable", "4  the store refused"):
        assert line in text
    assert "AWS_ENDPOINT_URL_S3" in text and "AWS_CA_BUNDLE" in text


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not a valid bucket contract"),
        ('{"version": 1, "backend": "ceph", "buckets": [{"name": "b1", "purpose": "x"}]}', "name"),
        ('{"version": 2, "backend": "ceph", "buckets": []}', "version"),
    ],
)
def test_a_bad_contract_exits_2(
    document: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "contract.json"
    path.write_text(document)
    res = apply(path, capsys)
    assert res.code == 2 and message in res.stderr


def test_a_missing_contract_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res = apply(tmp_path / "absent.json", capsys)
    assert res.code == 2 and "cannot read the contract" in res.stderr


def test_a_bucket_listed_twice_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contract = platform_contract(unique_stack()).model_dump(mode="json")
    contract["buckets"].append(contract["buckets"][0])
    path = tmp_path / "contract.json"
    path.write_text(json.dumps(contract))
    res = apply(path, capsys)
    assert res.code == 2 and "listed twice" in res.stderr


def test_an_unreachable_store_exits_3_after_botocore_retries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "y",
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{free_port()}",  # nothing listens there
    }.items():
        monkeypatch.setenv(key, value)
    res = apply(write_contract(platform_contract(unique_stack()), tmp_path / "contract.json"), capsys)
    assert res.code == 3
    assert "unreachable" in res.stderr and "127.0.0.1" in res.stderr


def test_the_dispatcher_lists_installed_subcommands_and_skips_absent_ones(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage_jobs import cli  # noqa: PLC0415

    monkeypatch.setattr(cli, "SUBCOMMANDS", ("storage_jobs.buckets.command", "storage_jobs.not_there.command"))
    assert [m.NAME for m in cli.subcommands()] == ["buckets"]
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "buckets" in capsys.readouterr().out
