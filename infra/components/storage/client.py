"""How a workload reaches the region's object store: environment, CA bundle volume and egress rule.

One definition for every client (the bucket reconciler, the drift jobs): the endpoint, the keys from the
user's Secret and the platform CA reach the pod through the environment boto3 already reads
(AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_CA_BUNDLE), never through code.
"""

from __future__ import annotations

from typing import Any, Final

from infra.components.storage.contract import ca_bundle, endpoint_url, namespace
from infra.components.storage.users import credentials_secret

CA_VOLUME: Final = "object-store-ca"
CA_DIR: Final = "/etc/ssl/object-store"

# The port the object store's pods listen on: a NetworkPolicy matches the pod's port after the Service's
# translation, not the Service's 443. Rook's RGW with only a securePort binds it (`ssl_port=<securePort>`,
# pkg/operator/ceph/object/config.go portString); a MinIO Tenant's pods serve S3 on 9000 behind `minio:443`.
POD_PORTS: Final = {"ceph": 443, "minio": 9000}


def object_store_namespace(backend: str) -> str:
    """Where the object store's S3 pods run."""
    return namespace({"ceph": "rook", "minio": "minioTenant"}[backend])


def ca_file() -> str:
    return f"{CA_DIR}/{ca_bundle()[1]}"


def object_store_env(backend: str, user: str, region: str) -> list[dict[str, Any]]:
    """The S3 client environment of a pod acting as object-store user `user` (its Secret is in the pod's
    namespace: Rook and the MinIO component write it there)."""
    secret = credentials_secret(backend, user)
    return [
        {"name": "AWS_REGION", "value": region},
        {"name": "AWS_ENDPOINT_URL_S3", "value": endpoint_url(backend)},
        {"name": "AWS_CA_BUNDLE", "value": ca_file()},
        {
            "name": "AWS_ACCESS_KEY_ID",
            "valueFrom": {"secretKeyRef": {"name": secret.name, "key": secret.access_key_key}},
        },
        {
            "name": "AWS_SECRET_ACCESS_KEY",
            "valueFrom": {"secretKeyRef": {"name": secret.name, "key": secret.secret_key_key}},
        },
    ]


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
