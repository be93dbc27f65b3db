"""The edge grid gives exactly the counts of sorting and binary search, ties and out-of-range values included."""

from __future__ import annotations

import numpy as np
import pytest
from drift_jobs.summarise import numeric
from drift_jobs.summarise.edge_index import BLOCK, SLACK, EdgeGrid, edge_counts, grid_for, sorted_edge_counts
from drift_jobs.summarise.numeric import NumericSummary
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
edge_sets = arrays(np.float64, st.integers(2, 300), elements=finite, unique=True).map(np.sort)


def assert_exact(x: np.ndarray, grid: EdgeGrid) -> None:
    """Counts, and the sums of the values outside the edge range, against sorting the values."""
    xs = np.sort(x)
    edges = grid.edges
    counts = edge_counts(x, grid)
    np.testing.assert_array_equal(counts.le, np.searchsorted(xs, edges, side="right"))
    np.testing.assert_array_equal(counts.lt, np.searchsorted(xs, edges, side="left"))
    assert counts.sum_below == pytest.approx(xs[xs < edges[0]].sum(), rel=1e-12, abs=1e-9)
    assert counts.sum_above == pytest.approx(xs[xs > edges[-1]].sum(), rel=1e-12, abs=1e-9)
    by_sorting = sorted_edge_counts(xs, edges)
    np.testing.assert_array_equal(counts.le, by_sorting.le)
    np.testing.assert_array_equal(counts.lt, by_sorting.lt)


@settings(max_examples=200, deadline=None)
@given(edges=edge_sets, data=st.data())
def test_positions_and_counts_equal_binary_search(edges: np.ndarray, data: st.DataObject) -> None:
    grid = EdgeGrid.build(edges)
    assume(grid is not None)  # edges too narrow for exact cell arithmetic get no grid: tested below
    assert grid is not None
    # Values drawn anywhere, plus exact copies of edges (ties) and values just beside them.
    spread = data.draw(arrays(np.float64, st.integers(1, 500), elements=finite))
    tied = data.draw(st.lists(st.sampled_from(list(edges)), max_size=50))
    beside = np.nextafter(np.array(tied, dtype=np.float64), np.inf) if tied else np.empty(0)
    x = np.concatenate((spread, np.array(tied, dtype=np.float64), beside))
    assert_exact(x, grid)


def test_quantile_edges_of_a_normal_column_get_a_grid_and_exact_counts_over_many_blocks() -> None:
    rng = np.random.default_rng(3)
    edges = np.unique(np.quantile(rng.standard_normal(200_000), np.linspace(0, 1, 4097)))
    grid = EdgeGrid.build(edges)
    assert grid is not None
    x = rng.standard_normal(8 * BLOCK + 123) * 1.3 + 0.2
    # ties on edges, spread over every block the search works in
    x[rng.choice(len(x), 1000, replace=False)] = edges[rng.integers(0, len(edges), 1000)]
    assert_exact(x, grid)
    # Most values are counted with their cell, not sorted: the point of the grid.
    cells = grid.cells_of(x, np.empty(len(x), np.intp), float(x.min()), float(x.max()))
    assert np.count_nonzero(grid.mixed[cells]) < len(x) / 4


@settings(max_examples=100, deadline=None)
@given(edges=edge_sets)
def test_grid_tables_match_their_definitions(edges: np.ndarray) -> None:
    grid = EdgeGrid.build(edges)
    assume(grid is not None)
    assert grid is not None
    # Each edge's position in cell units, rounded as a value's cell is (cells_of).
    t = edges * grid.scale - grid.offset
    c = np.arange(grid.cells)
    starts = (t[None, :] < c[:, None] - SLACK).sum(axis=1)
    within = (t[None, :] < c[:, None] + 1 + SLACK).sum(axis=1)
    within[-1] = len(edges)
    mixed = within != starts
    mixed[0] = mixed[-1] = True
    np.testing.assert_array_equal(grid.starts, starts)
    np.testing.assert_array_equal(grid.mixed, mixed)
    np.testing.assert_array_equal(grid.mixed_cells, np.flatnonzero(mixed))
    # The last cell whose pure values have at most j edges below them.
    np.testing.assert_array_equal(grid.pure_last, [np.flatnonzero(starts <= j)[-1] for j in range(len(edges))])


