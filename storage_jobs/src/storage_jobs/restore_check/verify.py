"""The verification itself, against a `Cluster` (the Kubernetes API as this check needs it).

Steps: pick the newest Completed backup of the schedule; read its resource list (Velero's
`<backup>-resource-list.json.gz`, through a DownloadRequest); restore the canary namespace into the scratch
namespace; compare per kind the objects the backup listed with those the restore created; compare the
canary checksums; delete the scratch namespace. Each failure is a `VerificationError` (exit 1), an
unreachable or slow dependency a `DependencyError` (exit 3), no backup a `NoBackupError` (exit 4).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from storage_jobs.restore_check import contract

TERMINAL_RESTORE_PHASES = frozenset({"Completed", "PartiallyFailed", "Failed", "FailedValidation"})


class VerificationError(Exception):
    """The restore or a comparison failed: the backup cannot be trusted."""


class DependencyError(Exception):
    """The API server, Velero or the Pushgateway did not answer in time."""


class NoBackupError(Exception):
    """The schedule has no Completed backup to verify."""


class Cluster(Protocol):
    def list_backups(self, schedule: str) -> list[dict[str, Any]]: ...
    def backup_resource_list(self, backup: str) -> dict[str, list[str]]: ...
    def create_restore(self, body: dict[str, Any]) -> None: ...
    def get_restore(self, name: str) -> dict[str, Any]: ...
    def namespace_exists(self, namespace: str) -> bool: ...
    def delete_namespace(self, namespace: str) -> None: ...
    def list_names(self, kind: str, namespace: str) -> list[str]: ...
    def get_configmap(self, namespace: str, name: str) -> dict[str, Any] | None: ...
    def canary_reports(self, namespace: str) -> list[str]: ...


@dataclass(frozen=True)
class Settings:
    velero_namespace: str
    schedule: str = contract.SCHEDULE_NAME
    canary_namespace: str = contract.CANARY_NAMESPACE
    scratch_namespace: str = contract.SCRATCH_NAMESPACE
    timeout_seconds: float = 1800.0
    poll_seconds: float = 10.0


@dataclass
class Outcome:
    backup: str
    restore: str
    objects_compared: int
    per_kind: dict[str, tuple[int, int]] = field(default_factory=dict)


def latest_completed_backup(backups: list[dict[str, Any]]) -> dict[str, Any]:
    """The newest backup with phase Completed (PartiallyFailed ones are not trusted as the restore point)."""
    completed = [b for b in backups if b.get("status", {}).get("phase") == "Completed"]
    if not completed:
        raise NoBackupError("no Completed backup of the schedule")
    # RFC 3339 timestamps in UTC (Kubernetes always writes Z) order as strings.
    return max(completed, key=lambda b: str(b["status"].get("completionTimestamp", "")))


def expected_counts(resource_list: Mapping[str, list[str]], namespace: str) -> dict[str, int]:
    """Objects of the compared kinds that the backup holds in `namespace` ("<ns>/<name>" entries)."""
    counts: dict[str, int] = {}
    for kind in contract.COMPARED_KINDS:
        skip = contract.GENERATED_NAMES.get(kind, frozenset())
        names = [e.split("/", 1)[1] for e in resource_list.get(kind, []) if e.startswith(f"{namespace}/")]
        counts[kind] = len([n for n in names if n not in skip])
    return counts


def compare_counts(expected: Mapping[str, int], restored: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """Per kind (backed up, restored); raises when any kind differs or the backup holds no canary at all."""
    per_kind = {kind: (expected.get(kind, 0), restored.get(kind, 0)) for kind in sorted({*expected, *restored})}
    if sum(e for e, _ in per_kind.values()) == 0:
        raise VerificationError("the backup holds none of the canary's objects: the canary namespace was not backed up")
    diffs = [f"{kind}: backed up {e}, restored {r}" for kind, (e, r) in per_kind.items() if e != r]
    if diffs:
        raise VerificationError("restored objects differ from the backup: " + "; ".join(diffs))
    return per_kind


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_configmap_canary(configmap: Mapping[str, Any] | None) -> None:
    """The restored ConfigMap's payload still hashes to the sha256 the program recorded next to it."""
    if configmap is None:
        raise VerificationError(f"configmap {contract.CANARY_CONFIGMAP} was not restored")
    recorded = configmap.get("metadata", {}).get("annotations", {}).get(contract.CANARY_SHA256_ANNOTATION)
    payload = configmap.get("data", {}).get(contract.CANARY_PAYLOAD_KEY)
    if not recorded or payload is None:
        raise VerificationError(f"configmap {contract.CANARY_CONFIGMAP} lost its payload or checksum")
    actual = sha256_hex(payload.encode())
    if actual != recorded:
        raise VerificationError(f"configmap payload sha256 {actual} != recorded {recorded}")


