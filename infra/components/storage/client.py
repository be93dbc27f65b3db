"""How a workload reaches the region's object store: environment, CA bundle volume and egress rule.

One definition for every client (the bucket reconciler, the drift jobs): the endpoint and the platform CA reach
the pod through the environment boto3 already reads (AWS_ENDPOINT_URL_S3, AWS_CA_BUNDLE). The keys do not: the
user's Secret is mounted as files and AWS_ACCESS_KEY_ID_FILE / AWS_SECRET_ACCESS_KEY_FILE name them (checkov
CKV_K8S_35), so they never sit in the pod's environment, where every child process and crash dump would inherit
them. Both jobs read those variables (drift_jobs.read.storage, storage_jobs.buckets.store).
"""

from __future__ import annotations

from typing import Any, Final

from storage_jobs.buckets.store import ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV

from infra.components.storage.contract import ca_bundle, endpoint_url, namespace
from infra.components.storage.users import credentials_secret

CA_VOLUME: Final = "object-store-ca"
CA_DIR: Final = "/etc/ssl/object-store"
CREDENTIALS_VOLUME: Final = "object-store-credentials"
CREDENTIALS_DIR: Final = "/var/run/secrets/object-store"
# One file name per key whatever the backend calls it in its Secret (Rook: AccessKey, MinIO: CONSOLE_ACCESS_KEY).
ACCESS_KEY_FILE: Final = "access-key-id"
SECRET_KEY_FILE: Final = "secret-access-key"
# Readable by the owner and the pod's fsGroup (the job's own group), by no one else.
CREDENTIALS_MODE: Final = 0o440

# The port the object store's pods listen on: a NetworkPolicy matches the pod's port after the Service's
# translation, not the Service's 443. Rook's RGW with only a securePort binds it (`ssl_port=<securePort>`,
# pkg/operator/ceph/object/config.go portString); a MinIO Tenant's pods serve S3 on 9000 behind `minio:443`.
POD_PORTS: Final = {"ceph": 443, "minio": 9000}


def object_store_namespace(backend: str) -> str:
    """Where the object store's S3 pods run."""
    return namespace({"ceph": "rook", "minio": "minioTenant"}[backend])


def ca_file() -> str:
    return f"{CA_DIR}/{ca_bundle()[1]}"


def object_store_env(backend: str, region: str) -> list[dict[str, Any]]:
    """The S3 client environment of a pod acting as an object-store user: where the store is, the CA it trusts
    and where its keys are mounted (credentials_volume and credentials_mount)."""
    return [
        {"name": "AWS_REGION", "value": region},
        {"name": "AWS_ENDPOINT_URL_S3", "value": endpoint_url(backend)},
        {"name": "AWS_CA_BUNDLE", "value": ca_file()},
        {"name": ACCESS_KEY_FILE_ENV, "value": f"{CREDENTIALS_DIR}/{ACCESS_KEY_FILE}"},
        {"name": SECRET_KEY_FILE_ENV, "value": f"{CREDENTIALS_DIR}/{SECRET_KEY_FILE}"},
    ]


def credentials_volume(backend: str, user: str) -> dict[str, Any]:
    """Object-store user `user`'s Secret (in the pod's namespace: Rook and the MinIO component write it there),
    its two keys as files."""
    secret = credentials_secret(backend, user)
    return {
        "name": CREDENTIALS_VOLUME,
        "secret": {
            "secretName": secret.name,
            "items": [
                {"key": secret.access_key_key, "path": ACCESS_KEY_FILE},
                {"key": secret.secret_key_key, "path": SECRET_KEY_FILE},
            ],
            "defaultMode": CREDENTIALS_MODE,
        },
    }


def credentials_mount() -> dict[str, Any]:
    return {"name": CREDENTIALS_VOLUME, "mountPath": CREDENTIALS_DIR, "readOnly": True}


def ca_volume() -> dict[str, Any]:
    """The platform CA bundle ConfigMap (trust-manager distributes it to the namespaces that trust the CA)."""
    config_map, key = ca_bundle()
    return {"name": CA_VOLUME, "configMap": {"name": config_map, "items": [{"key": key, "path": key}]}}


def ca_mount() -> dict[str, Any]:
    return {"name": CA_VOLUME, "mountPath": CA_DIR, "readOnly": True}


def object_store_egress(backend: str) -> dict[str, Any]:
    """A NetworkPolicy egress rule: the object store's namespace, on its pods' S3 port, nothing else."""
    return {
        "to": [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": object_store_namespace(backend)}}}
        ],
        "ports": [{"protocol": "TCP", "port": POD_PORTS[backend]}],
    }
