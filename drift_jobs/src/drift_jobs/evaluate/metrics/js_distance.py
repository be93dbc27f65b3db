"""Jensen-Shannon distance, base 2, on the coarse bins (numeric) or buckets (categorical)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from drift_jobs.evaluate.metrics._base import FeatureInput, Metric, MetricValue, shares

if TYPE_CHECKING:
    from drift_jobs.evaluate.metrics._base import FloatArray, IntArray


def js_distance(reference_counts: IntArray | FloatArray, current_counts: IntArray | FloatArray) -> float:
    """Jensen-Shannon distance, base 2 (in [0, 1]); same as scipy.spatial.distance.jensenshannon(base=2)."""
    import numpy as np  # noqa: PLC0415

    p = shares(reference_counts)
    q = shares(current_counts)
    m = 0.5 * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum()
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum()
    return float(math.sqrt(max(0.0, 0.5 * (kl_p + kl_q))))


def _compute(inp: FeatureInput, _: Mapping[str, MetricValue]) -> MetricValue:
    return MetricValue.of(js_distance(inp.reference_counts, inp.current_counts))


METRICS = (
    Metric(
        name="js_distance",
        title="Jensen-Shannon distance",
        kinds=frozenset({"numeric", "categorical"}),
        needs="histogram",
        compute=_compute,
        prometheus="model_drift_js_distance",
        help="Jensen-Shannon distance, base 2",
        role="effect",
        direction="higher",
        order=40,
        formula="sqrt(KL(p||m)/2 + KL(q||m)/2), m = (p + q)/2, log base 2, unfloored shares; in [0, 1]",
    ),
)
