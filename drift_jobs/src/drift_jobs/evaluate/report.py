"""The drift report as typed records; `to_dict()` / `to_json()` give the documented JSON.

Writers (JSON, HTML, Prometheus, history) take a `DriftReport`; none of them needs to know
which keys a metric adds: per-feature metric values and their details are keyed by the
metric registry.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from drift_jobs import contract
from drift_jobs.config import Tier
from drift_jobs.evaluate.metrics import REGISTRY
from drift_jobs.evaluate.thresholds import ThresholdUsed


def clean(value: Any) -> Any:
    """JSON has no NaN or infinity; a value that is not finite is reported as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def json_bytes(doc: dict[str, Any]) -> bytes:
    return _dumps(clean(doc))


def _dumps(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2, allow_nan=False).encode()


@dataclass(frozen=True)
class SchemaFinding:
    """A schema or data-quality finding (evaluate/schema.py): a reason, its column, its tier."""

    reason: str  # one of schema.REASONS
    feature: str  # the column; "" for a run-level finding about no column
    tier: str  # ok | warning | critical
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"reason": self.reason, "feature": self.feature, "tier": self.tier, "message": self.message}


@dataclass
class Missing:
    reference_share: float | None
    current_share: float | None
    change: float | None
    reference: dict[str, int]
    current: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference_share": self.reference_share,
            "current_share": self.current_share,
            "change": self.change,
            "reference": self.reference,
            "current": self.current,
        }


@dataclass
class FeatureReport:
    name: str
    type: str  # numeric | categorical
    role: str  # feature | prediction
    n_reference: int
    n_current: int
    missing: Missing
    missing_share_increase: float
    # Registry metric name -> value (None: not applicable or not computed; the reason is in `reasons`).
    values: dict[str, float | None] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)  # metric detail keys (ks_method, ...)
    histogram: dict[str, Any] | None = None
    unseen_share: float | None = None  # categorical only
    unseen_examples: dict[str, int] | None = None  # categorical only
    # Before the decision: evaluate | missing_column | type_mismatch | insufficient_data;
    # after it: ok | warning | critical, or the reason it was not evaluated.
    status: str = "evaluate"
    reasons: list[str] = field(default_factory=list)
    thresholds: dict[str, ThresholdUsed] = field(default_factory=dict)
    # Findings beyond the distribution (e.g. schema: missing column, type change): kind -> tier.
    # They count in the feature's status whether or not its distribution could be evaluated.
    findings: dict[str, str] = field(default_factory=dict)
    schema: list[SchemaFinding] = field(default_factory=list)  # the findings behind the schema tiers
    tiers: dict[str, str] = field(default_factory=dict)
    pvalue_adjusted: float | None = None
    evaluated: bool = False
    drifted: bool = False
    distribution_status: str | None = None

    def value(self, metric: str) -> float | None:
        return self.values.get(metric)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "role": self.role,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "missing": self.missing.to_dict(),
            "missing_share_increase": self.missing_share_increase,
        }
        for m in REGISTRY:
            out[m.name] = self.values.get(m.name)
        out.update(self.details)
        if self.type == "categorical":
            out["unseen_share"] = self.unseen_share
            out["unseen_examples"] = self.unseen_examples or {}
        if self.histogram is not None:
            out["histogram"] = self.histogram
        out.update(
            status=self.status,
            reasons=list(self.reasons),
            thresholds={m: t.to_dict() for m, t in self.thresholds.items()},
            pvalue_adjusted=self.pvalue_adjusted,
            evaluated=self.evaluated,
            drifted=self.drifted,
            distribution_status=self.distribution_status,
            tiers=dict(self.tiers),
            schema=[f.to_dict() for f in self.schema],
        )
        return out


@dataclass
class PerformanceMetric:
    reference: float | None
    current: float | None
    relative_drop: float | None


@dataclass
class Performance:
    task: str  # classification | regression
    primary_metric: str
    n_current: int
    metrics: dict[str, PerformanceMetric]
    thresholds: Tier
    status: str  # ok | warning | critical | insufficient_data

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "primary_metric": self.primary_metric,
            "n_current": self.n_current,
            "metrics": {
                m: {"reference": v.reference, "current": v.current, "relative_drop": v.relative_drop}
                for m, v in self.metrics.items()
            },
            "thresholds": {"warning": self.thresholds.warning, "critical": self.thresholds.critical},
            "status": self.status,
        }


