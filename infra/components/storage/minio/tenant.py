"""The MinIO Tenant's spec and its neighbours' shapes, as data the component declares and the tests read.

Checked against minio/operator v7.1.1 (helm/operator/templates/minio.min.io_tenants.yaml, pkg/apis/minio.min.io/v2):
the operator reads the users' Secrets from the Tenant's own namespace, names the S3 Service `minio`
(443 with TLS, target 9000) and labels the Tenant's pods `v1.min.io/tenant: <tenant>`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from infra.components.chart_pins import ChartPin
from infra.components.monitoring import names as monitoring_names
from infra.components.storage import contract
from infra.config.model import PlatformConfig

CHARTS_FILE: Final = Path(__file__).with_name("charts.yaml")
OPERATOR_VALUES_FILE: Final = Path(__file__).with_name("values") / "operator.yaml"
TENANT_VALUES_FILE: Final = Path(__file__).with_name("values") / "tenant.yaml"
OPERATOR_CHART: Final = "operator"
OPERATOR_RELEASE: Final = "minio-operator"
TENANT_LABEL: Final = "v1.min.io/tenant"
MINIO_PORT: Final = 9000
HTTPS_PORT_NAME: Final = "https-minio"
METRICS_PATH: Final = "/minio/v2/metrics/cluster"
ZONE_KEY: Final = "topology.kubernetes.io/zone"
# cert-manager writes a Certificate's key pair and its issuer's CA here (the operator's naming for autocert).
TLS_SECRET_SUFFIX: Final = "-tls"
# The operator trusts the CA of every Secret in its namespace whose name starts with this (its health checks
# call the Tenant over TLS): pkg/controller/operator.go fetchTransportCACertificates.
OPERATOR_CA_PREFIX: Final = "operator-ca-tls-"
NON_ROOT_UID: Final = 1000


@functools.cache
def _charts() -> dict[str, Any]:
    table: dict[str, Any] = yaml.safe_load(CHARTS_FILE.read_text(encoding="utf-8"))
    return table


def operator_pin() -> ChartPin:
    entry = _charts()[OPERATOR_CHART]
    return ChartPin(OPERATOR_CHART, str(entry["version"]), str(entry["repository"]))


def tenant_image() -> str:
    return str(_charts()["tenantImage"])


def operator_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(OPERATOR_VALUES_FILE.read_text(encoding="utf-8"))
    return values


@functools.cache
def _tenant_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(TENANT_VALUES_FILE.read_text(encoding="utf-8"))
    return values


def server_resources() -> dict[str, Any]:
    resources: dict[str, Any] = _tenant_values()["resources"]
    return resources


@dataclass(frozen=True)
class PodLimits:
    cpu_millis: int
    memory_mib: int


def per_pod_limits() -> PodLimits:
    """One server pod's limits: the MinIO container's, plus the sidecar's (it takes the namespace defaults)."""
    limits = server_resources()["limits"]
    sidecar = _tenant_values()["sidecarLimits"]
    return PodLimits(_millis(limits["cpu"]) + _millis(sidecar["cpu"]), _mib(limits["memory"]) + _mib(sidecar["memory"]))


def _millis(cpu: str) -> int:
    return int(cpu[:-1]) if cpu.endswith("m") else int(float(cpu) * 1000)


def _mib(memory: str) -> int:
    if memory.endswith("Gi"):
        return int(memory[:-2]) * 1024
    if memory.endswith("Mi"):
        return int(memory[:-2])
    raise ValueError(f"memory {memory!r}: Gi or Mi")


def tenant_name() -> str:
    return contract.object_store_name()


def tls_secret_name() -> str:
    return f"{tenant_name()}{TLS_SECRET_SUFFIX}"


def configuration_secret_name() -> str:
    """The Secret holding the Tenant's config.env (root credentials)."""
    return f"{tenant_name()}-env-configuration"


def service_host() -> str:
    """The S3 endpoint's host, from the contract's endpoint URL (the name workloads connect to)."""
    host = contract.endpoint_url("minio").split("://", 1)[1].rsplit(":", 1)[0]
    return host


