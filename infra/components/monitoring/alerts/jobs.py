"""The drift job's own health: a failed run, and no successful run within twice its schedule's period."""

from __future__ import annotations

from typing import Any

from infra.components.models.drift_cronjob import cronjob_names
from infra.components.models.names import MODELS_NAMESPACE
from infra.components.monitoring.alerts import metrics as m
from infra.components.monitoring.alerts.base import Scope, alert, any_of, eq, quote, selector
from infra.components.monitoring.alerts.drift import model_matchers
from infra.config.model import DriftFrequency, ModelConfig, effective_drift_frequency

RUNBOOK = "drift-job.md"
DAY = 86_400
# The longest period of each frequency (a month: 31 days), so a late but normal run never looks stale.
PERIOD_SECONDS: dict[DriftFrequency, int] = {"daily": DAY, "weekly": 7 * DAY, "monthly": 31 * DAY}


def stale_after_seconds(model: ModelConfig) -> int:
    return 2 * PERIOD_SECONDS[effective_drift_frequency(model)]


def job_rules(scope: Scope, model: ModelConfig) -> list[dict[str, Any]]:
    namespace = eq("namespace", MODELS_NAMESPACE)
    owners = selector(
        m.KSM_JOB_OWNER, namespace, eq("owner_kind", "CronJob"), f"owner_name=~{quote(any_of(cronjob_names(model)))}"
    )
    failed = (
        f"{selector(m.KSM_JOB_FAILED, namespace, eq('condition', 'true'))} == 1\nand on(namespace, job_name) {owners}"
    )
    window = stale_after_seconds(model)
    success = selector(m.LAST_SUCCESS, *model_matchers(scope, model))
    created = selector(m.KSM_CRONJOB_CREATED, namespace, eq("cronjob", cronjob_names(model)[0]))
    # Never reported: the CronJob has existed for the whole window and no success was ever pushed.
    stale = f"(time() - max({success}) > {window})\nor\n(time() - max({created}) > {window} unless on() {success})"
    frequency = effective_drift_frequency(model)
    return [
        alert(
            scope,
            name="DriftJobFailed",
            expr=failed,
            severity="warning",
            team=model.owner,
            labels={"model": model.name},
            summary=f"{model.name}: drift job {{{{ $labels.job_name }}}} failed",
            description=(
                "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed (kept until its TTL, 24 h): "
                f"the {frequency} drift check of {model.name} did not run to the end."
            ),
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="DriftJobStale",
            expr=stale,
            severity="critical",
            team=model.owner,
            labels={"model": model.name},
            summary=f"{model.name}: no successful drift run for {window // DAY} days",
            description=(
                f"The {frequency} drift job of {model.name} has not reported a success for "
                f"{{{{ $value | humanizeDuration }}}} (limit: twice its period, {window // DAY} days); "
                "its drift and quality alerts are blind."
            ),
            runbook=RUNBOOK,
        ),
    ]
