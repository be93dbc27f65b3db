"""The restore verification against a fake API: which backup, what is restored, what counts as a failure."""

from __future__ import annotations

import argparse
import copy
import json
from typing import Any

import pytest
from storage_jobs.restore_check import command, contract
from storage_jobs.restore_check.canary import ensure_canary
from storage_jobs.restore_check.kube import LISTERS
from storage_jobs.restore_check.verify import (
    DependencyError,
    NoBackupError,
    Settings,
    VerificationError,
    Verifier,
    expected_counts,
    latest_completed_backup,
    sha256_hex,
)

from storage_jobs import cli

CANARY, SCRATCH = contract.CANARY_NAMESPACE, contract.SCRATCH_NAMESPACE
PAYLOAD = "canary payload"
VOLUME_SHA = sha256_hex(b"volume bytes")


def backup(name: str, phase: str, completed: str) -> dict[str, Any]:
    return {"metadata": {"name": name}, "status": {"phase": phase, "completionTimestamp": completed}}


def canary_objects() -> dict[str, list[str]]:
    """What the canary namespace holds (and so what a good backup lists and a good restore recreates)."""
    return {
        "v1/ConfigMap": [contract.CANARY_CONFIGMAP, contract.CANARY_VOLUME_CONFIGMAP],
        "v1/PersistentVolumeClaim": [contract.CANARY_PVC],
        "v1/ServiceAccount": ["backup-canary"],
        "apps/v1/Deployment": ["backup-canary"],
        "rbac.authorization.k8s.io/v1/Role": ["backup-canary"],
        "rbac.authorization.k8s.io/v1/RoleBinding": ["backup-canary"],
    }


class FakeCluster:
    """The API server as the check sees it; a Restore of a good backup recreates the canary in the scratch
    namespace. Tests break one thing each (a lost object, a changed payload, a failed phase)."""

    def __init__(self) -> None:
        self.backups = [
            backup("daily-1", "Completed", "2026-12-01T01:00:00Z"),
            backup("daily-2", "Completed", "2026-12-02T01:00:00Z"),
            backup("daily-3", "PartiallyFailed", "2026-12-02T02:00:00Z"),
        ]
        objects = canary_objects()
        self.resource_list = {
            kind: [f"{CANARY}/{n}" for n in names] + [f"{CANARY}/kube-root-ca.crt"] * (kind == "v1/ConfigMap")
            for kind, names in objects.items()
        }
        self.resource_list["v1/Secret"] = ["other/secret"]
        self.restored_objects = copy.deepcopy(objects)
        self.restored_objects["v1/ConfigMap"].append("kube-root-ca.crt")
        self.configmaps: dict[str, dict[str, Any]] = {
            contract.CANARY_CONFIGMAP: {
                "metadata": {"annotations": {contract.CANARY_SHA256_ANNOTATION: sha256_hex(PAYLOAD.encode())}},
                "data": {contract.CANARY_PAYLOAD_KEY: PAYLOAD},
            },
            contract.CANARY_VOLUME_CONFIGMAP: {"data": {contract.CANARY_VOLUME_SHA256_KEY: VOLUME_SHA}},
        }
        self.report = {"state": "found", "sha256": VOLUME_SHA}
        self.restore_phase = "Completed"
        self.namespaces: set[str] = {CANARY, "velero"}
        self.restores: list[dict[str, Any]] = []
        self.deleted: list[str] = []

    def list_backups(self, schedule: str) -> list[dict[str, Any]]:
        assert schedule == contract.SCHEDULE_NAME
        return self.backups

    def backup_resource_list(self, name: str) -> dict[str, list[str]]:
        self.listed_backup = name
        return self.resource_list

    def create_restore(self, body: dict[str, Any]) -> None:
        assert SCRATCH not in self.namespaces, "restored over a leftover scratch namespace"
        self.restores.append(body)
        self.namespaces.add(SCRATCH)

    def get_restore(self, name: str) -> dict[str, Any]:
        return {"status": {"phase": self.restore_phase}}

    def namespace_exists(self, namespace: str) -> bool:
        return namespace in self.namespaces

    def delete_namespace(self, namespace: str) -> None:
        self.deleted.append(namespace)
        self.namespaces.discard(namespace)

    def list_names(self, kind: str, namespace: str) -> list[str]:
        assert namespace == SCRATCH
        return list(self.restored_objects.get(kind, []))

    def get_configmap(self, namespace: str, name: str) -> dict[str, Any] | None:
        assert namespace == SCRATCH
        return self.configmaps.get(name)

    def canary_reports(self, namespace: str) -> list[str]:
        return [json.dumps(self.report)]


def run(cluster: FakeCluster) -> Any:
    ticks = iter(range(10_000))
    settings = Settings(velero_namespace="velero", timeout_seconds=100, poll_seconds=1)
    return Verifier(cluster, settings, clock=lambda: float(next(ticks)), sleep=lambda _: None, now=lambda: 1e9).run()


def test_a_good_restore_of_the_newest_completed_backup_passes_and_cleans_up() -> None:
    cluster = FakeCluster()
    outcome = run(cluster)
    assert outcome.backup == cluster.listed_backup == "daily-2"  # not the newer PartiallyFailed one
    (restore,) = cluster.restores
    assert restore["spec"]["backupName"] == "daily-2"
    assert restore["spec"]["includedNamespaces"] == [CANARY]
    assert restore["spec"]["namespaceMapping"] == {CANARY: SCRATCH}
    assert outcome.objects_compared == 7  # kube-root-ca.crt is generated, not compared
    assert cluster.deleted == [SCRATCH] and SCRATCH not in cluster.namespaces