def dns_names() -> list[str]:
    """What the certificate covers: the Service as workloads name it (endpoint_url), its short forms and the
    per-pod names of the headless Service the MinIO servers reach each other by (<tenant>-hl)."""
    host = service_host()
    service, namespace = host.split(".")[0:2]
    return [
        host,
        f"{service}.{namespace}",
        f"{host}.cluster.local",
        f"*.{tenant_name()}-hl.{namespace}.svc.cluster.local",
        f"*.{tenant_name()}-hl.{namespace}.svc",
    ]


def tenant_pod_labels() -> dict[str, str]:
    return {TENANT_LABEL: tenant_name()}


def buckets(project: str, stack: str, region: str) -> list[dict[str, Any]]:
    """The contract's buckets; object lock (which also turns versioning on) only where the contract locks."""
    locked = set(contract.locked_purposes())
    return [
        {"name": contract.bucket_name(project, stack, region, purpose), "objectLock": purpose in locked}
        for purpose in contract.purposes()
    ]


def pool(config: PlatformConfig) -> dict[str, Any]:
    sizing = config.storage.minio
    return {
        "name": "pool-0",
        "servers": sizing.servers,
        "volumesPerServer": sizing.volumes_per_server,
        # No storageClassName: the cluster's default StorageClass (encrypted gp3).
        "volumeClaimTemplate": {
            "metadata": {"name": "data"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": f"{sizing.volume_size_gib}Gi"}},
            },
        },
        # One zone lost leaves the erasure set readable only when servers spread evenly over the zones.
        "resources": server_resources(),
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": ZONE_KEY,
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": tenant_pod_labels()},
            }
        ],
        "securityContext": {
            "runAsUser": NON_ROOT_UID,
            "runAsGroup": NON_ROOT_UID,
            "fsGroup": NON_ROOT_UID,
            "fsGroupChangePolicy": "OnRootMismatch",
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containerSecurityContext": {
            "runAsUser": NON_ROOT_UID,
            "runAsGroup": NON_ROOT_UID,
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }


def tenant_spec(config: PlatformConfig, *, project: str, stack: str, region: str, users: list[str]) -> dict[str, Any]:
    return {
        "image": tenant_image(),
        "configuration": {"name": configuration_secret_name()},
        "pools": [pool(config)],
        # EKS does not sign the Kubernetes CSRs the operator's autocert files (only kubelet signers are served),
        # so the certificate comes from cert-manager and the platform CA instead.
        "requestAutoCert": False,
        "externalCertSecret": [{"name": tls_secret_name(), "type": "cert-manager.io/v1"}],
        "buckets": buckets(project, stack, region),
        "users": [{"name": name} for name in users],
        "features": {"bucketDNS": False},
        "exposeServices": {"minio": False, "console": False},
        # The ServiceMonitor selects the S3 Service by these labels (the operator sets none of its own).
        "serviceMetadata": {"minioServiceLabels": {**tenant_pod_labels(), "app.kubernetes.io/name": "minio"}},
        # Metrics readable without a token: only Prometheus may reach the port (NetworkPolicy metrics ingress).
        "env": [{"name": "MINIO_PROMETHEUS_AUTH_TYPE", "value": "public"}],
        "podManagementPolicy": "Parallel",
    }


def service_monitor_spec(interval_seconds: int) -> dict[str, Any]:
    """Scrape the cluster metrics over TLS, verifying the server against the CA cert-manager writes next to the
    Tenant's key pair (ca.crt of the TLS Secret, in the same namespace)."""
    return {
        "selector": {"matchLabels": {**tenant_pod_labels(), "app.kubernetes.io/name": "minio"}},
        "namespaceSelector": {"matchNames": [contract.namespace("minioTenant")]},
        "endpoints": [
            {
                "port": HTTPS_PORT_NAME,
                "path": METRICS_PATH,
                "scheme": "https",
                "interval": f"{interval_seconds}s",
                "tlsConfig": {
                    "serverName": service_host(),
                    "ca": {"secret": {"name": tls_secret_name(), "key": "ca.crt"}},
                },
            }
        ],
    }


def service_monitor_labels() -> dict[str, str]:
    return dict(monitoring_names.SELECTOR_LABELS)
