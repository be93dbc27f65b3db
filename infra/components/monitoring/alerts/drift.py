"""Data-drift alerts of one model, from the thresholds its drift job is configured with.

Agreement with the job: the job tiers a feature with strict `>` (drift_jobs.evaluate.thresholds.tier_of) against
the threshold in force, which is the configured one or, with adaptive thresholds, a value raised from past
runs (never lowered, at most contract.ADAPTIVE_MAX_FACTOR times the static one). The job pushes that value
as model_drift_threshold{metric, tier, feature}. An alert therefore fires when the score is above the
configured threshold (the floor: it holds even when no threshold series was pushed) AND not at or below the
pushed threshold in force, and when the job's feature status reached the tier (the job dismisses an effect
whose Benjamini-Hochberg adjusted p-value is not significant; the alert must not page for it either).
Drift alerts are events of a run: `for: 0s`, one pushed sample fires them.

Every effect size the infra config carries a band for has its own per-feature alert (EFFECT_ALERTS): PSI,
KS and the normalised Wasserstein distance see different changes (a scale change or 5 % outliers leave PSI
below 0.1 and move KS / Wasserstein), and the job tiers the feature on each. Schema and data-quality findings
(a dropped column, a retyped one: the job marks the feature critical without any effect size) fire
ModelSchemaIssue on the tier code the job pushes in model_drift_schema_issue{feature, reason}.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from drift_jobs.evaluate.metrics import BY_NAME

from drift_jobs import contract
from infra.components.monitoring.alerts import metrics as m
from infra.components.monitoring.alerts.base import TIER_SEVERITIES, Scope, alert, any_of, eq, on, quote, selector
from infra.config.model import Band, DriftThresholds, ModelConfig

RUNBOOK = "model-drift.md"
FEATURE_LABELS = contract.FEATURE_LABELS


@dataclass(frozen=True)
class EffectAlert:
    """A tiered effect size of the drift job's metric registry and the per-feature alert that fires on it."""

    metric: str  # registry name: the DriftThresholds / FeatureThresholds field, model_drift_threshold{metric}
    alert: str
    score: str  # the gauge the job pushes per feature (Metric.prometheus)
    what: str  # how summaries and descriptions name it


# The names are an interface (silences, routes, dashboards match them): PSI keeps the name it has always had;
# the others name their statistic. tests/monitoring/test_alert_rules.py holds this table to the registry's
# effect sizes with default tiers, and to the config's bands.
EFFECT_ALERTS: tuple[EffectAlert, ...] = (
    EffectAlert("psi", "ModelFeatureDrift", m.PSI, "PSI"),
    EffectAlert("ks_statistic", "ModelFeatureDriftKS", m.KS_STATISTIC, "KS statistic"),
    EffectAlert(
        "wasserstein_normalized",
        "ModelFeatureDriftWasserstein",
        m.WASSERSTEIN_NORMALIZED,
        "normalised Wasserstein distance",
    ),
)
for _effect in EFFECT_ALERTS:
    _declared = BY_NAME.get(_effect.metric)
    if _declared is None or _declared.role != "effect" or _declared.prometheus != _effect.score:
        raise KeyError(f"{_effect.metric} / {_effect.score} is not an effect size of the drift job's registry")

SCHEMA_ALERT = "ModelSchemaIssue"
# What each reason of model_drift_schema_issue means (drift_jobs/evaluate/schema.py; the test holds the keys to
# contract.DEFAULT_SCHEMA_TIERS); a reason the job adds later still fires, described as "see the run's report".
SCHEMA_REASONS: dict[str, str] = {
    "missing_column": "the column is absent from every file of the window",
    "all_missing": "the column holds no valid value (all null, NaN or +-inf) though the reference had some",
    "type_change": "most of the column's present values are of the wrong type (e.g. text in a numeric feature)",
    "cardinality_explosion": "categories the reference never had make up a large share of the column",
    "extra_column": "the window has a column the reference never had",
    "nothing_evaluated": "the window has rows but no feature could be evaluated",
}


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


def _overrides(thresholds: DriftThresholds, metric: str) -> dict[str, Band]:
    """The features with their own band for a metric (FeatureThresholds has a field per tiered metric)."""
    out: dict[str, Band] = {}
    for feature, own in thresholds.features.items():
        band = getattr(own, metric)
        if band is not None:
            out[feature] = band
    return out


def _schema_rules(scope: Scope, model: ModelConfig) -> Iterator[dict[str, Any]]:
    """One rule per tier on the finding's tier code: a critical finding also fires the warning rule (inhibited
    by Alertmanager, as for every tiered alert); an `ok` finding (0) never fires."""
    feature = "{{ if $labels.feature }}feature {{ $labels.feature }}{{ else }}the window{{ end }}"
    meaning = "".join(
        f"{{{{ {'if' if i == 0 else 'else if'} eq $labels.reason {quote(reason)} }}}}{text}"
        for i, (reason, text) in enumerate(SCHEMA_REASONS.items())
    )
    meaning += "{{ else }}see the run's report{{ end }}"
    for severity in TIER_SEVERITIES:
        yield alert(
            scope,
            name=SCHEMA_ALERT,
            expr=f"{selector(m.SCHEMA_ISSUE, *model_matchers(scope, model))} >= {contract.STATUS_CODES[severity]}",
            severity=severity,
            team=model.owner,
            labels={"model": model.name},
            summary=f"{model.name}: schema finding {{{{ $labels.reason }}}} on {feature} is {severity}",
            description=(
                f"The last drift run found {{{{ $labels.reason }}}} on {feature}: {meaning} "
                "(tier {{ $value }}: 1 warning, 2 critical). The run's report has the finding's message."
            ),
            runbook=RUNBOOK,
        )


def drift_rules(scope: Scope, model: ModelConfig) -> list[dict[str, Any]]:
    thresholds = model.drift.thresholds
    rules: list[dict[str, Any]] = []
    for effect in EFFECT_ALERTS:
        rules += _feature_tiers(
            scope,
            model,
            name=effect.alert,
            score=effect.score,
            threshold_metric=effect.metric,
            what=effect.what,
            model_band=getattr(thresholds, effect.metric),
            overrides=_overrides(thresholds, effect.metric),
        )
    rules += _feature_tiers(
        scope,
        model,
        name="ModelMissingShareIncrease",
        score=m.MISSING_SHARE_CHANGE,
        threshold_metric="missing_share_increase",
        what="missing-share increase",
        model_band=thresholds.missing_share_increase,
        overrides=_overrides(thresholds, "missing_share_increase"),
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
    rules += _schema_rules(scope, model)
    return rules
