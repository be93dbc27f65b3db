"""The verification's metrics, pushed to the Pushgateway under job + the cluster's grouping labels.

Pushed with POST (pushadd): only the metrics of this push replace their old values, so a failed run (which
does not push the last-success timestamp) leaves the previous success time in place for the stale alert.
"""

from __future__ import annotations

import urllib.error
from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Gauge, pushadd_to_gateway

from storage_jobs.restore_check import contract
from storage_jobs.restore_check.verify import DependencyError


def registry(*, success: bool, duration_s: float, objects: int, finished_at: float) -> CollectorRegistry:
    reg = CollectorRegistry()

    def gauge(name: str, value: float) -> None:
        Gauge(name, contract.METRICS[name], registry=reg).set(value)

    gauge(contract.SUCCESS_METRIC, 1.0 if success else 0.0)
    gauge(contract.DURATION_METRIC, duration_s)
    gauge(contract.OBJECTS_METRIC, float(objects))
    if success:
        gauge(contract.LAST_SUCCESS_METRIC, finished_at)
    return reg


def push(url: str, grouping: Mapping[str, str], reg: CollectorRegistry) -> None:
    missing = [label for label in contract.GROUPING_LABELS if not grouping.get(label)]
    if missing:
        raise ValueError(f"grouping labels without a value: {missing}")
    try:
        pushadd_to_gateway(url, job=contract.PUSH_JOB, registry=reg, grouping_key=dict(grouping), timeout=15)
    except (urllib.error.URLError, OSError) as error:
        raise DependencyError(f"cannot push to {url}: {error}") from error
