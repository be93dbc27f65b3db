"""The compiled one-pass scan (_edgescan.c) counts exactly what sorting counts, and its moments are accurate.

The numpy path (edge_index + numeric._BlockScan) is the reference: the two must give identical counts for every
input, and moments within a rounding bound checked against exact rational arithmetic.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
from drift_jobs.summarise import numeric
from drift_jobs.summarise.edge_index import EdgeGrid
from drift_jobs.summarise.numeric import ColumnScan, kernel_available, scan_column
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
edge_sets = arrays(np.float64, st.integers(1, 300), elements=finite, unique=True).map(np.sort)
# Finite values where sums cannot overflow (both paths' moments are meaningless past that), and the non-finite ones.
anything = st.one_of(finite, st.sampled_from([np.nan, np.inf, -np.inf]))


def test_the_compiled_scan_is_built() -> None:
    # The package builds it wherever a C compiler is found (.ci/run installs gcc): a missing module would leave
    # every run on the numpy path, about twice as slow, with nothing else failing.
    assert kernel_available(), "drift_jobs.summarise._edgescan was not built (is a C compiler installed?)"


def assert_same(x: np.ndarray, edges: np.ndarray, moments: bool = True) -> ColumnScan:
    """The kernel against the numpy path and against sorting: identical counts, the same non-finite tallies (and
    the same moments, unless the values' squares overflow, where neither path's moments mean anything)."""
    kernel, reference = scan_column(x, edges), scan_column(x, edges, use_kernel=False)
    finite_values = np.sort(x[np.isfinite(x)])
    np.testing.assert_array_equal(kernel.counts.le, np.searchsorted(finite_values, edges, side="right"))
    np.testing.assert_array_equal(kernel.counts.lt, np.searchsorted(finite_values, edges, side="left"))
    np.testing.assert_array_equal(kernel.counts.le, reference.counts.le)
    np.testing.assert_array_equal(kernel.counts.lt, reference.counts.lt)
    assert (kernel.n, kernel.nan, kernel.posinf, kernel.neginf) == (
        reference.n,
        reference.nan,
        reference.posinf,
        reference.neginf,
    )
    below, above = finite_values[finite_values < edges[0]], finite_values[finite_values > edges[-1]]
    assert kernel.counts.sum_below == pytest.approx(below.sum(), rel=1e-12, abs=1e-9)
    assert kernel.counts.sum_above == pytest.approx(above.sum(), rel=1e-12, abs=1e-9)
    if kernel.n:
        assert (kernel.min, kernel.max) == (finite_values[0], finite_values[-1])
    if kernel.n and moments:
        assert kernel.mean == pytest.approx(reference.mean, rel=1e-9, abs=1e-9 * max(1.0, abs(kernel.max)))
        assert kernel.m2 == pytest.approx(reference.m2, rel=1e-7, abs=1e-9)
    return kernel


@settings(max_examples=300, deadline=None)
@given(edges=edge_sets, data=st.data())
def test_counts_equal_sorting_for_any_values_and_edges(edges: np.ndarray, data: st.DataObject) -> None:
    # Values anywhere (NaN and infinities included), exact copies of edges (ties) and their float neighbours.
    spread = data.draw(arrays(np.float64, st.integers(0, 400), elements=anything))
    tied = np.array(data.draw(st.lists(st.sampled_from(list(edges)), max_size=60)), dtype=np.float64)
    beside = np.concatenate((np.nextafter(tied, np.inf), np.nextafter(tied, -np.inf)))
    x = np.concatenate((spread, tied, beside))
    np.random.default_rng(0).shuffle(x)
    assert_same(x, edges)


def test_quantile_edges_of_a_normal_column_over_many_blocks_with_ties_and_gaps() -> None:
    rng = np.random.default_rng(5)
    edges = np.unique(np.quantile(rng.standard_normal(300_000), np.linspace(0, 1, 4097)))
    x = rng.standard_normal(300_001) * 1.2 + 0.1
    x[rng.choice(len(x), 2000, replace=False)] = edges[rng.integers(0, len(edges), 2000)]
    x[rng.choice(len(x), 500, replace=False)] = np.nan
    x[:3] = [np.inf, -np.inf, np.nan]  # the first finite value, not the first value, anchors the moments
    scan = assert_same(x, edges)
    assert scan.nan == 501 and scan.posinf == 1 and scan.neginf == 1


def test_edges_crowded_into_one_cell_fall_back_to_a_search_and_stay_exact() -> None:
    rng = np.random.default_rng(6)
    # 500 edges within 1e-9 of each other beside widely spread ones: one grid cell holds hundreds of edges.
    crowd = 1.0 + np.arange(500) * 2e-12
    edges = np.unique(np.concatenate((crowd, np.linspace(-1e3, 1e3, 64))))
    grid = EdgeGrid.build(edges)
    assert grid is not None and int(np.max(np.diff(grid.starts))) >= 400
    x = np.concatenate((rng.choice(crowd, 5000), 1.0 + rng.random(5000) * 1e-9, rng.uniform(-2e3, 2e3, 5000)))
    assert_same(x, edges)


def test_edges_far_from_zero_with_no_grid_are_searched_exactly() -> None:
    rng = np.random.default_rng(7)
    edges = np.unique(1e12 + np.quantile(rng.standard_normal(10_000), np.linspace(0, 1, 101)))
    assert EdgeGrid.build(edges) is None
    assert_same(1e12 + rng.standard_normal(20_000), edges)


def test_integer_valued_columns_tie_on_every_edge() -> None:
    rng = np.random.default_rng(8)
    edges = np.arange(-5.0, 6.0)
    x = rng.integers(-8, 9, 50_000).astype(np.float64)
    scan = assert_same(x, edges)
    np.testing.assert_array_equal(scan.counts.le - scan.counts.lt, [np.count_nonzero(x == e) for e in edges])


def test_blocks_with_a_non_finite_value_or_an_overflowing_square_are_taken_value_by_value() -> None:
    # The scan sums a block's moments without testing each value, and takes the block value by value only when
    # that sum is not finite: a NaN or an infinity anywhere in a block, or a finite value whose square overflows,
    # must still be counted apart (or placed) exactly, in the first block, a middle one and the short last one.
    rng = np.random.default_rng(12)
    edges = np.unique(np.quantile(rng.standard_normal(20_000), np.linspace(0, 1, 257)))
    x = rng.standard_normal(5 * 1024 + 100)
    x[[0, 1500, 5 * 1024 + 99]] = [np.nan, np.inf, -np.inf]  # blocks 0, 1 and the last one
    x[[2100, 2101]] = [1e200, -1e250]  # block 2: finite, but their squares overflow
    x[3 * 1024 : 4 * 1024] = edges[rng.integers(0, len(edges), 1024)]  # block 3: every value ties an edge
    scan = assert_same(x, edges, moments=False)
    assert (scan.nan, scan.posinf, scan.neginf, scan.n) == (1, 1, 1, len(x) - 3)
    assert (scan.min, scan.max) == (-1e250, 1e200)
    x[[2100, 2101]] = 0.5  # without the overflow, the moments agree too
    assert_same(x, edges)


def test_one_edge_empty_and_all_missing_columns() -> None:
    assert_same(np.array([-1.0, 0.0, 0.0, 2.0, np.nan]), np.array([0.0]))
    empty = assert_same(np.zeros(0), np.array([0.0, 1.0]))
    assert empty.n == 0
    missing = assert_same(np.full(3000, np.nan), np.array([0.0, 1.0]))
    assert (missing.n, missing.nan) == (0, 3000)


def test_a_strided_column_is_read_as_its_values() -> None:
    rng = np.random.default_rng(9)
    table = rng.standard_normal((10_000, 3))
    edges = np.unique(np.quantile(rng.standard_normal(10_000), np.linspace(0, 1, 257)))
    column = table[:, 1]  # a view with a stride of three values (an .npy window's column)
    assert not column.flags.c_contiguous
    assert_same(column, edges)


def _exact_moments(x: np.ndarray) -> tuple[float, float]:
    values = [Fraction(float(v)) for v in x]
    mean = sum(values, Fraction(0)) / len(values)
    return float(mean), float(sum(((v - mean) ** 2 for v in values), Fraction(0)))


@pytest.mark.parametrize(
    ("label", "make"),
    [
        ("far from zero", lambda r: 1e12 + r.standard_normal(20_000)),
        ("tiny spread", lambda r: 1e8 + 1e-3 * r.standard_normal(20_000)),
        ("a far outlier first", lambda r: np.r_[1e15, r.standard_normal(5_000)]),
        ("a sorted ramp", lambda r: np.linspace(-1e6, 1e6, 30_000)),
    ],
)
def test_moments_stay_within_rounding_of_exact_arithmetic(label: str, make) -> None:  # type: ignore[no-untyped-def]
    x = make(np.random.default_rng(10))
    edges = np.unique(np.quantile(x, np.linspace(0, 1, 65)))
    scan = scan_column(x, edges)
    mean, m2 = _exact_moments(x)
    spread = np.sqrt(m2 / len(x))
    assert abs(scan.mean - mean) <= 1e-12 * max(abs(mean), spread), label
    # The shifted sum of squares cancels at most a factor n + 1 (_edgescan.c); far less when the first value is
    # typical, as in all but the outlier case.
    assert abs(scan.m2 - m2) <= 1e-9 * m2, label


def test_the_summary_is_the_same_on_either_path() -> None:
    rng = np.random.default_rng(11)
    edges = np.unique(np.quantile(rng.standard_normal(50_000), np.linspace(0, 1, 1025)))
    kernel, reference = numeric.NumericSummary(len(edges), 0), numeric.NumericSummary(len(edges), 0)
    for _ in range(3):
        chunk = rng.standard_normal(70_000)
        chunk[::97] = np.nan
        kernel.add(chunk, edges, n_mismatch=3)
        reference.add(chunk, edges, n_mismatch=3, use_kernel=False)
    np.testing.assert_array_equal(kernel.cum_le, reference.cum_le)
    np.testing.assert_array_equal(kernel.cum_lt, reference.cum_lt)
    assert (kernel.n, kernel.n_missing, kernel.n_mismatch) == (reference.n, reference.n_missing, reference.n_mismatch)
    assert kernel.tail_low == pytest.approx(reference.tail_low, rel=1e-12)
    assert kernel.tail_high == pytest.approx(reference.tail_high, rel=1e-12)
    assert kernel.std == pytest.approx(reference.std, rel=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"values": np.zeros(4, np.float32)}, "values: a 1-D contiguous array of format 'd'"),
        ({"starts": np.full(4, 99, np.int32)}, "start lies outside"),
        ({"hist": np.zeros(2, np.int64)}, "len(hist) == len(edges) + 1"),
        ({"edges": np.zeros(0)}, "needs at least one edge"),
    ],
)
def test_bad_arguments_are_refused_before_any_memory_is_touched(change: dict[str, np.ndarray], message: str) -> None:
    from drift_jobs.summarise import _edgescan  # noqa: PLC0415

    args = {
        "values": np.zeros(4),
        "edges": np.array([0.0, 1.0]),
        "starts": np.zeros(4, np.int32),
        "hist": np.zeros(3, np.int64),
        "ties": np.zeros(2, np.int64),
    } | change
    with pytest.raises((TypeError, ValueError), match=re.escape(message)):
        _edgescan.scan(args["values"], args["edges"], args["starts"], 1.0, 0.0, args["hist"], args["ties"])
