"""The object-storage contract, read from data: bucket purposes, names, lifecycle defaults, namespaces.

`policies/packs/shared/object_storage.data.yaml` is the one source; every policy pack loads the same file.
The config model, the object-store components, the bucket contract and the drift jobs' wiring read it here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

if TYPE_CHECKING:
    from infra.config.model import PlatformConfig

ROOT: Final = Path(__file__).resolve().parents[3]
STORAGE_FILE: Final = ROOT / "policies" / "packs" / "shared" / "object_storage.data.yaml"


@functools.cache
def storage_contract() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(STORAGE_FILE.read_text(encoding="utf-8"))["object_storage"]
    return document


def purposes() -> tuple[str, ...]:
    return tuple(storage_contract()["purposes"])


def namespace(role: str) -> str:
    """The namespace of `role`: jobs, rook, minioOperator, minioTenant, velero or certManager."""
    name: str = storage_contract()["namespaces"][role]
    return name


def object_store_name() -> str:
    name: str = storage_contract()["objectStore"]["name"]
    return name


def object_store_port() -> int:
    return int(storage_contract()["objectStore"]["port"])


def ca_bundle() -> tuple[str, str]:
    """The ConfigMap (in every namespace that trusts the platform CA) and its key holding the CA bundle."""
    entry = storage_contract()["caBundle"]
    return str(entry["configMap"]), str(entry["key"])


def cold_storage_class() -> str:
    return str(storage_contract()["coldStorageClass"])


def locked_purposes() -> tuple[str, ...]:
    return tuple(storage_contract()["lockedPurposes"])


def log_purpose() -> str:
    return str(storage_contract()["logPurpose"])


def object_lock_mode() -> str:
    return str(storage_contract()["objectLockMode"])


def backend_notice(backend: str) -> str | None:
    """What the docs and the gate say about a backend that is no longer maintained upstream (None: maintained)."""
    notice = storage_contract()["backends"][backend].get("notice")
    return None if notice is None else " ".join(str(notice).split())


def bucket_name(project: str, stack: str, region: str, purpose: str) -> str:
    """`<project>-<stack>-<region>-<purpose>`; the config rules keep it within S3's 63 characters."""
    if purpose not in purposes():
        raise ValueError(f"unknown bucket purpose {purpose!r}: one of {', '.join(purposes())}")
    pattern: str = storage_contract()["bucketName"]
    return pattern.format(project=project, stack=stack, region=region, purpose=purpose).lower()


def max_bucket_name_length() -> int:
    return int(storage_contract()["maxBucketNameLength"])


@dataclass(frozen=True)
class Lifecycle:
    """One purpose's effective lifecycle (days; 0: never)."""

    cold_after_days: int
    expire_after_days: int
    expire_noncurrent_after_days: int


def lifecycle(config: PlatformConfig, purpose: str) -> Lifecycle:
    """The data file's defaults for `purpose`, overridden by storage.buckets.<purpose>, and for backups by
    storage.backup.retentionDays (a backup expires when its retention ends)."""
    defaults = storage_contract()["purposes"][purpose]["lifecycle"]
    override = config.storage.buckets.get(purpose)  # type: ignore[call-overload]
    values = {
        "cold_after_days": int(defaults["coldAfterDays"]),
        "expire_after_days": int(defaults["expireAfterDays"]),
        "expire_noncurrent_after_days": int(defaults["expireNoncurrentAfterDays"]),
    }
    if purpose in locked_purposes():
        retention = config.storage.backup.retention_days
        values["expire_after_days"] = retention
        values["expire_noncurrent_after_days"] = max(retention, config.storage.backup.object_lock_days)
    if override is not None:
        values.update({k: v for k, v in override.model_dump().items() if v is not None})
    return Lifecycle(**values)


def endpoint_url(backend: str) -> str:
    """The in-cluster HTTPS endpoint of the region's object store (what AWS_ENDPOINT_URL_S3 is set to)."""
    port = object_store_port()
    if backend == "ceph":
        # Rook names the RGW service rook-ceph-rgw-<store>.
        return f"https://rook-ceph-rgw-{object_store_name()}.{namespace('rook')}.svc:{port}"
    if backend == "minio":
        # The MinIO operator names a Tenant's S3 service `minio` (443 with TLS).
        return f"https://minio.{namespace('minioTenant')}.svc:{port}"
    raise ValueError(f"unknown storage backend {backend!r}")


def cluster_issuer() -> str:
    """The cert-manager ClusterIssuer (the platform's private CA) that signs the object store's certificate."""
    return str(storage_contract()["pki"]["clusterIssuer"])
