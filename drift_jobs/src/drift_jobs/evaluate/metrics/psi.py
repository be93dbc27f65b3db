"""Population stability index on the reference-quantile bins (numeric) or buckets (categorical)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from drift_jobs.evaluate.metrics._base import BIN_SHARE_FLOOR, FeatureInput, Metric, MetricValue, shares

if TYPE_CHECKING:
    from drift_jobs.evaluate.metrics._base import FloatArray, IntArray


def psi(reference_counts: IntArray | FloatArray, current_counts: IntArray | FloatArray) -> float:
    """sum (c - r) ln(c / r); every share is floored at BIN_SHARE_FLOOR (not renormalised)."""
    import numpy as np  # noqa: PLC0415

    r = np.maximum(shares(reference_counts), BIN_SHARE_FLOOR)
    c = np.maximum(shares(current_counts), BIN_SHARE_FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def _compute(inp: FeatureInput, _: Mapping[str, MetricValue]) -> MetricValue:
    return MetricValue.of(psi(inp.reference_counts, inp.current_counts))


METRICS = (
    Metric(
        name="psi",
        title="PSI",
        kinds=frozenset({"numeric", "categorical"}),
        needs="histogram",
        compute=_compute,
        prometheus="model_drift_psi",
        help="Population stability index, reference-quantile bins",
        role="effect",
        direction="higher",
        order=10,
        formula="sum (c_i - r_i) ln(c_i / r_i), every share floored at 1e-4 (not renormalised)",
        default_tiers=(0.1, 0.2),
    ),
)
