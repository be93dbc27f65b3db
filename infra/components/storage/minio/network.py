"""NetworkPolicies of the MinIO namespaces (both are governed namespaces: default-deny both ways).

NetworkPolicies see the pod's port (9000) after the Service's translation, not the Service's 443.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from infra.components.monitoring import names as monitoring_names
from infra.components.monitoring.network import PROMETHEUS_POD_LABELS
from infra.components.storage import contract
from infra.components.storage.minio.tenant import MINIO_PORT, tenant_pod_labels


def _namespace(name: str) -> dict[str, Any]:
    return {"matchLabels": {"kubernetes.io/metadata.name": name}}


def _namespaces(names: Sequence[str]) -> dict[str, Any]:
    return {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": sorted(names)}]}


def tenant_ingress(client_namespaces: Sequence[str]) -> dict[str, Any]:
    """S3 on the MinIO servers: from each other, the operator, the namespaces of the object-store users and
    Prometheus (the metrics are on the S3 port)."""
    return {
        "podSelector": {"matchLabels": tenant_pod_labels()},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {"podSelector": {"matchLabels": tenant_pod_labels()}},
                    {"namespaceSelector": _namespace(contract.namespace("minioOperator"))},
                    {"namespaceSelector": _namespaces(client_namespaces)},
                    {
                        "namespaceSelector": _namespace(monitoring_names.MONITORING_NAMESPACE),
                        "podSelector": {"matchLabels": dict(PROMETHEUS_POD_LABELS)},
                    },
                ],
                "ports": [{"protocol": "TCP", "port": MINIO_PORT}],
            }
        ],
    }


def tenant_egress(vpc_cidr: str) -> dict[str, Any]:
    """The servers talk to each other (erasure sets span every server of the pool); their init container and
    sidecar read the Tenant's configuration Secret from the Kubernetes API (its ENIs are in the VPC)."""
    return {
        "podSelector": {"matchLabels": tenant_pod_labels()},
        "policyTypes": ["Egress"],
        "egress": [
            {
                "to": [{"podSelector": {"matchLabels": tenant_pod_labels()}}],
                "ports": [{"protocol": "TCP", "port": MINIO_PORT}],
            },
            {"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": [{"protocol": "TCP", "port": 443}]},
        ],
    }


def operator_egress(vpc_cidr: str) -> dict[str, Any]:
    """The operator: the Kubernetes API (its ENIs are in the VPC) and the Tenant's S3/admin port."""
    return {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [
            {"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": [{"protocol": "TCP", "port": 443}]},
            {
                "to": [
                    {
                        "namespaceSelector": _namespace(contract.namespace("minioTenant")),
                        "podSelector": {"matchLabels": tenant_pod_labels()},
                    }
                ],
                "ports": [{"protocol": "TCP", "port": MINIO_PORT}],
            },
        ],
    }
