"""From a profile and a window summary to the report: metrics, tiers, dataset decision.

Alert tiers rest on effect sizes (every effect metric of the registry that has a threshold
in force: PSI, KS statistic and normalised Wasserstein by default, any other per feature
when configured); p-values only guard: a tier is kept only where the Benjamini-Hochberg
adjusted p-value across the run's features is significant, so small windows do not page on
sampling noise. Metrics come from the registry (drift_jobs.evaluate.metrics).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from drift_jobs import contract
from drift_jobs.config import JobConfig, Tier
from drift_jobs.evaluate import schema
from drift_jobs.evaluate.history import past_values
from drift_jobs.evaluate.metrics import (
    BY_NAME,
    FeatureInput,
    MetricValue,
    benjamini_hochberg,
    compute_all,
    effect_metrics,
    for_kind,
    guard_for,
)
from drift_jobs.evaluate.report import (
    Adaptive,
    DriftReport,
    FeatureReport,
    Latency,
    LatencyQuantile,
    Missing,
    Performance,
    PerformanceMetric,
    RunSummary,
    Window,
)
from drift_jobs.evaluate.thresholds import TIER_RANK, ThresholdUsed, adapt, tier_of, worst
from drift_jobs.read.features import FeatureSpec
from drift_jobs.summarise.categorical import OTHER, UNSEEN, CategoricalSummary
from drift_jobs.summarise.numeric import NumericSummary
from drift_jobs.summarise.performance import PRIMARY_METRIC, ClassificationStats, relative_drop
from drift_jobs.summarise.profile import Profile
from drift_jobs.summarise.summary import WindowSummary

MISSING_SHARE = "missing_share_increase"


@dataclass
class Evaluation:
    report: DriftReport
    profile: Profile
    summary: WindowSummary


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _missing(ref: NumericSummary | CategoricalSummary, cur: NumericSummary | CategoricalSummary) -> Missing:
    def counts(s: NumericSummary | CategoricalSummary) -> dict[str, int]:
        if isinstance(s, NumericSummary):
            return {
                "null_or_nan": s.n_missing,
                "posinf": s.n_posinf,
                "neginf": s.n_neginf,
                "absent": s.n_absent,
                "type_mismatch": s.n_mismatch,
            }
        return {"null": s.n_missing, "absent": s.n_absent, "type_mismatch": s.n_mismatch}

    ref_share = _share(ref.rows - ref.n, ref.rows)
    cur_share = _share(cur.rows - cur.n, cur.rows)
    change = None if ref_share is None or cur_share is None else cur_share - ref_share
    return Missing(ref_share, cur_share, change, counts(ref), counts(cur))


class _Thresholds:
    """The tier in force for a feature and metric: per-feature config, else the model-wide config,
    else the metric's declared default; raised by adaptation when enabled."""

    def __init__(self, cfg: JobConfig, profile_id: str, history: list[dict[str, Any]]) -> None:
        self.cfg = cfg
        self.profile_id = profile_id
        self.history = history if cfg.adaptive.enabled else []

    def _static(self, feature: str, metric: str) -> tuple[Tier | None, str]:
        t = self.cfg.thresholds
        override = t.features.get(feature, {}).get(metric)
        if override is not None:
            return override, "config"
        return t.model_wide(metric), "default"

    def get(self, feature: str, metric: str) -> ThresholdUsed | None:
        static, source = self._static(feature, metric)
        if static is None:
            return None
        if not self.cfg.adaptive.enabled:
            return ThresholdUsed(static, source)
        past = past_values(self.history, self.profile_id, feature, metric)
        return adapt(static, source, past, self.cfg.adaptive.min_history)


def _metric_values(f: FeatureReport, inp: FeatureInput) -> None:
    """Fill the registry's metrics into the entry; a metric that cannot be computed is null
    with its reason."""
    values: dict[str, MetricValue] = compute_all(inp)
    for name, v in values.items():
        f.values[name] = v.value
        f.details.update({k: v.details[k] for k in BY_NAME[name].details if k in v.details})
        if v.value is None and v.reason:
            f.reasons.append(f"{name} not computed: {v.reason}")


