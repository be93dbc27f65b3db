"""Names the monitoring pieces share with each other and with the drift jobs: defined once, passed on.

The Helm values, the NetworkPolicies, the drift job's config, the alert rules and the tests read these
constants; none of them spells a namespace, service, port or selector label again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import yaml

MONITORING_NAMESPACE: Final = "monitoring"

# Helm release names (also the prefixes of the objects the charts create).
KUBE_PROMETHEUS_RELEASE: Final = "kube-prometheus-stack"
PUSHGATEWAY_RELEASE: Final = "prometheus-pushgateway"

# The Pushgateway's in-cluster service: the chart names it after the release.
PUSHGATEWAY_SERVICE: Final = PUSHGATEWAY_RELEASE
PUSHGATEWAY_PORT: Final = 9091

# Prometheus selects the PrometheusRules, ServiceMonitors and PodMonitors carrying this label (the
# chart's own objects get it through commonLabels), so nothing unreviewed is scraped or evaluated.
SELECTOR_LABEL: Final = "ai-platform/monitoring"
SELECTOR_VALUE: Final = "enabled"
SELECTOR_LABELS: Final[dict[str, str]] = {SELECTOR_LABEL: SELECTOR_VALUE}

# Grafana's dashboard sidecar loads ConfigMaps carrying this label (the chart's default label name).
DASHBOARD_LABEL: Final = "grafana_dashboard"
DASHBOARD_LABEL_VALUE: Final = "1"

# Where Alertmanager finds the receivers' credentials: alertmanagerSpec.secrets mounts each listed
# Secret at <dir>/<secret name>/<key>, and the generated config points *_file fields there.
ALERTMANAGER_SECRETS_DIR: Final = "/etc/alertmanager/secrets"


def pushgateway_url() -> str:
    """The in-cluster URL the drift jobs push to."""
    return f"http://{PUSHGATEWAY_SERVICE}.{MONITORING_NAMESPACE}.svc:{PUSHGATEWAY_PORT}"


# Node agents (the DCGM exporter) read host devices and kubelet sockets that baseline and restricted Pod
# Security refuse: they run in a namespace of their own that may enforce privileged. The kubernetes pack's data
# file lists it; the program reads the same file, so the namespace and the rule's exemption are one name.
NAMESPACES_DATA_FILE: Final = (
    Path(__file__).resolve().parents[3] / "policies" / "packs" / "kubernetes" / "namespaces.data.yaml"
)


def _node_agents_namespace() -> str:
    listed = yaml.safe_load(NAMESPACES_DATA_FILE.read_text(encoding="utf-8"))["kubernetes_namespaces"]["nodeAgents"]
    if not (isinstance(listed, list) and len(listed) == 1 and isinstance(listed[0], str)):
        raise ValueError(f"{NAMESPACES_DATA_FILE}: kubernetes_namespaces.nodeAgents must list one namespace")
    return listed[0]


NODE_AGENTS_NAMESPACE: Final = _node_agents_namespace()

# The DCGM exporter's release; its ServiceMonitor's targets carry job=<this> (the service name).
DCGM_EXPORTER_RELEASE: Final = "dcgm-exporter"
# Cluster Autoscaler's release (kube-system); its Service and so its scrape job carry this name too.
CLUSTER_AUTOSCALER_RELEASE: Final = "cluster-autoscaler"

# What model servers expose for the platform's inference alerts and dashboards (the serving contract; the
# platform does not run the servers, docs/monitoring.md tells model owners to expose these):
#   model_inference_requests_total{model, model_version, outcome="success"|"error"}  counter
#   model_inference_duration_seconds_bucket{model, model_version, le}                histogram
INFERENCE_REQUESTS_METRIC: Final = "model_inference_requests_total"
INFERENCE_OUTCOME_LABEL: Final = "outcome"
INFERENCE_ERROR_OUTCOME: Final = "error"
INFERENCE_DURATION_METRIC: Final = "model_inference_duration_seconds"

# Raised when a cluster's own API server or scrape pipeline is gone; Alertmanager inhibits that region's
# per-service alerts while it fires (their cause is the outage, not each service).
CLUSTER_UNREACHABLE_ALERT: Final = "ClusterUnreachable"
