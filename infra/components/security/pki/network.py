"""NetworkPolicies of the PKI namespace (a governed namespace: default-deny both ways)."""

from __future__ import annotations

from typing import Any, Final

# cert-manager's webhook serves the API server on 10250 (webhook.securePort), trust-manager's on 6443
# (app.webhook.port); both charts' metrics listen on 9402 (prometheus / app.metrics.port): the pinned
# charts' values.yaml.
WEBHOOK_PORTS: Final = (10250, 6443)
METRICS_PORT: Final = 9402
KUBERNETES_API_PORT: Final = 443


def api_server_egress(vpc_cidr: str) -> dict[str, Any]:
    """The controllers watch and write the Kubernetes API: its endpoints are ENIs inside the VPC."""
    return {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [
            {"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": [{"protocol": "TCP", "port": KUBERNETES_API_PORT}]}
        ],
    }


def webhook_ingress(vpc_cidr: str) -> dict[str, Any]:
    """The API server (control-plane ENIs in the VPC) calls the admission webhooks."""
    return {
        "podSelector": {},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [{"ipBlock": {"cidr": vpc_cidr}}],
                "ports": [{"protocol": "TCP", "port": port} for port in WEBHOOK_PORTS],
            }
        ],
    }