def test_no_completed_backup_is_its_own_failure() -> None:
    cluster = FakeCluster()
    cluster.backups = [backup("daily-3", "PartiallyFailed", "2026-12-02T02:00:00Z")]
    with pytest.raises(NoBackupError):
        run(cluster)
    with pytest.raises(NoBackupError):
        latest_completed_backup([])


def test_a_leftover_scratch_namespace_is_deleted_before_the_restore() -> None:
    cluster = FakeCluster()
    cluster.namespaces.add(SCRATCH)
    run(cluster)
    assert cluster.deleted == [SCRATCH, SCRATCH]


@pytest.mark.parametrize("phase", ["PartiallyFailed", "Failed"])
def test_a_restore_that_does_not_complete_fails_and_still_cleans_up(phase: str) -> None:
    cluster = FakeCluster()
    cluster.restore_phase = phase
    with pytest.raises(VerificationError, match=phase):
        run(cluster)
    assert SCRATCH not in cluster.namespaces


def test_a_restore_that_never_finishes_times_out_as_a_dependency_failure() -> None:
    cluster = FakeCluster()
    cluster.restore_phase = "InProgress"
    with pytest.raises(DependencyError, match="timed out"):
        run(cluster)
    assert SCRATCH not in cluster.namespaces


def test_an_object_missing_from_the_restore_fails_with_its_kind() -> None:
    cluster = FakeCluster()
    cluster.restored_objects["v1/PersistentVolumeClaim"] = []
    with pytest.raises(VerificationError, match="v1/PersistentVolumeClaim: backed up 1, restored 0"):
        run(cluster)


def test_a_backup_without_the_canary_fails() -> None:
    cluster = FakeCluster()
    cluster.resource_list = {"v1/Secret": ["other/secret"]}
    cluster.restored_objects = {}
    with pytest.raises(VerificationError, match="none of the canary"):
        run(cluster)


def test_expected_counts_take_only_the_canary_namespace() -> None:
    listed = {"v1/ConfigMap": [f"{CANARY}/a", "other/b", f"{CANARY}/kube-root-ca.crt"]}
    assert expected_counts(listed, CANARY)["v1/ConfigMap"] == 1


def test_a_changed_configmap_payload_fails_the_checksum() -> None:
    cluster = FakeCluster()
    cluster.configmaps[contract.CANARY_CONFIGMAP]["data"][contract.CANARY_PAYLOAD_KEY] = PAYLOAD + "!"
    with pytest.raises(VerificationError, match="configmap payload sha256"):
        run(cluster)


def test_a_restored_file_with_other_bytes_fails_the_checksum() -> None:
    cluster = FakeCluster()
    cluster.report = {"state": "found", "sha256": sha256_hex(b"other bytes")}
    with pytest.raises(VerificationError, match="restored file sha256"):
        run(cluster)


def test_a_volume_restored_empty_fails_even_though_the_new_file_matches_itself() -> None:
    cluster = FakeCluster()
    cluster.report = {"state": "written", "sha256": VOLUME_SHA}
    with pytest.raises(VerificationError, match="no canary file"):
        run(cluster)


def test_the_canary_writes_once_records_it_and_then_reports_what_it_finds(tmp_path: Any) -> None:
    recorded: list[str] = []
    first = ensure_canary(tmp_path, recorded.append)
    assert first["state"] == "written" and recorded == [first["sha256"]]
    again = ensure_canary(tmp_path, None)
    assert again == {"state": "found", "sha256": first["sha256"]}
    (tmp_path / contract.CANARY_FILE).write_bytes(b"corrupted")
    assert ensure_canary(tmp_path, None)["sha256"] != first["sha256"]


def test_every_compared_kind_has_a_lister() -> None:
    assert set(LISTERS) == set(contract.COMPARED_KINDS)


def _args(**kw: Any) -> argparse.Namespace:
    args = command.parser().parse_args(["--velero-namespace", "velero"])
    for key, value in kw.items():
        setattr(args, key, value)
    return args


@pytest.mark.parametrize(
    ("breakage", "code"),
    [
        (lambda c: None, contract.EXIT_OK),
        (lambda c: setattr(c, "restore_phase", "Failed"), contract.EXIT_VERIFICATION_FAILED),
        (lambda c: setattr(c, "backups", []), contract.EXIT_NO_BACKUP),
    ],
)
def test_exit_codes(breakage: Any, code: int, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = FakeCluster()
    breakage(cluster)
    monkeypatch.setattr("storage_jobs.restore_check.verify.time.sleep", lambda _: None)
    assert command.verify(_args(), cluster) == code


def test_usage_errors_exit_2() -> None:
    # argparse exits with 2 on unknown arguments or subcommands, through the dispatcher as alone.
    for argv in (["restore-check", "--no-such-flag"], ["nothing"]):
        with pytest.raises(SystemExit) as done:
            cli.main(argv)
        assert done.value.code == contract.EXIT_USAGE
    assert command.main(["--no-such-flag"]) == contract.EXIT_USAGE
    assert cli.main(["restore-check", "--pushgateway", "http://x"]) == contract.EXIT_USAGE


def test_without_an_api_server_the_check_exits_3() -> None:
    def unreachable(namespace: str) -> Any:
        raise RuntimeError("no in-cluster config")

    assert command.main([], cluster_factory=unreachable) == contract.EXIT_DEPENDENCY
