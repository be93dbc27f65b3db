"""Metrics for Prometheus: one registry per run, pushed to the Pushgateway or written as text.

Grouping key job/model/stack: the next run of the same model replaces its series, and a
model that stops running keeps its last values plus a stale success timestamp to alert on.
"""

from __future__ import annotations

import logging
import time
import urllib.error

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    disable_created_metrics,
    generate_latest,
    push_to_gateway,
)

from drift_jobs import contract
from drift_jobs.errors import DependencyUnavailableError
from drift_jobs.evaluate.metrics import REGISTRY
from drift_jobs.evaluate.report import DriftReport
from drift_jobs.retry import RetryPolicy, TransientError, call_with_retries

log = logging.getLogger(__name__)
# Per-feature drift gauges: Prometheus name -> report key, from the metric registry.
FEATURE_METRICS = {m.prometheus: m.name for m in REGISTRY}


def _gauge(reg: CollectorRegistry, name: str) -> Gauge:
    extra, help_text = contract.METRICS[name]
    return Gauge(name, help_text, [*contract.BASE_LABELS, *extra], registry=reg)


def build_registry(report: DriftReport, duration_s: float, finished_at: float | None = None) -> CollectorRegistry:
    # A pushed counter lives for one run; its *_created twin would only add a useless series.
    disable_created_metrics()  # type: ignore[no-untyped-call]
    reg = CollectorRegistry()
    base = {k: str(report.labels.get(k, "")) for k in contract.BASE_LABELS}
    gauges = {name: _gauge(reg, name) for name in contract.METRICS if name != "drift_job_rows_processed_total"}
    for f in report.features:
        labels = {**base, "feature": f.name}
        for metric, key in FEATURE_METRICS.items():
            value = f.values.get(key)
            if value is not None:
                gauges[metric].labels(**labels).set(float(value))
        missing = f.missing
        if missing.current_share is not None:
            gauges["model_drift_missing_share"].labels(**labels).set(missing.current_share)
        if missing.change is not None:
            gauges["model_drift_missing_share_change"].labels(**labels).set(missing.change)
        code = contract.STATUS_CODES.get(f.status, contract.STATUS_CODES["not_evaluated"])
        gauges["model_drift_feature_status"].labels(**labels).set(code)
        for metric, th in f.thresholds.items():
            for tier in contract.TIERS:
                gauges["model_drift_threshold"].labels(**labels, metric=metric, tier=tier).set(getattr(th.tier, tier))
    for issue in report.schema:  # schema and data-quality findings (evaluate/schema.py)
        labels = {**base, "feature": issue.feature, "reason": issue.reason}
        gauges["model_drift_schema_issue"].labels(**labels).set(contract.STATUS_CODES[issue.tier])
    summary = report.summary
    gauges["model_drift_dataset_drifted"].labels(**base).set(1 if summary.dataset_drifted else 0)
    gauges["model_drift_drifted_features_share"].labels(**base).set(summary.drifted_share)
    gauges["model_drift_status"].labels(**base).set(contract.STATUS_CODES.get(summary.status, 0))
    perf = report.performance
    if perf:
        for metric, v in perf.metrics.items():
            for window, value in (("reference", v.reference), ("current", v.current)):
                if value is not None:
                    gauges["model_performance_value"].labels(**base, metric=metric, window=window).set(value)
            if v.relative_drop is not None:
                gauges["model_performance_relative_drop"].labels(**base, metric=metric).set(v.relative_drop)
    lat = report.latency
    if lat:
        for q in lat.quantiles.values():
            qs = f"{q.quantile:g}"
            for window, value in (("reference", q.reference), ("current", q.current)):
                if value is not None:
                    gauges["model_latency_quantile"].labels(**base, quantile=qs, window=window).set(value)
            if q.relative_increase is not None:
                gauges["model_latency_relative_increase"].labels(**base, quantile=qs).set(q.relative_increase)
    gauges["drift_job_last_success_timestamp_seconds"].labels(**base).set(finished_at or time.time())
    gauges["drift_job_duration_seconds"].labels(**base).set(duration_s)
    rows = Counter(
        "drift_job_rows_processed",
        contract.METRICS["drift_job_rows_processed_total"][1],
        list(contract.BASE_LABELS),
        registry=reg,
    )
    rows.labels(**base).inc(report.window.rows)
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
