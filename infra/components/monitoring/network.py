"""NetworkPolicies of the monitoring namespace (it is a governed namespace: default-deny both ways)."""

from __future__ import annotations

from typing import Any, Final

from infra.components.continuity.restore_check import JOB_POD_LABELS as RESTORE_CHECK_POD_LABELS
from infra.components.models.model_cards import DRIFT_JOB_POD_LABELS
from infra.components.models.names import MODELS_NAMESPACE
from infra.components.monitoring import names
from infra.components.storage.contract import namespace as storage_namespace

# prometheus-operator labels the pods of every Prometheus / Alertmanager it runs with these.
PROMETHEUS_POD_LABELS: Final = {"app.kubernetes.io/name": "prometheus"}
ALERTMANAGER_POD_LABELS: Final = {"app.kubernetes.io/name": "alertmanager"}
# The grafana chart's selector label.
GRAFANA_POD_NAME: Final = "grafana"
# The prometheus-pushgateway chart's selector labels (name = chart name, instance = release name).
PUSHGATEWAY_POD_LABELS: Final = {
    "app.kubernetes.io/name": "prometheus-pushgateway",
    "app.kubernetes.io/instance": names.PUSHGATEWAY_RELEASE,
}
# Receivers outside the cluster: HTTPS (webhook, Slack, PagerDuty) and SMTP submission (email).
RECEIVER_PORTS: Final = (443, 587)


def _namespace(name: str) -> dict[str, Any]:
    return {"matchLabels": {"kubernetes.io/metadata.name": name}}


def pushgateway_ingress() -> dict[str, Any]:
    """Only the drift jobs and the restore verification (their namespaces, their pods) push; only Prometheus
    scrapes."""
    return {
        "podSelector": {"matchLabels": dict(PUSHGATEWAY_POD_LABELS)},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {
                        "namespaceSelector": _namespace(MODELS_NAMESPACE),
                        "podSelector": {"matchLabels": dict(DRIFT_JOB_POD_LABELS)},
                    },
                    {
                        "namespaceSelector": _namespace(storage_namespace("velero")),
                        "podSelector": {"matchLabels": dict(RESTORE_CHECK_POD_LABELS)},
                    },
                    {"podSelector": {"matchLabels": dict(PROMETHEUS_POD_LABELS)}},
                ],
                "ports": [{"protocol": "TCP", "port": names.PUSHGATEWAY_PORT}],
            }
        ],
    }


def in_cluster_egress(vpc_cidr: str) -> dict[str, Any]:
    """Scraping and the Kubernetes API: any pod of the cluster, and the VPC (kubelets, aws-node on the
    nodes' addresses, the API server's ENIs). Nothing outside the VPC."""
    return {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [
            {"to": [{"namespaceSelector": {}}]},
            {"to": [{"ipBlock": {"cidr": vpc_cidr}}]},
        ],
    }


def alertmanager_receivers_egress() -> dict[str, Any]:
    """Alertmanager alone may leave the VPC, and only to receivers' HTTPS and SMTP submission ports."""
    return {
        "podSelector": {"matchLabels": dict(ALERTMANAGER_POD_LABELS)},
        "policyTypes": ["Egress"],
        "egress": [
            {
                "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                "ports": [{"protocol": "TCP", "port": port} for port in RECEIVER_PORTS],
            }
        ],
    }


def global_view_egress() -> dict[str, Any]:
    """With a global view (ADR 0002), Prometheus remote-writes to the workspace in the primary region and
    Grafana queries it (and fetches its datasource plugin): HTTPS out of the VPC, through NAT, for those two only."""
    return {
        "podSelector": {
            "matchExpressions": [
                {
                    "key": "app.kubernetes.io/name",
                    "operator": "In",
                    "values": [PROMETHEUS_POD_LABELS["app.kubernetes.io/name"], GRAFANA_POD_NAME],
                }
            ]
        },
        "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}],
    }


def scrape_ingress(pod_labels: dict[str, str], port: int) -> dict[str, Any]:
    """Only the monitoring namespace's Prometheus may reach a node agent's metrics port."""
    return {
        "podSelector": {"matchLabels": dict(pod_labels)},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {
                        "namespaceSelector": _namespace(names.MONITORING_NAMESPACE),
                        "podSelector": {"matchLabels": dict(PROMETHEUS_POD_LABELS)},
                    }
                ],
                "ports": [{"protocol": "TCP", "port": port}],
            }
        ],
    }
