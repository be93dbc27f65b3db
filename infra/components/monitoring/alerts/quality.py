"""Model quality alerts: performance drop and latency increase (pushed by the drift job, tiered like it)
and the inference error rate of real-time models (the serving contract in names.py)."""

from __future__ import annotations

from typing import Any

from drift_jobs import contract
from infra.components.monitoring import names
from infra.components.monitoring.alerts import metrics as m
from infra.components.monitoring.alerts.base import TIER_SEVERITIES, Scope, alert, any_of, eq, quote, selector
from infra.components.monitoring.alerts.drift import model_matchers
from infra.components.monitoring.alerts.knobs import knobs
from infra.config.model import ModelConfig

RUNBOOK = "model-quality.md"
P95 = 0.95
assert P95 in contract.LATENCY_QUANTILES
# The performance metrics each task pushes a relative drop for (drift_jobs.summarise.performance; rmse: an increase).
TASK_METRICS = {"classification": ["accuracy", "f1"], "regression": ["rmse"]}
ERROR_RATE_WINDOW = "5m"


def _performance_metrics(model: ModelConfig) -> list[str]:
    if model.drift.task is None:  # the job infers the task from the label column
        return sorted({metric for metrics in TASK_METRICS.values() for metric in metrics})
    return TASK_METRICS[model.drift.task]


def quality_rules(scope: Scope, model: ModelConfig) -> list[dict[str, Any]]:
    thresholds = model.drift.thresholds
    base = model_matchers(scope, model)
    metrics = _performance_metrics(model)
    rules: list[dict[str, Any]] = []
    for severity in TIER_SEVERITIES:
        drop = getattr(thresholds.accuracy_drop, severity)
        rules.append(
            alert(
                scope,
                name="ModelPerformanceDrop",
                expr=f"{selector(m.PERFORMANCE_RELATIVE_DROP, *base, f'metric=~{quote(any_of(metrics))}')} > {drop}",
                severity=severity,
                team=model.owner,
                labels={"model": model.name},
                summary=f"{model.name}: {{{{ $labels.metric }}}} dropped ({severity})",
                description=(
                    "{{ $labels.metric }} is {{ $value | humanizePercentage }} worse than on the reference "
                    f"window ({severity} above {drop:.0%})."
                ),
                runbook=RUNBOOK,
            )
        )
    for severity in TIER_SEVERITIES:
        rise = getattr(thresholds.latency_increase, severity)
        rules.append(
            alert(
                scope,
                name="ModelLatencyIncrease",
                expr=f"{selector(m.LATENCY_RELATIVE_INCREASE, *base, eq('quantile', f'{P95:g}'))} > {rise}",
                severity=severity,
                team=model.owner,
                labels={"model": model.name},
                summary=f"{model.name}: p95 latency rose ({severity})",
                description=(
                    "p95 latency is {{ $value | humanizePercentage }} above the reference window "
                    f"({severity} above {rise:.0%})."
                ),
                runbook=RUNBOOK,
            )
        )
    if model.serving == "realtime":
        rules += _error_rate(scope, model)
    return rules


def _error_rate(scope: Scope, model: ModelConfig) -> list[dict[str, Any]]:
    tiers = knobs(scope.config).inference_error_rate
    requests = selector(m.INFERENCE_REQUESTS, eq("model", model.name))
    errors = selector(
        m.INFERENCE_REQUESTS, eq("model", model.name), eq(names.INFERENCE_OUTCOME_LABEL, names.INFERENCE_ERROR_OUTCOME)
    )
    ratio = (
        f"sum by (model) (rate({errors}[{ERROR_RATE_WINDOW}]))\n"
        f"/\nsum by (model) (rate({requests}[{ERROR_RATE_WINDOW}]))"
    )
    return [
        alert(
            scope,
            name="ModelInferenceErrorRate",
            expr=f"(\n{ratio}\n) > {getattr(tiers, severity)}",
            for_=ERROR_RATE_WINDOW,
            severity=severity,
            team=model.owner,
            labels={"model": model.name},
            summary=f"{model.name}: inference errors ({severity})",
            description=(
                f"{{{{ $value | humanizePercentage }}}} of {model.name}'s inference requests fail "
                f"({severity} above {getattr(tiers, severity):.0%})."
            ),
            runbook=RUNBOOK,
        )
        for severity in TIER_SEVERITIES
    ]
