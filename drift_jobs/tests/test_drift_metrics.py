"""Each metric against scipy or a hand computation of its DESIGN §5.5 definition."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from drift_jobs.config import parse_config
from drift_jobs.evaluate.metrics import (
    benjamini_hochberg,
    categorical_metrics,
    js_distance,
    kolmogorov_sf,
    ks_pvalue,
    numeric_metrics,
    psi,
)
from drift_jobs.read.readers import TableSource
from drift_jobs.read.storage import Storage
from drift_jobs.summarise.profile import build_profile
from drift_jobs.summarise.summary import summarise_window
from drift_testkit import write_parquet
from scipy import stats
from scipy.spatial.distance import jensenshannon


def decile_psi(ref: np.ndarray, cur: np.ndarray) -> float:
    """The PSI definition by hand: np.quantile deciles, right-closed bins, every share floored at 1e-4."""
    edges = np.quantile(ref, np.arange(1, 10) / 10)
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=10) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=10) / len(cur)
    r = np.maximum(r, 1e-4)
    c = np.maximum(c, 1e-4)
    return float(np.sum((c - r) * np.log(c / r)))


def summarise(tmp_path, ref: np.ndarray, cur: np.ndarray, exact_max: int = 10_000):
    write_parquet(pa.table({"x": ref}), tmp_path / "r.parquet", 50_000)
    write_parquet(pa.table({"x": cur}), tmp_path / "c.parquet", 50_000)
    cfg = parse_config({"binning": {"exact_max": exact_max}, "chunk_rows": 40_000})
    with Storage() as st:
        prof = build_profile(cfg, str(tmp_path / "r.parquet"), st)
        win = summarise_window(prof, TableSource(str(tmp_path / "c.parquet"), st, cfg.chunk_rows), (0, 1))
    p = prof.numeric["x"]
    return numeric_metrics(p.bins, p.summary, win.numeric["x"]), prof


def test_psi_by_hand() -> None:
    ref = np.array([100, 200, 300, 400])
    cur = np.array([100, 100, 0, 800])
    r = ref / ref.sum()
    c = np.array([0.1, 0.1, 1e-4, 0.8])
    assert psi(ref, cur) == pytest.approx(float(np.sum((c - r) * np.log(c / r))), abs=1e-15)
    assert psi(ref, ref) == 0.0


@pytest.mark.parametrize(
    ("make_cur", "n_ref", "n_cur"),
    [
        (lambda rng, n: rng.standard_normal(n), 120_000, 80_000),
        (lambda rng, n: rng.standard_normal(n) + 0.2, 120_000, 80_000),
        (lambda rng, n: rng.standard_normal(n) * 1.5, 120_000, 80_000),
        (lambda rng, n: rng.exponential(1, n), 120_000, 80_000),
        (lambda rng, n: rng.standard_normal(n) + 4, 120_000, 80_000),  # beyond the reference range
    ],
)
def test_binned_numeric_metrics_match_scipy(tmp_path, make_cur, n_ref: int, n_cur: int) -> None:
    rng = np.random.default_rng(3)
    ref = rng.standard_normal(n_ref)
    cur = make_cur(rng, n_cur)
    m, _ = summarise(tmp_path, ref, cur)
    assert m["ks_method"] == "binned"
    exact = stats.ks_2samp(ref, cur)
    assert abs(m["ks_statistic"] - exact.statistic) <= m["ks_error_bound"] + 1e-12
    assert abs(m["ks_statistic"] - exact.statistic) < 1e-3
    assert m["psi"] == pytest.approx(decile_psi(ref, cur), abs=1e-9)
    w = stats.wasserstein_distance(ref, cur) / np.std(ref)
    assert abs(m["wasserstein_normalized"] - w) <= m["wasserstein_error_bound"] + 1e-9
    assert m["wasserstein_normalized"] == pytest.approx(w, rel=1e-2, abs=1e-3)


def test_exact_path_for_small_samples(tmp_path) -> None:
    rng = np.random.default_rng(4)
    ref = rng.standard_normal(3_000)
    cur = rng.standard_normal(800) + 0.1
    m, _ = summarise(tmp_path, ref, cur)
    assert m["ks_method"] == "exact"
    exact = stats.ks_2samp(ref, cur)
    assert m["ks_statistic"] == pytest.approx(exact.statistic, abs=1e-15)
    assert m["ks_pvalue"] == pytest.approx(exact.pvalue, rel=1e-12)
    assert m["wasserstein"] == pytest.approx(stats.wasserstein_distance(ref, cur), rel=1e-12)
    assert m["psi"] == pytest.approx(decile_psi(ref, cur), abs=1e-12)


def test_ks_pvalue_close_to_scipy_asymptotic() -> None:
    for n1, n2, d in [(5_000, 1_000, 0.04), (200_000, 100_000, 0.004), (10**6, 10**6, 0.0015)]:
        ours = ks_pvalue(d, n1, n2)
        en = n1 * n2 / (n1 + n2)
        ref = stats.kstwo.sf(d, round(en))
        assert ours == pytest.approx(ref, abs=3e-3)


def test_kolmogorov_series_matches_scipy_special_to_rounding() -> None:
    """The Kolmogorov limit is our own series (no scipy.special import); both branches and the switch at 1."""
    from scipy import special  # noqa: PLC0415

    ys = np.concatenate((np.linspace(0.0, 6.0, 6_001), [1e-3, 0.2, 1.0 - 1e-9, 1.0, 1.0 + 1e-9, 10.0, 27.0, 1e3]))
    for y in ys:
        expected = float(special.kolmogorov(y))
        assert kolmogorov_sf(float(y)) == pytest.approx(expected, rel=1e-12, abs=1e-15), y
    assert kolmogorov_sf(float("nan")) == 1.0
    assert kolmogorov_sf(float("inf")) == 0.0


def test_js_distance_matches_scipy() -> None:
    a = np.array([10, 0, 30, 60])
    b = np.array([5, 5, 40, 50])
    assert js_distance(a, b) == pytest.approx(jensenshannon(a / a.sum(), b / b.sum(), base=2), abs=1e-12)
    assert js_distance(a, a) == pytest.approx(0.0, abs=1e-7)


def test_categorical_metrics_match_scipy() -> None:
    ref = np.array([500, 300, 200, 0, 0])  # last two buckets: "other" and "unseen"
    cur = np.array([400, 350, 200, 30, 20])
    m = categorical_metrics(ref, cur)
    res = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
    assert m["chi2_statistic"] == pytest.approx(res.statistic, rel=1e-12)
    assert m["chi2_pvalue"] == pytest.approx(res.pvalue, rel=1e-9, abs=1e-300)
    assert m["chi2_dof"] == res.dof
    assert m["js_distance"] == pytest.approx(jensenshannon(ref / ref.sum(), cur / cur.sum(), base=2), abs=1e-12)


def test_benjamini_hochberg_matches_scipy() -> None:
    p = [0.001, 0.02, 0.03, 0.2, 0.04, 0.9, 0.0001]
    assert benjamini_hochberg(p) == pytest.approx(list(stats.false_discovery_control(p, method="bh")))
