"""Names the monitoring pieces share with each other and with the drift jobs: defined once, passed on.

The Helm values, the NetworkPolicies, the drift job's config, the alert rules and the tests read these
constants; none of them spells a namespace, service, port or selector label again.
"""

from __future__ import annotations

from typing import Final

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
