"""Helm values of the monitoring stack: YAML data files, overlaid from the stack config, deep-merged.

Everything static lives in values/*.yaml; this module adds only what is derived from the config or
from names.py, so that each shared value has one source.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Final

import yaml

from infra.components.access import priority_classes
from infra.components.monitoring import names
from infra.config.model import PlatformConfig

HERE: Final = Path(__file__).parent
VALUES_DIR: Final = HERE / "values"

# The encrypted gp3 class MonitoringStack creates; every persistent volume of the stack uses it.
STORAGE_CLASS: Final = "monitoring-gp3-encrypted"

GRAFANA_ADMIN_SECRET: Final = "grafana-admin"
GRAFANA_USER_KEY: Final = "admin-user"
GRAFANA_PASSWORD_KEY: Final = "admin-password"

# The prometheus-operator selectors Prometheus uses to pick up objects; each is set to SELECTOR_LABELS.
SELECTORS: Final = (
    "ruleSelector",
    "serviceMonitorSelector",
    "podMonitorSelector",
    "probeSelector",
    "scrapeConfigSelector",
)


@functools.cache
def chart_pins() -> dict[str, dict[str, str]]:
    """Per chart: its pinned `version` and `repository` (charts.yaml)."""
    loaded: dict[str, dict[str, str]] = yaml.safe_load((HERE / "charts.yaml").read_text(encoding="utf-8"))
    return loaded


def _load(name: str) -> dict[str, Any]:
    path = VALUES_DIR / name
    if not path.exists():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def deep_merge(base: dict[str, Any], *overlays: dict[str, Any]) -> dict[str, Any]:
    """`base` with each overlay merged over it in order: mappings merge key by key, anything else
    (lists included, as Helm does) is replaced. The inputs are not modified."""
    merged: dict[str, Any] = _copied(base)
    for overlay in overlays:
        for key, value in overlay.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = deep_merge(merged[key], value)
            else:
                merged[key] = _copied(value)
    return merged


def _copied(value: Any) -> Any:
    # Copies the YAML structure only: a Pulumi output leaf is shared, never deep-copied (it holds futures).
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


def _with_storage_class(claim_holder: dict[str, Any]) -> None:
    spec = claim_holder.get("volumeClaimTemplate", {}).get("spec")
    if isinstance(spec, dict):
        spec["storageClassName"] = STORAGE_CLASS


def kube_prometheus_values(config: PlatformConfig, *, stack: str, region: str, cluster: str) -> dict[str, Any]:
    """The kube-prometheus-stack values of one cluster before the caller's overlays."""
    interval = f"{config.monitoring.scrape_interval_seconds}s"
    from_config: dict[str, Any] = {
        # The chart's own PrometheusRules, ServiceMonitors and PodMonitors carry the selector label too.
        "commonLabels": dict(names.SELECTOR_LABELS),
        "prometheus": {
            "prometheusSpec": {
                "retention": f"{config.monitoring.retention_days}d",
                "scrapeInterval": interval,
                "evaluationInterval": interval,
                "externalLabels": {"stack": stack, "region": region, "cluster": cluster},
                "priorityClassName": priority_classes.SYSTEM,
                **{selector: {"matchLabels": dict(names.SELECTOR_LABELS)} for selector in SELECTORS},
            }
        },
        # Value paths read from the pinned chart's values.yaml (alertmanager.alertmanagerSpec,
        # prometheus.prometheusSpec) and the grafana chart's top-level priorityClassName (_pod.tpl).
        "alertmanager": {"alertmanagerSpec": {"priorityClassName": priority_classes.SYSTEM}},
        "grafana": {
            "priorityClassName": priority_classes.SYSTEM,
            "admin": {
                "existingSecret": GRAFANA_ADMIN_SECRET,
                "userKey": GRAFANA_USER_KEY,
                "passwordKey": GRAFANA_PASSWORD_KEY,
            },
            "sidecar": {"dashboards": {"label": names.DASHBOARD_LABEL, "labelValue": names.DASHBOARD_LABEL_VALUE}},
            # Subcharts do not inherit commonLabels: each ServiceMonitor gets the selector label explicitly.
            "serviceMonitor": {"labels": dict(names.SELECTOR_LABELS)},
        },
        "kube-state-metrics": {"prometheus": {"monitor": {"additionalLabels": dict(names.SELECTOR_LABELS)}}},
        "prometheus-node-exporter": {
            "namespaceOverride": names.NODE_AGENTS_NAMESPACE,
            "prometheus": {"monitor": {"additionalLabels": dict(names.SELECTOR_LABELS)}},
        },
    }
    values = deep_merge(
        _load("kube-prometheus-stack.yaml"),
        _load(f"kube-prometheus-stack.{config.environment}.yaml"),
        from_config,
    )
    _with_storage_class(values.get("prometheus", {}).get("prometheusSpec", {}).get("storageSpec", {}))
    _with_storage_class(values.get("alertmanager", {}).get("alertmanagerSpec", {}).get("storage", {}))
    return values


def pushgateway_values(config: PlatformConfig) -> dict[str, Any]:
    """The prometheus-pushgateway values (one Pushgateway per cluster)."""
    from_names: dict[str, Any] = {
        "service": {"port": names.PUSHGATEWAY_PORT, "targetPort": names.PUSHGATEWAY_PORT},
        "serviceMonitor": {
            "namespace": names.MONITORING_NAMESPACE,
            "additionalLabels": dict(names.SELECTOR_LABELS),
        },
        "persistentVolume": {"storageClass": STORAGE_CLASS},
    }
    return deep_merge(
        _load("prometheus-pushgateway.yaml"), _load(f"prometheus-pushgateway.{config.environment}.yaml"), from_names
    )