def _feature_entry(
    spec: FeatureSpec, profile: Profile, summary: WindowSummary, th: _Thresholds, min_samples: int
) -> FeatureReport:
    if spec.kind == "numeric":
        prof = profile.numeric[spec.name]
        ref_s: NumericSummary | CategoricalSummary = prof.summary
        cur_s: NumericSummary | CategoricalSummary = summary.numeric[spec.name]
    else:
        cprof = profile.categorical[spec.name]
        ref_s = cprof.summary
        cur_s = summary.categorical[spec.name]
    missing = _missing(ref_s, cur_s)
    f = FeatureReport(
        name=spec.name,
        type=spec.kind,
        role=spec.role,
        n_reference=ref_s.n,
        n_current=cur_s.n,
        missing=missing,
        missing_share_increase=max(0.0, missing.change or 0.0),
    )
    f.values = {m.name: None for m in for_kind(spec.kind)}
    if cur_s.rows and cur_s.n_absent == cur_s.rows:
        f.status = "missing_column"
        f.reasons.append("column absent from every file of the window")
    elif cur_s.n == 0 and cur_s.n_mismatch > 0:
        f.status = "type_mismatch"
        f.reasons.append(f"no value of the expected {spec.kind} type ({cur_s.n_mismatch} mismatched)")
    else:
        if cur_s.n_mismatch:
            f.reasons.append(f"{cur_s.n_mismatch} value(s) of the wrong type excluded")
        if cur_s.n == 0:
            f.reasons.append("metrics not computed: no valid value in the window")
        elif ref_s.n == 0:
            f.reasons.append("metrics not computed: no valid value in the reference")
        if cur_s.n < min_samples:
            f.status = "insufficient_data"
            f.reasons.append(f"{cur_s.n} valid value(s) in the window, fewer than min_samples={min_samples}")
    if isinstance(cur_s, NumericSummary) and isinstance(ref_s, NumericSummary):
        bins = profile.numeric[spec.name].bins
        ref_counts, cur_counts = bins.coarse_counts(ref_s), bins.coarse_counts(cur_s)
        if cur_s.n and ref_s.n and f.status in ("evaluate", "insufficient_data"):
            _metric_values(f, FeatureInput("numeric", ref_counts, cur_counts, bins, ref_s, cur_s))
        if cur_s.n:
            f.histogram = {
                "bin_edges": bins.coarse_edges.tolist(),
                "reference": ref_counts.tolist(),
                "current": cur_counts.tolist(),
            }
    else:
        cs = summary.categorical[spec.name]
        cp = profile.categorical[spec.name]
        if cs.n and cp.summary.n and f.status in ("evaluate", "insufficient_data"):
            _metric_values(f, FeatureInput("categorical", cp.summary.counts, cs.counts))
        labels = cp.buckets.labels
        f.unseen_share = _share(int(cs.counts[labels.index(UNSEEN)]), cs.n)
        f.unseen_examples = dict(sorted(cs.unseen_examples.items(), key=lambda kv: (-kv[1], kv[0])))
        f.histogram = {"labels": labels, "reference": cp.summary.counts.tolist(), "current": cs.counts.tolist()}
        if cp.buckets.known_other_truncated:
            f.reasons.append(f"reference has too many categories to tell {OTHER} from {UNSEEN}")
    # Thresholds in force, for every tiered metric that has one for this feature.
    for metric in (*(m.name for m in effect_metrics() if m.applies_to(spec.kind)), MISSING_SHARE):
        t = th.get(spec.name, metric)
        if t is not None:
            f.thresholds[metric] = t
    return f


def _tiers(f: FeatureReport, significance: float) -> None:
    """The one place where a feature's tiers are combined into its status.

    Effect tiers (registry effect sizes with a threshold in force) stand only where the
    guard's adjusted p-value is significant; the missing-share tier and the tiers of
    `f.findings` (filled before the decision, e.g. by schema checks, with their reasons)
    stand on their own; a finding's tier is the status even of a feature whose distribution
    could not be evaluated.
    """
    missing_tier = "ok"
    if MISSING_SHARE in f.thresholds and f.status != "missing_column":
        missing_tier = tier_of(f.missing_share_increase, f.thresholds[MISSING_SHARE].tier)
        f.tiers[MISSING_SHARE] = missing_tier
    f.tiers.update(f.findings)
    found = worst(*f.findings.values())
    if f.status != "evaluate":
        f.evaluated = False
        f.drifted = False
        f.distribution_status = f.status
        if TIER_RANK[missing_tier] > 0:
            f.reasons.append(f"missing share rose by {f.missing_share_increase:.3f}")
        # As before, the missing-share tier alone leaves a not-evaluated status; a finding does not.
        if TIER_RANK[found] > 0:
            f.status = found
        return
    effect = "ok"
    for metric, used in f.thresholds.items():
        value = f.values.get(metric)
        if metric != MISSING_SHARE and value is not None:
            f.tiers[metric] = tier_of(value, used.tier)
            effect = worst(effect, f.tiers[metric])
    q = f.pvalue_adjusted
    significant = q is not None and q < significance
    if TIER_RANK[effect] > 0 and not significant:
        f.reasons.append(
            f"effect size reaches {effect} but adjusted p-value {q if q is not None else float('nan'):.3g} "
            f">= {significance}: treated as sampling noise"
        )
        effect = "ok"
    f.evaluated = True
    f.drifted = TIER_RANK[effect] > 0
    f.distribution_status = effect
    f.status = worst(effect, missing_tier, found)
    if TIER_RANK[missing_tier] > 0:
        f.reasons.append(f"missing share rose by {f.missing_share_increase:.3f}")


