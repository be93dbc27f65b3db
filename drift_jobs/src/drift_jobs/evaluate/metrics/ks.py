"""Two-sample Kolmogorov-Smirnov: the statistic is an effect size, the p-value a guard.

Binned path: D on both sides of every fine edge, where both empirical CDFs are exact. Exact
path (both windows kept whole, <= exact_max values): scipy's ks_2samp. scipy is imported
inside the functions that need it, so importing the registry (and drift_jobs.contract)
does not load scipy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from drift_jobs.evaluate.metrics._base import FeatureInput, Metric, MetricValue, NumericBins

if TYPE_CHECKING:
    from drift_jobs.summarise.numeric import NumericSummary

# Below this effective sample size the one-sample exact Kolmogorov distribution is cheap and
# noticeably more accurate than its limit; above it the limit is within ~2e-3 and O(1).
KSTWO_MAX_EN = 10_000


def kolmogorov_sf(y: float) -> float:
    """P(K > y) for the Kolmogorov distribution K, the limit of sqrt(n_eff) * D.

    The same quantity as `scipy.special.kolmogorov`, without loading scipy.special (about 0.2 s of
    a run's imports). Two series, each used where it converges in a handful of terms:
    P(K > y) = 2 sum_k (-1)^(k-1) exp(-2 k^2 y^2)                        for y >= 1, and
    P(K <= y) = sqrt(2 pi) / y * sum_k exp(-(2k-1)^2 pi^2 / (8 y^2))     below (Feller 1948).
    Neither subtracts nearly equal numbers: below 1 the CDF is at most 0.73.
    """
    if not y > 0.0:  # also NaN
        return 1.0
    if y >= 1.0:
        total, k, sign = 0.0, 1, 1.0
        while True:
            term = math.exp(-2.0 * k * k * y * y)
            total += sign * term
            if term < 1e-18 * total or term == 0.0:
                break
            k, sign = k + 1, -sign
        return min(1.0, max(0.0, 2.0 * total))
    a = math.pi * math.pi / (8.0 * y * y)
    cdf, k = 0.0, 1
    while True:
        term = math.exp(-((2 * k - 1) ** 2) * a)
        cdf += term
        if term < 1e-18 * cdf or term == 0.0:
            break
        k += 1
    return min(1.0, max(0.0, 1.0 - math.sqrt(2.0 * math.pi) / y * cdf))


def ks_pvalue(d: float, n1: int, n2: int) -> float:
    """Two-sided KS p-value: exact one-sample law at the effective size, its limit when large.

    scipy's `kstwo.sf` at an effective n of 1e6 can take a second per call; the
    Kolmogorov limit `kolmogorov_sf(sqrt(en) * d)` costs microseconds and differs by < 2e-3.
    """
    if n1 == 0 or n2 == 0:
        return 1.0
    en = n1 * n2 / (n1 + n2)
    if en <= KSTWO_MAX_EN:
        import numpy as np  # noqa: PLC0415
        from scipy import stats  # noqa: PLC0415 - only small windows pay for scipy.stats

        return float(np.clip(stats.kstwo.sf(d, max(1, round(en))), 0.0, 1.0))
    return kolmogorov_sf(math.sqrt(en) * d)


def binned_ks(bins: NumericBins, ref: NumericSummary, cur: NumericSummary) -> tuple[float, float]:
    """KS statistic on both sides of every fine edge, and the bound on its error.

    The empirical CDFs are exact at every edge (values <= e and < e are both counted), so
    only the sup inside an open bin is missed; it is at most the larger mass either sample
    has strictly inside one bin. Outside [min, max] of the reference the reference CDF is
    flat, so the sup there is attained at the edge itself and no error arises.
    """
    import numpy as np  # noqa: PLC0415

    n_r, n_c = ref.n, cur.n
    d_le = ref.cum_le / n_r - cur.cum_le / n_c
    d_lt = ref.cum_lt / n_r - cur.cum_lt / n_c
    d = float(max(np.abs(d_le).max(), np.abs(d_lt).max()))
    open_r = (ref.cum_lt[1:] - ref.cum_le[:-1]) / n_r
    open_c = (cur.cum_lt[1:] - cur.cum_le[:-1]) / n_c
    bound = float(max(open_r.max(initial=0.0), open_c.max(initial=0.0)))
    return d, bound


def _statistic(inp: FeatureInput, _: Mapping[str, MetricValue]) -> MetricValue:
    bins, ref, cur = inp.numeric()
    ref_vals, cur_vals = ref.exact_values(), cur.exact_values()
    if ref_vals is not None and cur_vals is not None and len(ref_vals) and len(cur_vals):
        from scipy import stats  # noqa: PLC0415 - exact path: small windows only

        res = stats.ks_2samp(ref_vals, cur_vals, method="auto")
        return MetricValue.of(float(res.statistic), ks_method="exact", ks_error_bound=0.0, pvalue=float(res.pvalue))
    d, bound = binned_ks(bins, ref, cur)
    return MetricValue.of(d, ks_method="binned", ks_error_bound=bound)


def _pvalue(inp: FeatureInput, earlier: Mapping[str, MetricValue]) -> MetricValue:
    stat = earlier["ks_statistic"]
    if stat.value is None:
        return MetricValue(None, "KS statistic not computed")
    if "pvalue" in stat.details:
        return MetricValue.of(float(stat.details["pvalue"]))
    _, ref, cur = inp.numeric()
    return MetricValue.of(ks_pvalue(stat.value, ref.n, cur.n))


METRICS = (
    Metric(
        name="ks_statistic",
        title="KS statistic",
        kinds=frozenset({"numeric"}),
        needs="cdf",
        compute=_statistic,
        prometheus="model_drift_ks_statistic",
        help="Two-sample Kolmogorov-Smirnov statistic",
        role="effect",
        direction="higher",
        order=20,
        formula="sup |F_ref - F_cur| (fine edges, error <= ks_error_bound; exact for small windows)",
        # Provisional (issue 13): the sensitivity benchmark calibrates these.
        default_tiers=(0.06, 0.12),
        details=("ks_method", "ks_error_bound"),
    ),
    Metric(
        name="ks_pvalue",
        title="KS p-value",
        kinds=frozenset({"numeric"}),
        needs="cdf",
        compute=_pvalue,
        prometheus="model_drift_ks_pvalue",
        help="Kolmogorov-Smirnov p-value",
        role="guard",
        direction="lower",
        order=21,
        formula="two-sided; exact path scipy's, binned path kstwo.sf(D, n_eff) or the Kolmogorov limit (own series)",
    ),
)