def check_volume_canary(volume_configmap: Mapping[str, Any] | None, reports: list[str]) -> None:
    """The file restored from the file-system backup (reported by the restored canary pod) hashes to the
    sha256 the writer recorded in a ConfigMap: two independent paths (kopia data, etcd objects) must agree."""
    recorded = (volume_configmap or {}).get("data", {}).get(contract.CANARY_VOLUME_SHA256_KEY)
    if not recorded:
        raise VerificationError(f"configmap {contract.CANARY_VOLUME_CONFIGMAP} holds no recorded sha256")
    found = [json.loads(line) for line in reports]
    if not found:
        raise VerificationError("the restored canary pod reported nothing")
    report = found[-1]
    if report.get("state") != "found":
        raise VerificationError(f"the restored volume held no canary file (canary state {report.get('state')!r})")
    if report.get("sha256") != recorded:
        raise VerificationError(f"restored file sha256 {report.get('sha256')} != recorded {recorded}")


def restore_body(settings: Settings, backup: str, restore: str) -> dict[str, Any]:
    return {
        "apiVersion": "velero.io/v1",
        "kind": "Restore",
        "metadata": {
            "name": restore,
            "namespace": settings.velero_namespace,
            "labels": {"app.kubernetes.io/name": contract.PUSH_JOB},
        },
        "spec": {
            "backupName": backup,
            "includedNamespaces": [settings.canary_namespace],
            "namespaceMapping": {settings.canary_namespace: settings.scratch_namespace},
            # The volume canary's data comes back through the file-system (kopia) restore of its pod.
            "restorePVs": True,
            "existingResourcePolicy": "none",
        },
    }


class Verifier:
    def __init__(
        self,
        cluster: Cluster,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.cluster, self.settings = cluster, settings
        self.clock, self.sleep, self.now = clock, sleep, now

    def _wait(self, what: str, done: Callable[[], bool], deadline: float) -> None:
        while not done():
            if self.clock() >= deadline:
                raise DependencyError(f"timed out waiting for {what}")
            self.sleep(self.settings.poll_seconds)

    def _clear_scratch(self, deadline: float) -> None:
        scratch = self.settings.scratch_namespace
        if self.cluster.namespace_exists(scratch):
            self.cluster.delete_namespace(scratch)
            self._wait(
                f"namespace {scratch} to be deleted", lambda: not self.cluster.namespace_exists(scratch), deadline
            )

    def run(self) -> Outcome:
        s = self.settings
        deadline = self.clock() + s.timeout_seconds
        backup = latest_completed_backup(self.cluster.list_backups(s.schedule))["metadata"]["name"]
        expected = expected_counts(self.cluster.backup_resource_list(backup), s.canary_namespace)
        # A leftover from a crashed run would make the restore skip existing objects and compare stale ones.
        self._clear_scratch(deadline)
        restore = f"{contract.PUSH_JOB}-{int(self.now())}"
        self.cluster.create_restore(restore_body(s, backup, restore))
        try:
            phase = ""

            def finished() -> bool:
                nonlocal phase
                phase = str(self.cluster.get_restore(restore).get("status", {}).get("phase", ""))
                return phase in TERMINAL_RESTORE_PHASES

            self._wait(f"restore {restore}", finished, deadline)
            if phase != "Completed":
                raise VerificationError(f"restore {restore} of backup {backup} ended {phase}")
            restored = {
                kind: len(
                    [
                        n
                        for n in self.cluster.list_names(kind, s.scratch_namespace)
                        if n not in contract.GENERATED_NAMES.get(kind, ())
                    ]
                )
                for kind in contract.COMPARED_KINDS
            }
            per_kind = compare_counts(expected, restored)
            check_configmap_canary(self.cluster.get_configmap(s.scratch_namespace, contract.CANARY_CONFIGMAP))
            reports: list[str] = []

            def reported() -> bool:
                reports[:] = self.cluster.canary_reports(s.scratch_namespace)
                return bool(reports)

            self._wait("the restored canary pod's report", reported, deadline)
            check_volume_canary(
                self.cluster.get_configmap(s.scratch_namespace, contract.CANARY_VOLUME_CONFIGMAP), reports
            )
        except BaseException:
            # The first failure is the one to report; a cleanup failure after it would only hide it.
            with contextlib.suppress(DependencyError):
                self._clear_scratch(self.clock() + s.timeout_seconds)
            raise
        self._clear_scratch(self.clock() + s.timeout_seconds)
        return Outcome(backup, restore, sum(e for e, _ in per_kind.values()), per_kind)