def _decide(entries: list[FeatureReport], significance: float) -> None:
    """Tiers per feature, guarded by Benjamini-Hochberg over the evaluated features."""
    evaluated = [e for e in entries if e.status == "evaluate"]
    pvals = [e.values.get(guard_for(e.type).name) for e in evaluated]
    adjusted = benjamini_hochberg([1.0 if p is None else float(p) for p in pvals])
    for e, q in zip(evaluated, adjusted, strict=True):
        e.pvalue_adjusted = q
    for e in entries:
        _tiers(e, significance)


def _performance(cfg: JobConfig, profile: Profile, summary: WindowSummary) -> Performance | None:
    if profile.performance is None or summary.performance is None:
        return None
    task = "classification" if isinstance(profile.performance, ClassificationStats) else "regression"
    ref_m = profile.performance.metrics()
    cur_m = summary.performance.metrics()
    primary = PRIMARY_METRIC[task]
    n_cur = (
        int(summary.performance.confusion.sum())
        if isinstance(summary.performance, ClassificationStats)
        else summary.performance.n
    )
    metrics = {m: PerformanceMetric(ref_m[m], cur_m[m], relative_drop(m, ref_m[m], cur_m[m])) for m in ref_m}
    band = cfg.thresholds.accuracy_drop
    if n_cur < cfg.thresholds.min_samples:
        status = "insufficient_data"
    else:
        status = tier_of(metrics[primary].relative_drop, band)
    return Performance(task, primary, n_cur, metrics, band, status)


def _latency(cfg: JobConfig, profile: Profile, summary: WindowSummary) -> Latency | None:
    if profile.latency is None or summary.latency is None:
        return None
    quantiles: dict[str, LatencyQuantile] = {}
    status = "ok"
    for q in contract.LATENCY_QUANTILES:
        ref_q = profile.latency.quantile(q)
        cur_q = summary.latency.quantile(q)
        inc = None if ref_q is None or cur_q is None or ref_q == 0 else (cur_q - ref_q) / ref_q
        tier = tier_of(inc, cfg.thresholds.latency_increase) if inc is not None else "insufficient_data"
        quantiles[f"p{round(q * 100)}"] = LatencyQuantile(q, ref_q, cur_q, inc, tier)
        status = worst(status, tier)
    band = cfg.thresholds.latency_increase
    return Latency(profile.roles.latency, summary.latency.n, quantiles, status, band)


def evaluate(
    cfg: JobConfig,
    profile: Profile,
    summary: WindowSummary,
    history: list[dict[str, Any]],
    history_location: str | None,
) -> Evaluation:
    th = _Thresholds(cfg, profile.profile_id, history)
    t = cfg.thresholds
    entries = [_feature_entry(f, profile, summary, th, t.min_samples) for f in profile.roles.features]
    feature_findings = schema.feature_check(cfg.schema_rules, profile, summary)
    schema.apply(entries, feature_findings)
    _decide(entries, t.significance)
    run_findings = schema.run_check(cfg.schema_rules, profile, summary, entries)
    features = [e for e in entries if e.role == "feature"]
    evaluated = [e for e in features if e.evaluated]
    drifted = [e.name for e in evaluated if e.drifted]
    share = len(drifted) / len(evaluated) if evaluated else 0.0
    prediction = next((e for e in entries if e.role == "prediction"), None)
    performance = _performance(cfg, profile, summary)
    latency = _latency(cfg, profile, summary)
    statuses = [e.status for e in entries]
    statuses += [s.status for s in (performance, latency) if s is not None]
    statuses += schema.run_status_tiers(run_findings)
    warnings: list[str] = []
    missing_cols = sorted(e.name for e in entries if e.distribution_status == "missing_column")
    if missing_cols:
        warnings.append(f"columns missing from the window: {', '.join(missing_cols)}")
    if not evaluated:
        warnings.append("no feature could be evaluated; the dataset decision is not drift by default")
    warnings += [f"{f.reason} ({f.tier}): {f.message}" for f in run_findings]
    report = DriftReport(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        labels=dict(cfg.labels),
        reference=profile.reference,
        current=summary.current,
        profile_id=profile.profile_id,
        window=Window(rows=summary.rows, files=len(summary.files), shards=sorted(summary.shards_merged)),
        columns_missing=missing_cols,
        columns_extra=sorted(f.feature for f in run_findings if f.reason == "extra_column"),
        features=entries,
        schema=feature_findings + run_findings,
        performance=performance,
        latency=latency,
        adaptive=Adaptive(cfg.adaptive.enabled, history_location, len(history), cfg.adaptive.min_history),
        summary=RunSummary(
            features_total=len(features),
            features_evaluated=len(evaluated),
            drifted_features=drifted,
            drifted_share=share,
            dataset_drifted=bool(evaluated) and bool(drifted) and share >= t.dataset_drift_share,
            prediction_drifted=bool(prediction and prediction.drifted),
            decision={
                "method": "effect-size tiers guarded by Benjamini-Hochberg adjusted p-values",
                "significance": t.significance,
                "dataset_drift_share": t.dataset_drift_share,
                "min_samples": t.min_samples,
            },
            status=worst(*statuses),
            warnings=warnings,
        ),
    )
    return Evaluation(report, profile, summary)
