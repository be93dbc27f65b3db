"""Drift metrics computed from summaries (DESIGN §5.5 is the contract for each definition).

Numeric features are compared on the reference's bins: coarse quantile bins for PSI and
Jensen-Shannon, fine bins for KS and Wasserstein. Where both samples are small enough to
have been kept whole, KS and Wasserstein are computed exactly instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from drift_jobs.contract import PSI_EMPTY_BIN_FLOOR
from drift_jobs.read.columns import FloatArray
from drift_jobs.summarise.numeric import IntArray, NumericSummary

# Below this effective sample size the one-sample exact Kolmogorov distribution is cheap and
# noticeably more accurate than its limit; above it the limit is within ~2e-3 and O(1).
KSTWO_MAX_EN = 10_000


def _shares(counts: IntArray | FloatArray) -> FloatArray:
    c = np.asarray(counts, dtype=np.float64)
    total = c.sum()
    return c / total if total > 0 else c


def psi(reference_counts: IntArray | FloatArray, current_counts: IntArray | FloatArray) -> float:
    """sum (c - r) ln(c / r) over bins; an empty bin's share is floored at 1e-4."""
    r = _shares(reference_counts)
    c = _shares(current_counts)
    r = np.where(r == 0, PSI_EMPTY_BIN_FLOOR, r)
    c = np.where(c == 0, PSI_EMPTY_BIN_FLOOR, c)
    return float(np.sum((c - r) * np.log(c / r)))


def js_distance(reference_counts: IntArray | FloatArray, current_counts: IntArray | FloatArray) -> float:
    """Jensen-Shannon distance, base 2 (in [0, 1]); same as scipy.spatial.distance.jensenshannon."""
    p = _shares(reference_counts)
    q = _shares(current_counts)
    m = 0.5 * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum()
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum()
    return float(math.sqrt(max(0.0, 0.5 * (kl_p + kl_q))))


def ks_pvalue(d: float, n1: int, n2: int) -> float:
    """Two-sided KS p-value: exact one-sample law at the effective size, its limit when large.

    scipy's `kstwo.sf` at an effective n of 1e6 can take a second per call; the
    Kolmogorov limit `kolmogorov(sqrt(en) * d)` costs microseconds and differs by < 2e-3.
    """
    if n1 == 0 or n2 == 0:
        return 1.0
    en = n1 * n2 / (n1 + n2)
    if en <= KSTWO_MAX_EN:
        return float(np.clip(stats.kstwo.sf(d, max(1, round(en))), 0.0, 1.0))
    return float(np.clip(special.kolmogorov(math.sqrt(en) * d), 0.0, 1.0))


@dataclass(frozen=True)
class NumericBins:
    edges: FloatArray  # fine edges; edges[0] / edges[-1] are the reference min / max
    coarse_index: IntArray  # positions of the coarse (PSI) edges inside `edges`

    def coarse_counts(self, s: NumericSummary) -> IntArray:
        inner = s.cum_le[self.coarse_index]
        return np.diff(np.concatenate(([0], inner, [s.n]))).astype(np.int64)

    @property
    def coarse_edges(self) -> FloatArray:
        return self.edges[self.coarse_index]


