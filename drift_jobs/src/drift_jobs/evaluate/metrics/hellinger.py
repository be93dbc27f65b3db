"""Hellinger distance on the coarse reference-quantile bins (numeric) or buckets (categorical).

H = sqrt(1 - sum_i sqrt(p_i q_i)) on unfloored shares, in [0, 1] (0: same distribution,
1: no overlap). The same as nannyml's (1/sqrt 2) * ||sqrt p - sqrt q||_2, but on this job's
bins (reference deciles), not nannyml's Doane bins, so values do not carry over. Reported
and pushed; tiered only where `thresholds.features.<f>.hellinger` is configured (no
calibrated default).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from drift_jobs.evaluate.metrics._base import FeatureInput, Metric, MetricValue, shares

if TYPE_CHECKING:
    from drift_jobs.evaluate.metrics._base import FloatArray, IntArray


def hellinger(reference_counts: IntArray | FloatArray, current_counts: IntArray | FloatArray) -> float:
    import numpy as np  # noqa: PLC0415

    bc = float(np.sum(np.sqrt(shares(reference_counts) * shares(current_counts))))
    return math.sqrt(max(0.0, 1.0 - bc))


def _compute(inp: FeatureInput, _: Mapping[str, MetricValue]) -> MetricValue:
    return MetricValue.of(hellinger(inp.reference_counts, inp.current_counts))


METRICS = (
    Metric(
        name="hellinger",
        title="Hellinger distance",
        kinds=frozenset({"numeric", "categorical"}),
        needs="histogram",
        compute=_compute,
        prometheus="model_drift_hellinger_distance",
        help="Hellinger distance, reference-quantile bins or category buckets",
        role="effect",
        direction="higher",
        order=60,
        formula="sqrt(1 - sum_i sqrt(p_i q_i)), unfloored shares; in [0, 1]",
    ),
)
