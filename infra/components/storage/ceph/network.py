"""NetworkPolicies of the Rook namespace (a governed namespace: default-deny both ways, same-namespace
ingress allowed)."""

from __future__ import annotations

from typing import Any, Final

from infra.components.storage.ceph.specs import RGW_POD_LABELS
from infra.components.storage.contract import object_store_port

# The mgr's prometheus module and the Ceph exporter (Rook's DefaultMetricsPort of each, v1.19).
MGR_METRICS_PORT: Final = 9283
EXPORTER_METRICS_PORT: Final = 9926
KUBERNETES_API_PORT: Final = 443


def daemons_egress(vpc_cidr: str) -> dict[str, Any]:
    """Ceph daemons talk to each other (mons, OSDs, mgr, RGW: msgr2 inside the namespace); the operator and
    the daemons' Kubernetes clients reach the API server's ENIs in the VPC."""
    return {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [
            {"to": [{"podSelector": {}}]},
            {"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": [{"protocol": "TCP", "port": KUBERNETES_API_PORT}]},
        ],
    }


def gateway_ingress(namespaces: list[str]) -> dict[str, Any]:
    """Only the object-store users' namespaces reach the gateways, on the TLS port only."""
    return {
        "podSelector": {"matchLabels": dict(RGW_POD_LABELS)},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}}} for ns in namespaces
                ],
                "ports": [{"protocol": "TCP", "port": object_store_port()}],
            }
        ],
    }
