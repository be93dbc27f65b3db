"""Chi-square test of the 2 x K contingency table (reference, current) over category buckets.

No Yates correction; buckets empty in both windows are dropped. Computed with numpy and
scipy.special (the statistic and dof are scipy.stats.chi2_contingency(correction=False)'s).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from drift_jobs.evaluate.metrics._base import FeatureInput, Metric, MetricValue

if TYPE_CHECKING:
    from drift_jobs.evaluate.metrics._base import IntArray


def chi2_test(reference_counts: IntArray, current_counts: IntArray) -> tuple[float, float, int]:
    """(statistic, p-value, dof); (0, 1, 0) when there is nothing to compare."""
    import numpy as np  # noqa: PLC0415

    table = np.vstack([reference_counts, current_counts]).astype(np.float64)
    table = table[:, table.sum(axis=0) > 0]
    rows = table.sum(axis=1)
    if table.shape[1] < 2 or rows[0] == 0 or rows[1] == 0:
        return 0.0, 1.0, 0
    expected = np.outer(rows, table.sum(axis=0)) / table.sum()
    statistic = float(((table - expected) ** 2 / expected).sum())
    dof = table.shape[1] - 1
    from scipy import special  # noqa: PLC0415 - scipy.special only, not scipy.stats

    return statistic, float(np.clip(special.chdtrc(dof, statistic), 0.0, 1.0)), dof


def _statistic(inp: FeatureInput, _: Mapping[str, MetricValue]) -> MetricValue:
    statistic, pvalue, dof = chi2_test(inp.reference_counts, inp.current_counts)
    return MetricValue.of(statistic, chi2_dof=dof, pvalue=pvalue)


def _pvalue(inp: FeatureInput, earlier: Mapping[str, MetricValue]) -> MetricValue:
    stat = earlier["chi2_statistic"]
    if stat.value is None:
        return MetricValue(None, "chi-square statistic not computed")
    return MetricValue.of(float(stat.details["pvalue"]))


METRICS = (
    Metric(
        name="chi2_statistic",
        title="chi-square",
        kinds=frozenset({"categorical"}),
        needs="histogram",
        compute=_statistic,
        prometheus="model_drift_chi2_statistic",
        help="Chi-square statistic (categorical, no Yates)",
        role="statistic",
        direction="higher",
        order=50,
        formula="sum (O - E)^2 / E over the 2 x K table of buckets with any count; dof K - 1",
        details=("chi2_dof",),
    ),
    Metric(
        name="chi2_pvalue",
        title="chi-square p-value",
        kinds=frozenset({"categorical"}),
        needs="histogram",
        compute=_pvalue,
        prometheus="model_drift_chi2_pvalue",
        help="Chi-square p-value (categorical)",
        role="guard",
        direction="lower",
        order=51,
        formula="upper tail of chi2(K - 1) at the statistic",
    ),
)
