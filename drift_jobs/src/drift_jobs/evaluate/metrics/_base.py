"""What a drift metric module declares, what it is given, and what it returns.

A metric module (any module of this package whose name does not start with `_`) exposes
`METRICS: tuple[Metric, ...]`; the package collects them (see `__init__`). Nothing else
needs editing to add a metric: the evaluator, the report, the Prometheus writer, the
history, the HTML report and `drift_jobs.contract` iterate the registry.

Declaring metrics imports neither numpy nor scipy (drift_jobs.contract, which infra imports,
is derived from the declarations); the functions that compute import what they need.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # numpy is imported where a metric is computed, not where one is declared
    import numpy as np
    import numpy.typing as npt

    from drift_jobs.summarise.numeric import NumericSummary

    FloatArray = npt.NDArray[np.float64]
    IntArray = npt.NDArray[np.int64]

Kind = Literal["numeric", "categorical"]
# histogram: coarse reference-quantile bins (numeric) or category buckets (categorical);
# cdf: the fine-bin cumulative counts (or the exact values of small windows), numeric only.
Needs = Literal["histogram", "cdf"]
# effect: an effect size with tiers (warning/critical); guard: a p-value that only confirms
# an effect tier (Benjamini-Hochberg); statistic: reported and pushed, never tiered.
Role = Literal["effect", "guard", "statistic"]
Direction = Literal["higher", "lower"]  # which way means more drift

# Every bin / bucket share is floored at this value for PSI (and only for PSI): a share of
# one value in a million counts the same as an empty bin. Shares are not renormalised.
BIN_SHARE_FLOOR = 1e-4


@dataclass(frozen=True)
class MetricValue:
    """A metric's value, or None with the reason it could not be computed."""

    value: float | None
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)  # extra report fields (method, error bound)

    @staticmethod
    def of(value: float, **details: Any) -> MetricValue:
        if not math.isfinite(value):
            return MetricValue(None, f"not finite ({value})", details)
        return MetricValue(float(value), None, details)


@dataclass(frozen=True)
class NumericBins:
    edges: FloatArray  # fine edges; edges[0] / edges[-1] are the reference min / max
    coarse_index: IntArray  # positions of the coarse (PSI) edges inside `edges`

    def coarse_counts(self, s: NumericSummary) -> IntArray:
        import numpy as np  # noqa: PLC0415

        inner = s.cum_le[self.coarse_index]
        return np.diff(np.concatenate(([0], inner, [s.n]))).astype(np.int64)

    @property
    def coarse_edges(self) -> FloatArray:
        return self.edges[self.coarse_index]


@dataclass(frozen=True)
class FeatureInput:
    """What a metric is computed from: both windows' histograms, and for numeric features the
    fine-bin summaries (CDF at every fine edge, moments, exact values of small windows)."""

    kind: Kind
    reference_counts: IntArray  # coarse bins or buckets
    current_counts: IntArray
    bins: NumericBins | None = None
    reference: NumericSummary | None = None
    current: NumericSummary | None = None

    def numeric(self) -> tuple[NumericBins, NumericSummary, NumericSummary]:
        if self.bins is None or self.reference is None or self.current is None:
            raise TypeError("a cdf metric was given a feature without fine-bin summaries")
        return self.bins, self.reference, self.current


Compute = Callable[[FeatureInput, Mapping[str, MetricValue]], MetricValue]


@dataclass(frozen=True)
class Metric:
    """One drift metric, declared once.

    name: the report key (and history key); threshold_key: the key of `thresholds.features.<f>`
    and of the default tiers (effect sizes only); prometheus/help: the gauge pushed per feature.
    `compute` receives the feature's inputs and the values of metrics earlier in the registry
    order (a p-value may reuse its statistic).
    """

    name: str
    title: str  # human label (HTML report, docs)
    kinds: frozenset[Kind]
    needs: Needs
    compute: Compute
    prometheus: str
    help: str
    role: Role
    direction: Direction
    order: int
    formula: str
    default_tiers: tuple[float, float] | None = None  # (warning, critical), effect sizes only
    details: tuple[str, ...] = ()  # extra report keys the metric fills

    @property
    def threshold_key(self) -> str | None:
        return self.name if self.role == "effect" else None

    def applies_to(self, kind: str) -> bool:
        return kind in self.kinds

    def check(self) -> None:
        """Declaration rules the evaluator relies on."""
        if self.role == "effect" and self.direction != "higher":
            raise ValueError(f"metric {self.name}: effect sizes are tiered with '>' and must grow with drift")
        if self.role != "effect" and self.default_tiers is not None:
            raise ValueError(f"metric {self.name}: only effect sizes have tiers")
        if self.default_tiers is not None and not 0 <= self.default_tiers[0] <= self.default_tiers[1]:
            raise ValueError(f"metric {self.name}: default tiers must be 0 <= warning <= critical")
        if self.needs == "cdf" and self.kinds != frozenset({"numeric"}):
            raise ValueError(f"metric {self.name}: the fine CDF exists for numeric features only")
        if not self.prometheus.startswith("model_drift_"):
            raise ValueError(f"metric {self.name}: Prometheus name must start with model_drift_")


def shares(counts: IntArray | FloatArray) -> FloatArray:
    import numpy as np  # noqa: PLC0415

    c = np.asarray(counts, dtype=np.float64)
    total = c.sum()
    return c / total if total > 0 else c


def benjamini_hochberg(pvalues: list[float]) -> list[float]:
    """Step-up adjusted p-values (FDR); reject where adjusted < the significance level."""
    import numpy as np  # noqa: PLC0415

    m = len(pvalues)
    if m == 0:
        return []
    p = np.asarray(pvalues, dtype=np.float64)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return [float(x) for x in out]
