"""Properties: PSI is a divergence, summaries merge exactly and ignore row order."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
from drift_jobs.evaluate.metrics import NumericBins, numeric_metrics, psi
from drift_jobs.summarise.categorical import CategoricalSummary, CategoryBuckets
from drift_jobs.summarise.numeric import NumericSummary
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

EDGES = np.array([-2.0, -1.0, -0.5, 0.0, 0.0001, 0.5, 1.0, 3.0])
BINS = NumericBins(EDGES, np.array([1, 3, 5], dtype=np.int64))
values = arrays(
    np.float64,
    st.integers(1, 400),
    elements=st.one_of(
        st.floats(-4, 4, allow_nan=False),
        st.sampled_from([0.0, -1.0, 0.5, np.nan, np.inf, -np.inf]),
    ),
)
counts = arrays(np.int64, st.integers(2, 12), elements=st.integers(0, 10_000))


def summary_of(parts: list[np.ndarray], exact_max: int = 50) -> NumericSummary:
    s = NumericSummary(len(EDGES), exact_max)
    for part in parts:
        s.add(part, EDGES)
    return s


def merged_of(parts: list[np.ndarray], exact_max: int = 50) -> NumericSummary:
    total = NumericSummary(len(EDGES), exact_max)
    for part in parts:
        total.merge(summary_of([part], exact_max))
    return total


def assert_same(a: NumericSummary, b: NumericSummary) -> None:
    for field in ("n", "n_missing", "n_posinf", "n_neginf"):
        assert getattr(a, field) == getattr(b, field)
    assert np.array_equal(a.cum_le, b.cum_le)
    assert np.array_equal(a.cum_lt, b.cum_lt)
    assert (a.min, a.max) == (b.min, b.max)
    np.testing.assert_allclose(
        [a.mean, a.m2, a.tail_low, a.tail_high], [b.mean, b.m2, b.tail_low, b.tail_high], rtol=1e-9, atol=1e-9
    )
    va, vb = a.exact_values(), b.exact_values()
    assert (va is None) == (vb is None)
    if va is not None and vb is not None:
        assert np.array_equal(va, vb)


@given(counts, counts)
def test_psi_is_non_negative(a: np.ndarray, b: np.ndarray) -> None:
    k = min(len(a), len(b))
    a, b = a[:k], b[:k]
    if a.sum() and b.sum():
        assert psi(a, b) >= 0.0


@given(counts, st.integers(1, 50))
def test_psi_is_zero_for_identical_distributions(a: np.ndarray, scale: int) -> None:
    if a.sum():
        assert psi(a, a * scale) == 0.0


@settings(max_examples=60, deadline=None)
@given(values, st.lists(st.integers(0, 400), max_size=5))
def test_merging_shards_equals_one_pass(x: np.ndarray, cuts: list[int]) -> None:
    points = sorted({min(c, len(x)) for c in cuts})
    parts = np.split(x, points)
    assert_same(summary_of([x]), merged_of(parts))


@settings(max_examples=60, deadline=None)
@given(values, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(x: np.ndarray, rnd) -> None:
    perm = x.copy()
    rnd.shuffle(perm)
    a, b = summary_of([x]), summary_of([perm])
    assert_same(a, b)
    ref = summary_of([np.linspace(-2, 3, 200)])
    ma, mb = numeric_metrics(BINS, ref, a), numeric_metrics(BINS, ref, b)
    if a.n:
        for key in ("psi", "ks_statistic", "js_distance"):
            assert ma[key] == mb[key]


cats = st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "tail1", "new1", "new2"])), max_size=200)


@settings(max_examples=60, deadline=None)
@given(cats, st.lists(st.integers(0, 200), max_size=4))
def test_categorical_merge_equals_one_pass(values_: list[str | None], cuts: list[int]) -> None:
    buckets = CategoryBuckets(("a", "b", "c"), ("tail1",), False)
    sets = buckets.value_sets()
    one = CategoricalSummary(len(buckets.labels))
    one.add(pa.array(values_, pa.string()), buckets, sets)
    merged = CategoricalSummary(len(buckets.labels))
    points = sorted({min(c, len(values_)) for c in cuts})
    bounds = [0, *points, len(values_)]
    for lo, hi in itertools.pairwise(bounds):
        part = CategoricalSummary(len(buckets.labels))
        part.add(pa.array(values_[lo:hi], pa.string()), buckets, sets)
        merged.merge(part)
    assert np.array_equal(one.counts, merged.counts)
    assert one.n_missing == merged.n_missing == values_.count(None)
    assert one.unseen_examples == merged.unseen_examples
    assert one.counts[buckets.labels.index("__unseen__")] == sum(v in ("new1", "new2") for v in values_)