@pytest.mark.skipif(not numeric.kernel_available(), reason="the compiled scan is not built")
def test_the_compiled_scan_builds_only_the_start_table() -> None:
    # The numpy path's tables cost a run ~1 ms per feature; the compiled scan reads `starts` alone.
    rng = np.random.default_rng(12)
    edges = np.unique(np.quantile(rng.standard_normal(20_000), np.linspace(0, 1, 513)))
    numeric.scan_column(rng.standard_normal(5_000), edges)
    grid = grid_for(edges)
    assert grid is not None
    assert not {"mixed", "mixed_cells", "pure_last"} & set(vars(grid))


def test_edges_crowded_into_one_cell_stay_exact() -> None:
    # Quantile edges of a very skewed column: almost all of them within a sliver of the range, so
    # nearly every value lands in a cell with edges and is sorted.
    edges = np.concatenate((np.linspace(0.0, 1e-6, 200), [1e6]))
    grid = EdgeGrid.build(edges)
    assert grid is not None
    rng = np.random.default_rng(8)
    x = np.concatenate((rng.uniform(-1e-6, 2e-6, 3_000), rng.uniform(-10.0, 2e6, 300), edges[::3]))
    assert_exact(x, grid)


def test_degenerate_edges_get_no_grid() -> None:
    assert EdgeGrid.build(np.array([1.0])) is None
    assert EdgeGrid.build(np.array([-np.inf, 0.0])) is None


def test_numeric_summary_counts_and_moments_agree_between_grid_and_sorting(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    edges = np.unique(np.quantile(rng.standard_normal(50_000), np.linspace(0, 1, 1025)))
    chunks = [rng.standard_normal(40_000) * 1.2 + 0.1 for _ in range(3)]
    chunks[1][::97] = np.nan
    chunks[2][:500] = edges[rng.integers(0, len(edges), 500)]
    originals = [c.copy() for c in chunks]

    def summarise() -> NumericSummary:
        summary = NumericSummary(len(edges), exact_max=10)
        for chunk in chunks:
            summary.add(chunk, edges)
        return summary

    assert numeric.grid_for(edges) is not None  # the first pass really takes the grid path
    on_grid = summarise()
    monkeypatch.setattr(numeric, "grid_for", lambda _edges: None)
    by_sorting = summarise()
    np.testing.assert_array_equal(on_grid.cum_le, by_sorting.cum_le)
    np.testing.assert_array_equal(on_grid.cum_lt, by_sorting.cum_lt)
    assert (on_grid.n, on_grid.n_missing, on_grid.min, on_grid.max) == (
        by_sorting.n,
        by_sorting.n_missing,
        by_sorting.min,
        by_sorting.max,
    )
    assert on_grid.mean == pytest.approx(by_sorting.mean, rel=1e-12)
    assert on_grid.m2 == pytest.approx(by_sorting.m2, rel=1e-12)
    assert on_grid.tail_low == pytest.approx(by_sorting.tail_low, rel=1e-12)
    assert on_grid.tail_high == pytest.approx(by_sorting.tail_high, rel=1e-12)
    for chunk, original in zip(chunks, originals, strict=True):
        np.testing.assert_array_equal(chunk, original)  # the caller's arrays are never written to


def test_values_far_from_zero_over_a_narrow_range_stay_exact_or_fall_back() -> None:
    rng = np.random.default_rng(5)
    # Rounding in the cell arithmetic grows with |value| / span: the grid refuses what its slack cannot absorb.
    assert EdgeGrid.build(1e9 + np.linspace(0.0, 1e-3, 100)) is None
    edges = 1e4 + np.sort(rng.uniform(0.0, 1.0, 300))
    grid = EdgeGrid.build(edges)
    assert grid is not None
    x = np.concatenate(
        (edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf), 1e4 + rng.uniform(-0.1, 1.1, 5000))
    )
    assert_exact(x, grid)