@dataclass
class LatencyQuantile:
    quantile: float
    reference: float | None
    current: float | None
    relative_increase: float | None
    status: str


@dataclass
class Latency:
    column: str | None
    n_current: int
    quantiles: dict[str, LatencyQuantile]  # p50, p95, p99
    status: str
    thresholds: Tier

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "n_current": self.n_current,
            "quantiles": {
                k: {
                    "quantile": q.quantile,
                    "reference": q.reference,
                    "current": q.current,
                    "relative_increase": q.relative_increase,
                    "status": q.status,
                }
                for k, q in self.quantiles.items()
            },
            "status": self.status,
            "thresholds": {"warning": self.thresholds.warning, "critical": self.thresholds.critical},
        }


@dataclass
class Adaptive:
    enabled: bool
    history: str | None
    runs_available: int
    min_history: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "history": self.history,
            "runs_available": self.runs_available,
            "min_history": self.min_history,
        }


@dataclass
class Window:
    rows: int
    files: int
    shards: list[int]


@dataclass
class RunSummary:
    features_total: int
    features_evaluated: int
    drifted_features: list[str]
    drifted_share: float
    dataset_drifted: bool
    prediction_drifted: bool
    decision: dict[str, Any]
    status: str
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "features_total": self.features_total,
            "features_evaluated": self.features_evaluated,
            "drifted_features": list(self.drifted_features),
            "drifted_share": self.drifted_share,
            "dataset_drifted": self.dataset_drifted,
            "prediction_drifted": self.prediction_drifted,
            "decision": dict(self.decision),
            "status": self.status,
            "warnings": list(self.warnings),
        }


@dataclass
class DriftReport:
    generated_at: str
    labels: dict[str, str]  # model, model_version, stack, region, cluster
    reference: str | None
    current: str | None
    profile_id: str
    window: Window
    columns_missing: list[str]
    columns_extra: list[str]
    features: list[FeatureReport]  # features and the prediction column
    schema: list[SchemaFinding]  # every schema finding: the features' and the run-level ones
    performance: Performance | None
    latency: Latency | None
    adaptive: Adaptive
    summary: RunSummary
    # Set by the command that delivers the report.
    run_id: str | None = None
    duration_seconds: float | None = None
    metrics: dict[str, Any] | None = None  # where the Prometheus metrics went
    dependency_errors: list[str] = field(default_factory=list)

    @property
    def prediction(self) -> FeatureReport | None:
        return next((f for f in self.features if f.role == "prediction"), None)

    @property
    def model(self) -> str:
        return self.labels.get("model", "")

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (docs/drift-jobs.md "Report"), non-finite numbers as null."""
        prediction = self.prediction
        out: dict[str, Any] = {
            "schema_version": contract.REPORT_SCHEMA_VERSION,
            "kind": "drift_report",
            "generated_at": self.generated_at,
            **self.labels,
            "reference": self.reference,
            "current": self.current,
            "profile_id": self.profile_id,
            "window": {"rows": self.window.rows, "files": self.window.files, "shards": list(self.window.shards)},
            "columns": {"missing": list(self.columns_missing), "extra": list(self.columns_extra)},
            "features": [f.to_dict() for f in self.features],
            "schema": [f.to_dict() for f in self.schema],
            "prediction": prediction.to_dict() if prediction is not None else None,
            "performance": self.performance.to_dict() if self.performance is not None else None,
            "latency": self.latency.to_dict() if self.latency is not None else None,
            "adaptive": self.adaptive.to_dict(),
            "summary": self.summary.to_dict(),
        }
        if self.run_id is not None:
            out["run_id"] = self.run_id
        if self.duration_seconds is not None:
            out["duration_seconds"] = self.duration_seconds
        if self.metrics is not None:
            out["metrics"] = dict(self.metrics)
        if self.dependency_errors:
            out["dependency_errors"] = list(self.dependency_errors)
        cleaned: dict[str, Any] = clean(out)
        return cleaned

    def to_json(self) -> bytes:
        return _dumps(self.to_dict())  # to_dict() has cleaned it already
