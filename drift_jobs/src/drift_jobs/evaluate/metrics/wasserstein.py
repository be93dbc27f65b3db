"""Wasserstein-1 distance divided by the reference's standard deviation, floored.

Binned path: exact outside [ref min, ref max] (the summaries keep tail sums), CDFs linear
inside each fine bin. Exact path (both windows kept whole): the area between the empirical
CDFs, computed here with numpy (the same sum as scipy.stats.wasserstein_distance).

The scale is max(std_ref, SIGMA_FLOOR_RELATIVE * max(|ref min|, |ref max|)): a near-constant
feature is not blown up by float noise (a change below ~1e-6 of the values' magnitude is at
the resolution of float32 data). A constant reference, or a scale or distance that is not a
finite positive number (overflow, underflow), gives null with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from drift_jobs.evaluate.metrics._base import FeatureInput, Metric, MetricValue, NumericBins

if TYPE_CHECKING:
    from drift_jobs.evaluate.metrics._base import FloatArray
    from drift_jobs.summarise.numeric import NumericSummary

SIGMA_FLOOR_RELATIVE = 1e-6


def _abs_linear_integral(a: FloatArray, b: FloatArray, w: FloatArray) -> FloatArray:
    """Integral of |f| over [0, w] for f linear from a to b (sign changes handled)."""
    import numpy as np  # noqa: PLC0415

    same = (a * b) >= 0
    denom = np.abs(a) + np.abs(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = np.where(denom > 0, (a * a + b * b) / (2 * denom), 0.0)
    return np.asarray(w * np.where(same, 0.5 * (np.abs(a) + np.abs(b)), crossing))


def binned_wasserstein(bins: NumericBins, ref: NumericSummary, cur: NumericSummary) -> tuple[float, float]:
    """W1 = integral |F_ref - F_cur|, with CDFs linear inside each fine bin.

    Outside the reference range the reference CDF is 0 or 1, so those parts are exact
    (the summaries keep the current window's tail sums). Inside, each bin contributes at
    most width * (mass_ref + mass_cur) of error; the sum of that is returned as the bound.
    """
    import numpy as np  # noqa: PLC0415

    e = bins.edges
    n_r, n_c = ref.n, cur.n
    w = np.diff(e)
    a = ref.cum_le[:-1] / n_r - cur.cum_le[:-1] / n_c  # just right of e[k-1]
    b = ref.cum_lt[1:] / n_r - cur.cum_lt[1:] / n_c  # just left of e[k]
    with np.errstate(over="ignore", invalid="ignore"):
        inner = float(_abs_linear_integral(a, b, w).sum())
        tails = abs(cur.tail_low / n_c - ref.tail_low / n_r) + abs(cur.tail_high / n_c - ref.tail_high / n_r)
        open_r = (ref.cum_lt[1:] - ref.cum_le[:-1]) / n_r
        open_c = (cur.cum_lt[1:] - cur.cum_le[:-1]) / n_c
        bound = float((w * (open_r + open_c)).sum())
    return inner + tails, bound


def exact_wasserstein(u: FloatArray, v: FloatArray) -> float:
    """Area between the empirical CDFs of two samples (scipy.stats.wasserstein_distance)."""
    import numpy as np  # noqa: PLC0415

    u, v = np.sort(u), np.sort(v)
    both = np.sort(np.concatenate([u, v]))
    with np.errstate(over="ignore", invalid="ignore"):
        deltas = np.diff(both)
        fu = np.searchsorted(u, both[:-1], side="right") / len(u)
        fv = np.searchsorted(v, both[:-1], side="right") / len(v)
        return float(np.sum(np.abs(fu - fv) * deltas))


def scale_of(ref: NumericSummary) -> tuple[float | None, str | None]:
    """The normalising scale, or None and why there is none."""
    std = ref.std
    if not math.isfinite(std):
        return None, "reference standard deviation is not finite (overflow)"
    import numpy as np  # noqa: PLC0415

    if ref.min == ref.max:
        return None, f"reference is constant ({ref.min:g}): no spread to normalise by (PSI and KS still see a move)"
    with np.errstate(over="ignore"):
        floor = SIGMA_FLOOR_RELATIVE * max(abs(ref.min), abs(ref.max))
    scale = max(std, floor)
    if not math.isfinite(scale):
        return None, "reference magnitude is not finite (overflow)"
    if scale <= 0:
        return None, "reference standard deviation underflows to 0"
    return scale, None


def _compute(inp: FeatureInput, _: Mapping[str, MetricValue]) -> MetricValue:
    bins, ref, cur = inp.numeric()
    ref_vals, cur_vals = ref.exact_values(), cur.exact_values()
    if ref_vals is not None and cur_vals is not None and len(ref_vals) and len(cur_vals):
        w, w_bound = exact_wasserstein(ref_vals, cur_vals), 0.0
    else:
        w, w_bound = binned_wasserstein(bins, ref, cur)
    details = {"wasserstein": w if math.isfinite(w) else None}
    if not math.isfinite(w):
        return MetricValue(None, "Wasserstein distance is not finite (overflow)", details)
    scale, why = scale_of(ref)
    if scale is None:
        return MetricValue(None, why, details | {"wasserstein_error_bound": None})
    details |= {"wasserstein_scale": scale, "wasserstein_error_bound": w_bound / scale}
    return MetricValue.of(w / scale, **details)


METRICS = (
    Metric(
        name="wasserstein_normalized",
        title="Wasserstein / ref std",
        kinds=frozenset({"numeric"}),
        needs="cdf",
        compute=_compute,
        prometheus="model_drift_wasserstein_normalized",
        help="Wasserstein-1 distance / reference std",
        role="effect",
        direction="higher",
        order=30,
        formula="integral |F_ref - F_cur| dx / max(std_ref, 1e-6 * max(|ref min|, |ref max|))",
        # Provisional (issue 13): the sensitivity benchmark calibrates these.
        default_tiers=(0.1, 0.2),
        details=("wasserstein", "wasserstein_error_bound", "wasserstein_scale"),
    ),
)
