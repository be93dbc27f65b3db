"""Where a pod's object-store keys come from: the env variables name files, the files are keys of a Secret."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from storage_jobs.buckets.store import ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV


def mounted_keys(pod: dict[str, Any], container: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """{variable: (Secret name, key)} for the two key-file variables, followed through mount and volume items."""
    env = {e["name"]: e for e in container["env"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    found = {}
    for variable in (ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV):
        path = PurePosixPath(env[variable]["value"])
        secret = volumes[mounts[str(path.parent)]]["secret"]
        (key,) = [item["key"] for item in secret["items"] if item["path"] == path.name]
        found[variable] = (secret["secretName"], key)
    return found


def secret_env(container: dict[str, Any]) -> list[str]:
    """Variables whose value the kubelet copies out of a Secret (what checkov CKV_K8S_35 flags)."""
    from_secret = [e["name"] for e in container.get("env", []) if "secretKeyRef" in e.get("valueFrom", {})]
    whole = [str(e) for e in container.get("envFrom", []) if "secretRef" in e]
    return from_secret + whole
