"""Data-drift alerts of one model, from the thresholds its drift job is configured with.

Agreement with the job: the job tiers a feature with strict `>` (drift_jobs.evaluate.thresholds.tier_of) against
the threshold in force, which is the configured one or, with adaptive thresholds, a value raised from past
runs (never lowered, at most contract.ADAPTIVE_MAX_FACTOR times the static one). The job pushes that value
as model_drift_threshold{metric, tier, feature}. An alert therefore fires when the score is above the
configured threshold (the floor: it holds even when no threshold series was pushed) AND not at or below the
pushed threshold in force, and when the job's feature status reached the tier (the job dismisses an effect
whose Benjamini-Hochberg adjusted p-value is not significant; the alert must not page for it either).
Drift alerts are events of a run: `for: 0s`, one pushed sample fires them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drift_jobs import contract
from infra.components.monitoring.alerts import metrics as m
from infra.components.monitoring.alerts.base import TIER_SEVERITIES, Scope, alert, any_of, eq, on, quote, selector
from infra.config.model import Band, ModelConfig

RUNBOOK = "model-drift.md"
FEATURE_LABELS = contract.FEATURE_LABELS


def model_matchers(scope: Scope, model: ModelConfig) -> tuple[str, str]:
    # region: with a cross-region view, another region's copies of the series must not fire here.
    return eq("model", model.name), eq("region", scope.region)


def _feature_tiers(
    scope: Scope,
    model: ModelConfig,
    *,
    name: str,
    score: str,
    threshold_metric: str,
    what: str,
    model_band: Band,
    overrides: dict[str, Band],
) -> Iterator[dict[str, Any]]:
    """One rule per tier: the model's band for most features, the override for each overridden feature
    (a feature is matched by exactly one branch; one rule, since promtool rejects duplicate alert rules)."""
    if threshold_metric not in contract.FEATURE_THRESHOLD_METRICS:
        raise KeyError(f"{threshold_metric} is not a per-feature threshold of the drift job's contract")
    scopes: list[tuple[str | None, Band]] = [(None, model_band), *sorted(overrides.items())]
    base = model_matchers(scope, model)
    for severity in TIER_SEVERITIES:
        branches = []
        for feature, band in scopes:
            if feature is None:
                feature_matchers = [f"feature!~{quote(any_of(list(overrides)))}"] if overrides else []
            else:
                feature_matchers = [eq("feature", feature)]
            branches.append(f"{selector(score, *base, *feature_matchers)} > {getattr(band, severity)}")
        in_force = selector(m.THRESHOLD, *base, eq("metric", threshold_metric), eq("tier", severity))
        status = selector(m.FEATURE_STATUS, *base)
        above_floor = "\n  or\n  ".join(branches)
        expr = (
            f"(\n  {above_floor}\n)\n"
            f"unless {on(FEATURE_LABELS)}\n"
            f"({selector(score, *base)} <= {on(FEATURE_LABELS)} {in_force})\n"
            f"and {on(FEATURE_LABELS)} {status} >= {contract.STATUS_CODES[severity]}"
        )
        floors = f"{getattr(model_band, severity)}" + "".join(
            f"; {feature}: {getattr(band, severity)}" for feature, band in sorted(overrides.items())
        )
        yield alert(
            scope,
            name=name,
            expr=expr,
            severity=severity,
            team=model.owner,
            labels={"model": model.name},
            summary=f"{model.name}: {what} of feature {{{{ $labels.feature }}}} is {severity}",
            description=(
                f'{what} of feature {{{{ $labels.feature }}}} is {{{{ printf "%.3f" $value }}}}, above the '
                f"configured {severity} threshold ({floors}) and the threshold in force (adaptive ones only raise it)."
            ),
            runbook=RUNBOOK,
        )


def drift_rules(scope: Scope, model: ModelConfig) -> list[dict[str, Any]]:
    thresholds = model.drift.thresholds
    rules = list(
        _feature_tiers(
            scope,
            model,
            name="ModelFeatureDrift",
            score=m.PSI,
            threshold_metric="psi",
            what="PSI",
            model_band=thresholds.psi,
            overrides={f: t.psi for f, t in thresholds.features.items() if t.psi is not None},
        )
    )
    rules += _feature_tiers(
        scope,
        model,
        name="ModelMissingShareIncrease",
        score=m.MISSING_SHARE_CHANGE,
        threshold_metric="missing_share_increase",
        what="missing-share increase",
        model_band=thresholds.missing_share_increase,
        overrides={
            f: t.missing_share_increase for f, t in thresholds.features.items() if t.missing_share_increase is not None
        },
    )
    share = thresholds.dataset_drift_share
    rules.append(
        alert(
            scope,
            name="ModelDatasetDrift",
            # The job's decision: drifted features / evaluated features >= the share (evaluate.py).
            expr=f"{selector(m.DRIFTED_FEATURES_SHARE, *model_matchers(scope, model))} >= {share}",
            severity="warning",
            team=model.owner,
            labels={"model": model.name},
            summary=f"{model.name}: the dataset drifted",
            description=f"{{{{ $value | humanizePercentage }}}} of the evaluated features drifted (decision: {share}).",
            runbook=RUNBOOK,
        )
    )
    return rules
