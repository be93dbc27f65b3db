"""MinIO users end with their own grants and nothing else: the admin calls, against a FAKE admin API.

No MinIO server runs here (DESIGN §6): `FakeMinioAdmin` answers like minio-py's MinioAdmin. These tests show
which policies are added, attached and detached, that a second run changes nothing, what is reported as
drift and the exit codes; test_minio_identity_rgw.py shows on Ceph RGW what the generated policy allows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bucket_kit import apply, platform_contract, unique_stack, write_contract
from minio_admin_fake import FakeMinioAdmin
from storage_jobs.buckets import command, desired
from storage_jobs.buckets.minio_users import (
    AdminCredentialsRefusedError,
    canonical,
    policy_name,
    reconcile_users,
)
from storage_jobs.contract import BucketContract

RUNNER = "bucket-admin"
READER, WRITER, IDLE = "drift-fraud", "team-fraud", "team-idle"  # IDLE: a Tenant user without any grant


def contract() -> BucketContract:
    return platform_contract(unique_stack(), reader=READER, writer=WRITER).model_copy(update={"backend": "minio"})


def test_the_identity_policy_is_the_bucket_policy_without_principals() -> None:
    """Both backends grant the same: the MinIO document is the Ceph statements, Principal and Sid aside."""
    buckets = contract().buckets
    for user in (READER, WRITER):
        identity = desired.identity_policy(buckets, user)
        assert identity is not None
        from_bucket_policies = [
            {k: v for k, v in s.items() if k not in ("Principal", "Sid")}
            for spec in buckets
            for s in (desired.bucket_policy(spec, deny_plain_http=False) or {"Statement": []})["Statement"]
            if s["Principal"] == {"AWS": [desired.user_principal(user)]}
        ]
        assert [{k: v for k, v in s.items() if k != "Sid"} for s in identity["Statement"]] == from_bucket_policies
        assert not any("Principal" in s for s in identity["Statement"])
        sids = [s["Sid"] for s in identity["Statement"]]
        assert len(set(sids)) == len(sids)
    assert desired.identity_policy(buckets, IDLE) is None


def test_first_run_adds_attaches_and_detaches_console_admin_from_workload_users() -> None:
    admin, buckets = FakeMinioAdmin.tenant(RUNNER, READER, WRITER, IDLE), contract().buckets
    results = reconcile_users(admin, buckets, runner=RUNNER)
    assert all(r.in_sync for r in results), [r.error for r in results]
    assert admin.users == {
        RUNNER: ["consoleAdmin"],  # owns the buckets and calls the admin API
        READER: [policy_name(READER)],
        WRITER: [policy_name(WRITER)],
        IDLE: [],
    }
    assert admin.policies[policy_name(READER)]["Statement"][0]["Action"] == ["s3:ListBucket", "s3:ListBucketVersions"]
    assert ("detach", READER, "consoleAdmin") in admin.changes and ("detach", IDLE, "consoleAdmin") in admin.changes
    assert not any(RUNNER in change for change in admin.changes)
    by_user = {r.name: [d.setting for d in r.drift] for r in results}
    assert by_user == {READER: ["policyDocument", "attachedPolicies"], WRITER: ["policyDocument", "attachedPolicies"],
                       IDLE: ["attachedPolicies"]}  # fmt: skip


def test_a_second_run_changes_nothing_and_reports_no_drift() -> None:
    admin, buckets = FakeMinioAdmin.tenant(RUNNER, READER, WRITER, IDLE), contract().buckets
    reconcile_users(admin, buckets, runner=RUNNER)
    admin.changes.clear()
    results = reconcile_users(admin, buckets, runner=RUNNER)
    assert admin.changes == []
    assert all(r.in_sync and not r.drift for r in results)


def test_console_admin_attached_again_is_drift_and_detached_again() -> None:
    admin, buckets = FakeMinioAdmin.tenant(RUNNER, READER, WRITER), contract().buckets
    reconcile_users(admin, buckets, runner=RUNNER)
    admin.users[READER].append("consoleAdmin")  # someone ran `mc admin policy attach ... consoleAdmin`
    admin.changes.clear()
    (reader,) = [r for r in reconcile_users(admin, buckets, runner=RUNNER) if r.name == READER]
    assert [(d.setting, d.found) for d in reader.drift] == [
        ("attachedPolicies", sorted(["consoleAdmin", policy_name(READER)]))
    ]
    assert admin.changes == [("detach", READER, "consoleAdmin")]
    assert admin.users[READER] == [policy_name(READER)]


def test_an_edited_policy_document_is_drift_and_written_again() -> None:
    admin, buckets = FakeMinioAdmin.tenant(RUNNER, READER, WRITER), contract().buckets
    reconcile_users(admin, buckets, runner=RUNNER)
    admin.policies[policy_name(READER)]["Statement"][0]["Resource"] = ["arn:aws:s3:::*"]
    admin.changes.clear()
    results = {r.name: r for r in reconcile_users(admin, buckets, runner=RUNNER)}
    assert [d.setting for d in results[READER].drift] == ["policyDocument"] and not results[WRITER].drift
    assert admin.changes == [("policy_add", policy_name(READER))]
    assert canonical(admin.policies[policy_name(READER)]) == canonical(desired.identity_policy(buckets, READER))


def test_a_granted_user_missing_from_the_store_is_an_error_naming_it() -> None:
    admin = FakeMinioAdmin.tenant(RUNNER, READER)  # the operator has not created WRITER yet
    results = {r.name: r for r in reconcile_users(admin, contract().buckets, runner=RUNNER)}
    assert results[READER].in_sync
    assert results[WRITER].error is not None and WRITER in results[WRITER].error
    assert "not on the store" in results[WRITER].error


def test_a_refused_detach_is_an_error_and_the_other_users_are_still_reconciled() -> None:
    admin = FakeMinioAdmin.tenant(RUNNER, READER, WRITER)
    admin.refuse = {"detach_policy"}
    results = {r.name: r for r in reconcile_users(admin, contract().buckets, runner=RUNNER)}
    assert all(r.error and "refused" in r.error for r in results.values())
    # Detach comes first: a refused detach leaves the user without its new policy rather than with both.
    assert admin.users[READER] == ["consoleAdmin"] and ("policy_add", policy_name(WRITER)) in admin.changes


def test_refused_keys_stop_the_run() -> None:
    admin = FakeMinioAdmin.tenant(RUNNER, READER)
    admin.refuse_keys = True
    with pytest.raises(AdminCredentialsRefusedError):
        reconcile_users(admin, contract().buckets, runner=RUNNER)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reconciler's environment on MinIO; the bucket half is stubbed out (tested on RGW elsewhere)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "https://minio.object-store.svc:443")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", RUNNER)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setattr(command, "s3_client", lambda endpoint=None: None)
    monkeypatch.setattr(command, "apply", lambda contract, client: [])


def run_cli(
    admin: FakeMinioAdmin, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setattr(command, "minio_admin", lambda *args, **kwargs: admin)
    return apply(write_contract(contract(), tmp_path / "contract.json"), capsys)


@pytest.mark.usefixtures("cli_env")
def test_the_cli_exits_0_with_the_users_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    res = run_cli(FakeMinioAdmin.tenant(RUNNER, READER, WRITER), tmp_path, capsys, monkeypatch)
    assert res.code == 0, res.stderr
    users = {u["name"]: u for u in res.summary["users"]}
    assert set(users) == {READER, WRITER} and users[READER]["policy"] == policy_name(READER)
    assert users[READER]["drift"][-1] == {
        "setting": "attachedPolicies", "found": ["consoleAdmin"], "wanted": [policy_name(READER)]
    }  # fmt: skip


@pytest.mark.usefixtures("cli_env")
def test_the_cli_exits_4_when_the_store_refuses_a_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = FakeMinioAdmin.tenant(RUNNER, READER, WRITER)
    admin.refuse = {"policy_add"}
    res = run_cli(admin, tmp_path, capsys, monkeypatch)
    assert res.code == 4 and not res.summary["inSync"]
    assert f"user {READER}: the store refused" in res.stderr


@pytest.mark.usefixtures("cli_env")
def test_the_cli_exits_3_when_the_admin_api_refuses_the_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = FakeMinioAdmin.tenant(RUNNER, READER)
    admin.refuse_keys = True
    res = run_cli(admin, tmp_path, capsys, monkeypatch)
    assert res.code == 3 and "refused the credentials" in res.stderr


@pytest.mark.usefixtures("cli_env")
def test_the_cli_exits_2_on_a_plain_http_endpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://minio.object-store.svc:80")
    res = apply(write_contract(contract(), tmp_path / "contract.json"), capsys)
    assert res.code == 2 and "only called over HTTPS" in res.stderr
