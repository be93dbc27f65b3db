"""Metrics for Prometheus: one registry per run, pushed to the Pushgateway or written as text.

Grouping key job/model/stack: the next run of the same model replaces its series, and a
model that stops running keeps its last values plus a stale success timestamp to alert on.
"""

from __future__ import annotations

import logging
import time
import urllib.error
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest, push_to_gateway
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from drift_jobs import contract
from drift_jobs.errors import DependencyUnavailableError
from drift_jobs.evaluate.metrics import REGISTRY
from drift_jobs.evaluate.report import DriftReport
from drift_jobs.retry import RetryPolicy, TransientError, call_with_retries

log = logging.getLogger(__name__)
# Per-feature drift gauges: Prometheus name -> report key, from the metric registry.
FEATURE_METRICS = {m.prometheus: m.name for m in REGISTRY}
_ROWS = "drift_job_rows_processed_total"


class RunMetrics(Collector):
    """One run's values as metric families, in the contract's order (prometheus_client's custom-collector form).

    A run's values are known once and never change, so each family is built from them directly: no per-label
    child objects with their locks and name checks (Gauge.labels), which cost as much as the values' exposition.
    """

    def __init__(self) -> None:
        self._families: dict[str, GaugeMetricFamily | CounterMetricFamily] = {}
        for name, (extra, help_text) in contract.METRICS.items():
            labels = [*contract.BASE_LABELS, *extra]
            if name == _ROWS:  # a counter is declared without its _total suffix; no _created sample is added
                self._families[name] = CounterMetricFamily(name.removesuffix("_total"), help_text, labels=labels)
            else:
                self._families[name] = GaugeMetricFamily(name, help_text, labels=labels)

    def add(self, name: str, labels: list[str], value: float) -> None:
        """One sample; `labels` are the values of the family's labels, in the contract's order."""
        self._families[name].add_metric(labels, float(value))

    def collect(self) -> Iterator[Metric]:
        yield from self._families.values()


def build_registry(report: DriftReport, duration_s: float, finished_at: float | None = None) -> CollectorRegistry:
    m = RunMetrics()
    base = [str(report.labels.get(k, "")) for k in contract.BASE_LABELS]
    for f in report.features:
        labels = [*base, f.name]
        for metric, key in FEATURE_METRICS.items():
            value = f.values.get(key)
            if value is not None:
                m.add(metric, labels, value)
        missing = f.missing
        if missing.current_share is not None:
            m.add("model_drift_missing_share", labels, missing.current_share)
        if missing.change is not None:
            m.add("model_drift_missing_share_change", labels, missing.change)
        code = contract.STATUS_CODES.get(f.status, contract.STATUS_CODES["not_evaluated"])
        m.add("model_drift_feature_status", labels, code)
        for metric, th in f.thresholds.items():
            for tier in contract.TIERS:
                m.add("model_drift_threshold", [*labels, metric, tier], getattr(th.tier, tier))
    for issue in report.schema:  # schema and data-quality findings (evaluate/schema.py)
        m.add("model_drift_schema_issue", [*base, issue.feature, issue.reason], contract.STATUS_CODES[issue.tier])
    summary = report.summary
    m.add("model_drift_dataset_drifted", base, 1 if summary.dataset_drifted else 0)
    m.add("model_drift_drifted_features_share", base, summary.drifted_share)
    m.add("model_drift_status", base, contract.STATUS_CODES.get(summary.status, 0))
    perf = report.performance
    if perf:
        for metric, v in perf.metrics.items():
            for window, value in (("reference", v.reference), ("current", v.current)):
                if value is not None:
                    m.add("model_performance_value", [*base, metric, window], value)
            if v.relative_drop is not None:
                m.add("model_performance_relative_drop", [*base, metric], v.relative_drop)
    lat = report.latency
    if lat:
        for q in lat.quantiles.values():
            qs = f"{q.quantile:g}"
            for window, value in (("reference", q.reference), ("current", q.current)):
                if value is not None:
                    m.add("model_latency_quantile", [*base, qs, window], value)
            if q.relative_increase is not None:
                m.add("model_latency_relative_increase", [*base, qs], q.relative_increase)
    m.add("drift_job_last_success_timestamp_seconds", base, finished_at or time.time())
    m.add("drift_job_duration_seconds", base, duration_s)
    m.add(_ROWS, base, report.window.rows)
    reg = CollectorRegistry(auto_describe=False)
    reg.register(m)
    return reg


def metrics_text(reg: CollectorRegistry) -> bytes:
    return bytes(generate_latest(reg))


def push(reg: CollectorRegistry, url: str, report: DriftReport, policy: RetryPolicy) -> None:
    grouping = {k: str(report.labels.get(k, "")) for k in contract.GROUPING_KEY_LABELS}

    def attempt() -> None:
        try:
            push_to_gateway(url, job=contract.PUSHGATEWAY_JOB, registry=reg, grouping_key=grouping, timeout=10)
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code in (408, 429):
                raise TransientError(f"HTTP {exc.code}") from exc
            raise DependencyUnavailableError(f"Pushgateway {url} rejected the push: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransientError(str(getattr(exc, "reason", exc))) from exc

    call_with_retries(attempt, f"Pushgateway {url}", policy)
    log.info("metrics pushed", extra={"pushgateway": url, "grouping_key": grouping})
