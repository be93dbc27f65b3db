"""The drift metric registry: one module per metric, collected here.

Every module of this package whose name does not start with `_` declares
`METRICS: tuple[Metric, ...]` (see `_base.Metric`). The registry is those metrics in their
declared `order`. The evaluator, the report, the Prometheus writer, the history, the HTML
report and `drift_jobs.contract` (hence the alert rules and dashboards) iterate it, so a new
metric is one new file here. scipy is imported only inside the functions that need it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from drift_jobs.evaluate.metrics._base import (
    BIN_SHARE_FLOOR,
    FeatureInput,
    Metric,
    MetricValue,
    NumericBins,
    benjamini_hochberg,
    shares,
)
from drift_jobs.evaluate.metrics.js_distance import js_distance
from drift_jobs.evaluate.metrics.ks import binned_ks, kolmogorov_sf, ks_pvalue
from drift_jobs.evaluate.metrics.psi import psi
from drift_jobs.evaluate.metrics.wasserstein import binned_wasserstein

if TYPE_CHECKING:
    from drift_jobs.evaluate.metrics._base import IntArray
    from drift_jobs.summarise.numeric import NumericSummary


def _discover() -> tuple[Metric, ...]:
    found: list[Metric] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        declared = getattr(module, "METRICS", None)
        if not isinstance(declared, tuple) or not all(isinstance(m, Metric) for m in declared):
            raise TypeError(f"{module.__name__}: METRICS must be a tuple of Metric")
        found.extend(declared)
    for key in ("name", "prometheus", "order"):
        values = [getattr(m, key) for m in found]
        dupes = sorted({str(v) for v in values if values.count(v) > 1})
        if dupes:
            raise ValueError(f"drift metrics declare the same {key} twice: {', '.join(dupes)}")
    for m in found:
        m.check()
    return tuple(sorted(found, key=lambda m: m.order))


REGISTRY: tuple[Metric, ...] = _discover()
BY_NAME: Mapping[str, Metric] = {m.name: m for m in REGISTRY}


def for_kind(kind: str) -> tuple[Metric, ...]:
    return tuple(m for m in REGISTRY if m.applies_to(kind))


def effect_metrics() -> tuple[Metric, ...]:
    return tuple(m for m in REGISTRY if m.role == "effect")


def guard_for(kind: str) -> Metric:
    """The p-value that guards a feature of this kind (exactly one per kind)."""
    guards = [m for m in for_kind(kind) if m.role == "guard"]
    if len(guards) != 1:
        raise LookupError(f"{kind} features need exactly one guard p-value metric, found {len(guards)}")
    return guards[0]


def compute_all(inp: FeatureInput) -> dict[str, MetricValue]:
    """Every registered metric that applies to the feature's kind, in registry order."""
    out: dict[str, MetricValue] = {}
    for m in for_kind(inp.kind):
        out[m.name] = m.compute(inp, out)
    return out


def _flat(values: Mapping[str, MetricValue], ref_counts: IntArray, cur_counts: IntArray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, v in values.items():
        out[name] = v.value
        out.update({k: v.details[k] for k in BY_NAME[name].details if k in v.details})
    out["reference_counts"] = ref_counts.tolist()
    out["current_counts"] = cur_counts.tolist()
    return out


def numeric_metrics(bins: NumericBins, ref: NumericSummary, cur: NumericSummary) -> dict[str, Any]:
    """All numeric metrics as a flat dict (report keys), plus the coarse counts."""
    ref_counts, cur_counts = bins.coarse_counts(ref), bins.coarse_counts(cur)
    if ref.n == 0 or cur.n == 0:
        return {"reference_counts": ref_counts.tolist(), "current_counts": cur_counts.tolist()}
    values = compute_all(FeatureInput("numeric", ref_counts, cur_counts, bins, ref, cur))
    return _flat(values, ref_counts, cur_counts)


def categorical_metrics(ref_counts: IntArray, cur_counts: IntArray) -> dict[str, Any]:
    """All categorical metrics as a flat dict (report keys), plus the bucket counts."""
    values = compute_all(FeatureInput("categorical", ref_counts, cur_counts))
    return _flat(values, ref_counts, cur_counts)


__all__ = [
    "BIN_SHARE_FLOOR",
    "BY_NAME",
    "REGISTRY",
    "FeatureInput",
    "Metric",
    "MetricValue",
    "NumericBins",
    "benjamini_hochberg",
    "binned_ks",
    "binned_wasserstein",
    "categorical_metrics",
    "compute_all",
    "effect_metrics",
    "for_kind",
    "guard_for",
    "js_distance",
    "kolmogorov_sf",
    "ks_pvalue",
    "numeric_metrics",
    "psi",
    "shares",
]
