"""The volume canary's writer: `storage-jobs restore-check canary` runs in the canary namespace's pod.

On start it looks for the canary file on its volume. Absent (first start on a new PVC): it writes random bytes
(temporary file, then rename, so a backup never sees half a file), and - in the live canary namespace only -
records their sha256 in the canary ConfigMap. Present: it reports the file's sha256 as found. Either way it
prints one JSON line {"state", "sha256"} and then idles, keeping the volume mounted so Velero's file-system
backup (which copies volumes of running pods) includes it.

Restored into the scratch namespace, the same pod starts on the restored volume and reports the sha256 of the
restored file; it never writes to the API there, so the recorded value it is compared with is the one the
backup holds (etcd side) and the file is the one kopia restored (volume side).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from kubernetes import client, config

from storage_jobs.restore_check import contract
from storage_jobs.restore_check.verify import sha256_hex

# Records the written file's sha256 (in the canary ConfigMap).
Recorder = Callable[[str], None]


def ensure_canary(directory: Path, record: Recorder | None) -> dict[str, str]:
    path = directory / contract.CANARY_FILE
    if path.exists():
        return {"state": "found", "sha256": sha256_hex(path.read_bytes())}
    data = secrets.token_bytes(contract.CANARY_FILE_BYTES)
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(path)
    digest = sha256_hex(data)
    if record is not None:
        record(digest)
    return {"state": "written", "sha256": digest}


def api_recorder(namespace: str) -> Recorder:
    config.load_incluster_config()  # type: ignore[no-untyped-call]
    core = client.CoreV1Api()

    def record(sha256: str) -> None:
        core.patch_namespaced_config_map(
            contract.CANARY_VOLUME_CONFIGMAP, namespace, {"data": {contract.CANARY_VOLUME_SHA256_KEY: sha256}}
        )

    return record


def run(directory: Path, namespace: str, *, idle: bool = True) -> int:
    # Only the live canary records: a restored copy must not overwrite the value it is checked against.
    record = api_recorder(namespace) if namespace == contract.CANARY_NAMESPACE else None
    print(json.dumps(ensure_canary(directory, record), sort_keys=True), flush=True)
    if idle:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
    return 0


def main(directory: str, namespace: str | None) -> int:
    ns = namespace or os.environ.get("POD_NAMESPACE", "")
    if not ns:
        print("restore-check canary: set --namespace or POD_NAMESPACE", file=sys.stderr)
        return contract.EXIT_USAGE
    return run(Path(directory), ns)