def _abs_linear_integral(a: FloatArray, b: FloatArray, w: FloatArray) -> FloatArray:
    """Integral of |f| over [0, w] for f linear from a to b (sign changes handled)."""
    same = (a * b) >= 0
    denom = np.abs(a) + np.abs(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = np.where(denom > 0, (a * a + b * b) / (2 * denom), 0.0)
    return np.asarray(w * np.where(same, 0.5 * (np.abs(a) + np.abs(b)), crossing))


def binned_ks(bins: NumericBins, ref: NumericSummary, cur: NumericSummary) -> tuple[float, float]:
    """KS statistic on both sides of every fine edge, and the bound on its error.

    The empirical CDFs are exact at every edge (values <= e and < e are both counted), so
    only the sup inside an open bin is missed; it is at most the larger mass either sample
    has strictly inside one bin. Outside [min, max] of the reference the reference CDF is
    flat, so the sup there is attained at the edge itself and no error arises.
    """
    n_r, n_c = ref.n, cur.n
    d_le = ref.cum_le / n_r - cur.cum_le / n_c
    d_lt = ref.cum_lt / n_r - cur.cum_lt / n_c
    d = float(max(np.abs(d_le).max(), np.abs(d_lt).max()))
    open_r = (ref.cum_lt[1:] - ref.cum_le[:-1]) / n_r
    open_c = (cur.cum_lt[1:] - cur.cum_le[:-1]) / n_c
    bound = float(max(open_r.max(initial=0.0), open_c.max(initial=0.0)))
    return d, bound


def binned_wasserstein(bins: NumericBins, ref: NumericSummary, cur: NumericSummary) -> tuple[float, float]:
    """W1 = integral |F_ref - F_cur|, with CDFs linear inside each fine bin.

    Outside the reference range the reference CDF is 0 or 1, so those parts are exact
    (the summaries keep the current window's tail sums). Inside, each bin contributes at
    most width * (mass_ref + mass_cur) of error; the sum of that is returned as the bound.
    """
    e = bins.edges
    n_r, n_c = ref.n, cur.n
    w = np.diff(e)
    a = ref.cum_le[:-1] / n_r - cur.cum_le[:-1] / n_c  # just right of e[k-1]
    b = ref.cum_lt[1:] / n_r - cur.cum_lt[1:] / n_c  # just left of e[k]
    inner = float(_abs_linear_integral(a, b, w).sum())
    # Outside [e0, e_last] the reference contributes nothing beyond its own tails (zero).
    tails = abs(cur.tail_low / n_c - ref.tail_low / n_r) + abs(cur.tail_high / n_c - ref.tail_high / n_r)
    open_r = (ref.cum_lt[1:] - ref.cum_le[:-1]) / n_r
    open_c = (cur.cum_lt[1:] - cur.cum_le[:-1]) / n_c
    bound = float((w * (open_r + open_c)).sum())
    return inner + tails, bound


def numeric_metrics(bins: NumericBins, ref: NumericSummary, cur: NumericSummary) -> dict[str, Any]:
    ref_counts = bins.coarse_counts(ref)
    cur_counts = bins.coarse_counts(cur)
    if ref.n == 0 or cur.n == 0:
        return {"reference_counts": ref_counts.tolist(), "current_counts": cur_counts.tolist()}
    out: dict[str, Any] = {
        "psi": psi(ref_counts, cur_counts),
        "js_distance": js_distance(ref_counts, cur_counts),
    }
    ref_vals, cur_vals = ref.exact_values(), cur.exact_values()
    if ref_vals is not None and cur_vals is not None and len(ref_vals) and len(cur_vals):
        res = stats.ks_2samp(ref_vals, cur_vals, method="auto")
        out["ks_statistic"] = float(res.statistic)
        out["ks_pvalue"] = float(res.pvalue)
        out["ks_method"] = "exact"
        out["ks_error_bound"] = 0.0
        w = float(stats.wasserstein_distance(ref_vals, cur_vals))
        w_bound = 0.0
    else:
        d, bound = binned_ks(bins, ref, cur)
        out["ks_statistic"] = d
        out["ks_pvalue"] = ks_pvalue(d, ref.n, cur.n)
        out["ks_method"] = "binned"
        out["ks_error_bound"] = bound
        w, w_bound = binned_wasserstein(bins, ref, cur)
    std = ref.std
    out["wasserstein"] = w
    out["wasserstein_normalized"] = w / std if std > 0 else (0.0 if w == 0 else None)
    out["wasserstein_error_bound"] = (w_bound / std if std > 0 else None) if w_bound else 0.0
    out["reference_counts"] = ref_counts.tolist()
    out["current_counts"] = cur_counts.tolist()
    return out


def categorical_metrics(ref_counts: IntArray, cur_counts: IntArray) -> dict[str, Any]:
    out: dict[str, Any] = {
        "psi": psi(ref_counts, cur_counts),
        "js_distance": js_distance(ref_counts, cur_counts),
    }
    table = np.vstack([ref_counts, cur_counts]).astype(np.float64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or table[0].sum() == 0 or table[1].sum() == 0:
        out.update(chi2_statistic=0.0, chi2_pvalue=1.0, chi2_dof=0)
    else:
        res = stats.chi2_contingency(table, correction=False)
        out.update(chi2_statistic=float(res.statistic), chi2_pvalue=float(res.pvalue), chi2_dof=int(res.dof))
    out["reference_counts"] = np.asarray(ref_counts).tolist()
    out["current_counts"] = np.asarray(cur_counts).tolist()
    return out


def benjamini_hochberg(pvalues: list[float]) -> list[float]:
    """Step-up adjusted p-values (FDR); reject where adjusted < the significance level."""
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
