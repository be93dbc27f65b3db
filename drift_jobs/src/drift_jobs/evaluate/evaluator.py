"""From a profile and a window summary to the report: metrics, tiers, dataset decision.

Alert tiers rest on effect sizes (PSI and any configured per-feature metric); p-values
only guard: a tier is kept only where the Benjamini-Hochberg adjusted p-value across the
run's features is significant, so small windows do not page on sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from drift_jobs import contract
from drift_jobs.config import JobConfig
from drift_jobs.evaluate import schema
from drift_jobs.evaluate.history import past_values
from drift_jobs.evaluate.metrics import benjamini_hochberg, categorical_metrics, numeric_metrics
from drift_jobs.evaluate.thresholds import TIER_RANK, ThresholdUsed, adapt, tier_of, worst
from drift_jobs.read.features import FeatureSpec
from drift_jobs.summarise.categorical import OTHER, UNSEEN, CategoricalSummary
from drift_jobs.summarise.numeric import NumericSummary
from drift_jobs.summarise.performance import PRIMARY_METRIC, ClassificationStats, relative_drop
from drift_jobs.summarise.profile import Profile
from drift_jobs.summarise.summary import WindowSummary

TIERED_METRICS = ("psi", "ks_statistic", "js_distance", "wasserstein_normalized")


@dataclass
class Evaluation:
    report: dict[str, Any]
    profile: Profile
    summary: WindowSummary


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _missing(ref: NumericSummary | CategoricalSummary, cur: NumericSummary | CategoricalSummary) -> dict[str, Any]:
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
    return {
        "reference_share": ref_share,
        "current_share": cur_share,
        "change": change,
        "reference": counts(ref),
        "current": counts(cur),
    }


class _Thresholds:
    def __init__(self, cfg: JobConfig, profile_id: str, history: list[dict[str, Any]]) -> None:
        self.cfg = cfg
        self.profile_id = profile_id
        self.history = history if cfg.adaptive.enabled else []

    def get(self, feature: str, metric: str) -> ThresholdUsed | None:
        t = self.cfg.thresholds
        override = t.features.get(feature, {}).get(metric)
        static = override or t.for_feature(feature, metric)
        if static is None:
            return None
        source = "config" if override is not None else "default"
        if not self.cfg.adaptive.enabled:
            return ThresholdUsed(static, source)
        past = past_values(self.history, self.profile_id, feature, metric)
        return adapt(static, source, past, self.cfg.adaptive.min_history)


def _feature_entry(
    spec: FeatureSpec, profile: Profile, summary: WindowSummary, th: _Thresholds, min_samples: int
) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": spec.name, "type": spec.kind, "role": spec.role}
    if spec.kind == "numeric":
        prof = profile.numeric[spec.name]
        ref_s: NumericSummary | CategoricalSummary = prof.summary
        cur_s: NumericSummary | CategoricalSummary = summary.numeric[spec.name]
    else:
        cprof = profile.categorical[spec.name]
        ref_s = cprof.summary
        cur_s = summary.categorical[spec.name]
    entry["n_reference"] = ref_s.n
    entry["n_current"] = cur_s.n
    entry["missing"] = _missing(ref_s, cur_s)
    entry["missing_share_increase"] = max(0.0, entry["missing"]["change"] or 0.0)
    reasons: list[str] = []
    metrics: dict[str, Any] = {}
    if cur_s.rows and cur_s.n_absent == cur_s.rows:
        status = "missing_column"
        reasons.append("column absent from every file of the window")
    elif cur_s.n == 0 and cur_s.n_mismatch > 0:
        status = "type_mismatch"
        reasons.append(f"no value of the expected {spec.kind} type ({cur_s.n_mismatch} mismatched)")
    else:
        status = "evaluate"
        if cur_s.n_mismatch:
            reasons.append(f"{cur_s.n_mismatch} value(s) of the wrong type excluded")
        if cur_s.n:
            if isinstance(cur_s, NumericSummary):
                metrics = numeric_metrics(profile.numeric[spec.name].bins, ref_s, cur_s)  # type: ignore[arg-type]
            else:
                metrics = categorical_metrics(ref_s.counts, cur_s.counts)  # type: ignore[union-attr]
        if cur_s.n < min_samples:
            status = "insufficient_data"
            reasons.append(f"{cur_s.n} valid value(s) in the window, fewer than min_samples={min_samples}")
    entry.update({k: v for k, v in metrics.items() if k not in {"reference_counts", "current_counts"}})
    for key in ("psi", "ks_statistic", "ks_pvalue", "wasserstein_normalized", "js_distance"):
        entry.setdefault(key, None)
    if spec.kind == "categorical":
        for key in ("chi2_statistic", "chi2_pvalue", "chi2_dof"):
            entry.setdefault(key, None)
        cs = summary.categorical[spec.name]
        cp = profile.categorical[spec.name]
        labels = cp.buckets.labels
        entry["unseen_share"] = _share(int(cs.counts[labels.index(UNSEEN)]), cs.n)
        entry["unseen_examples"] = dict(sorted(cs.unseen_examples.items(), key=lambda kv: (-kv[1], kv[0])))
        entry["histogram"] = {
            "labels": labels,
            "reference": metrics.get("reference_counts", cp.summary.counts.tolist()),
            "current": metrics.get("current_counts", cs.counts.tolist()),
        }
        if cp.buckets.known_other_truncated:
            reasons.append(f"reference has too many categories to tell {OTHER} from {UNSEEN}")
    elif "reference_counts" in metrics:
        entry["histogram"] = {
            "bin_edges": profile.numeric[spec.name].bins.coarse_edges.tolist(),
            "reference": metrics["reference_counts"],
            "current": metrics["current_counts"],
        }
    entry["status"] = status
    entry["reasons"] = reasons
    # Thresholds in force, for every tiered metric that has one for this feature.
    used: dict[str, ThresholdUsed] = {}
    for metric in (*TIERED_METRICS, "missing_share_increase"):
        t = th.get(spec.name, metric)
        if t is not None:
            used[metric] = t
    entry["thresholds"] = {m: t.to_dict() for m, t in used.items()}
    entry["_used"] = used
    return entry


def _decide(entries: list[dict[str, Any]], significance: float) -> None:
    """Tiers per feature, guarded by Benjamini-Hochberg over the evaluated features."""
    evaluated = [e for e in entries if e["status"] == "evaluate"]
    pvals = [e["ks_pvalue"] if e["type"] == "numeric" else e["chi2_pvalue"] for e in evaluated]
    adjusted = benjamini_hochberg([1.0 if p is None else float(p) for p in pvals])
    for e, q in zip(evaluated, adjusted, strict=True):
        e["pvalue_adjusted"] = q
    for e in entries:
        used: dict[str, ThresholdUsed] = e.pop("_used")
        tiers: dict[str, str] = {}
        missing_tier = "ok"
        if "missing_share_increase" in used and e["status"] != "missing_column":
            missing_tier = tier_of(e["missing_share_increase"], used["missing_share_increase"].tier)
            tiers["missing_share_increase"] = missing_tier
        e.setdefault("pvalue_adjusted", None)
        if e["status"] != "evaluate":
            e["evaluated"] = False
            e["drifted"] = False
            e["distribution_status"] = e["status"]
            e["tiers"] = tiers
            if TIER_RANK[missing_tier] > 0:
                e["reasons"].append(f"missing share rose by {e['missing_share_increase']:.3f}")
            continue
        effect = "ok"
        for metric in TIERED_METRICS:
            if metric in used and e.get(metric) is not None:
                tiers[metric] = tier_of(e[metric], used[metric].tier)
                effect = worst(effect, tiers[metric])
        significant = e["pvalue_adjusted"] < significance
        if TIER_RANK[effect] > 0 and not significant:
            e["reasons"].append(
                f"effect size reaches {effect} but adjusted p-value {e['pvalue_adjusted']:.3g} "
                f">= {significance}: treated as sampling noise"
            )
            effect = "ok"
        e["evaluated"] = True
        e["drifted"] = TIER_RANK[effect] > 0
        e["distribution_status"] = effect
        e["tiers"] = tiers
        e["status"] = worst(effect, missing_tier)
        if TIER_RANK[missing_tier] > 0:
            e["reasons"].append(f"missing share rose by {e['missing_share_increase']:.3f}")


def _performance(cfg: JobConfig, profile: Profile, summary: WindowSummary) -> dict[str, Any] | None:
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
    out: dict[str, Any] = {
        "task": task,
        "primary_metric": primary,
        "n_current": n_cur,
        "metrics": {
            m: {"reference": ref_m[m], "current": cur_m[m], "relative_drop": relative_drop(m, ref_m[m], cur_m[m])}
            for m in ref_m
        },
        "thresholds": {
            "warning": cfg.thresholds.accuracy_drop.warning,
            "critical": cfg.thresholds.accuracy_drop.critical,
        },
    }
    if n_cur < cfg.thresholds.min_samples:
        out["status"] = "insufficient_data"
    else:
        out["status"] = tier_of(out["metrics"][primary]["relative_drop"], cfg.thresholds.accuracy_drop)
    return out


def _latency(cfg: JobConfig, profile: Profile, summary: WindowSummary) -> dict[str, Any] | None:
    if profile.latency is None or summary.latency is None:
        return None
    quantiles: dict[str, Any] = {}
    status = "ok"
    for q in contract.LATENCY_QUANTILES:
        ref_q = profile.latency.quantile(q)
        cur_q = summary.latency.quantile(q)
        inc = None if ref_q is None or cur_q is None or ref_q == 0 else (cur_q - ref_q) / ref_q
        tier = tier_of(inc, cfg.thresholds.latency_increase) if inc is not None else "insufficient_data"
        quantiles[f"p{round(q * 100)}"] = {
            "quantile": q,
            "reference": ref_q,
            "current": cur_q,
            "relative_increase": inc,
            "status": tier,
        }
        status = worst(status, tier)
    return {
        "column": profile.roles.latency,
        "n_current": summary.latency.n,
        "quantiles": quantiles,
        "status": status,
        "thresholds": {
            "warning": cfg.thresholds.latency_increase.warning,
            "critical": cfg.thresholds.latency_increase.critical,
        },
    }


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
    _decide(entries, t.significance)
    findings = schema.check(cfg.schema_rules, profile, summary, entries)
    features = [e for e in entries if e["role"] == "feature"]
    evaluated = [e for e in features if e["evaluated"]]
    drifted = [e["name"] for e in evaluated if e["drifted"]]
    share = len(drifted) / len(evaluated) if evaluated else 0.0
    prediction = next((e for e in entries if e["role"] == "prediction"), None)
    performance = _performance(cfg, profile, summary)
    latency = _latency(cfg, profile, summary)
    statuses = [e["status"] for e in entries]
    statuses += [s["status"] for s in (performance, latency) if s is not None]
    statuses += schema.run_status_tiers(findings)
    warnings: list[str] = []
    missing_cols = sorted(e["name"] for e in entries if e.get("distribution_status") == "missing_column")
    if missing_cols:
        warnings.append(f"columns missing from the window: {', '.join(missing_cols)}")
    if not evaluated:
        warnings.append("no feature could be evaluated; the dataset decision is not drift by default")
    warnings += [f"{f.reason} ({f.tier}): {f.message}" for f in findings if f.reason in schema.RUN_REASONS]
    report: dict[str, Any] = {
        "schema_version": contract.REPORT_SCHEMA_VERSION,
        "kind": "drift_report",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **cfg.labels,
        "reference": profile.reference,
        "current": summary.current,
        "profile_id": profile.profile_id,
        "window": {
            "rows": summary.rows,
            "files": len(summary.files),
            "shards": sorted(summary.shards_merged),
        },
        "columns": {
            "missing": missing_cols,
            "extra": sorted(f.feature for f in findings if f.reason == "extra_column"),
        },
        "features": entries,
        "schema": [f.to_dict() for f in findings],
        "prediction": prediction,
        "performance": performance,
        "latency": latency,
        "adaptive": {
            "enabled": cfg.adaptive.enabled,
            "history": history_location,
            "runs_available": len(history),
            "min_history": cfg.adaptive.min_history,
        },
        "summary": {
            "features_total": len(features),
            "features_evaluated": len(evaluated),
            "drifted_features": drifted,
            "drifted_share": share,
            "dataset_drifted": bool(evaluated) and bool(drifted) and share >= t.dataset_drift_share,
            "prediction_drifted": bool(prediction and prediction["drifted"]),
            "decision": {
                "method": "effect-size tiers guarded by Benjamini-Hochberg adjusted p-values",
                "significance": t.significance,
                "dataset_drift_share": t.dataset_drift_share,
                "min_samples": t.min_samples,
            },
            "status": worst(*statuses),
            "warnings": warnings,
        },
    }
    return Evaluation(report, profile, summary)
