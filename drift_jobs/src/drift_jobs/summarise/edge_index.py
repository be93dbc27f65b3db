"""Exact counts of many values at fixed, sorted bin edges, without sorting or searching most values.

`np.searchsorted(edges, x)` is a binary search per value (about 150 ns a value here against 4,096
edges) and `np.sort(x)` is only fast where numpy has a SIMD sort for the CPU (on some 2-core
machines here one 262,144-value float64 sort takes 14.6 ms). Values are instead dropped into a
uniform grid of cells over the edge range and counted per cell (`np.bincount`). A cell that no edge
comes near ("pure": none within a small slack of its boundaries, which absorbs rounding in the cell
arithmetic) holds values that all have the same number of edges below them and equal none, so its
count goes to that position as a whole. Only the values in the few cells an edge falls into are
sorted and placed exactly; with sixteen cells per edge that is about one value in six of a normal
column, and sorting a sixth costs less than placing every value.

A grid also needs the cell arithmetic to be accurate to a fraction of the slack: values far from
zero over a narrow range (see `_ROUNDING_BUDGET`) get no grid, and callers sort.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from drift_jobs.read.columns import FloatArray
from drift_jobs.summarise.scratch import scratch

IndexArray = npt.NDArray[np.intp]
CountArray = npt.NDArray[np.int64]
# Sees each block while it is in cache; returns its finite values with their minimum and maximum.
BlockVisitor = Callable[[FloatArray], tuple[FloatArray, float, float]]

# Cells per edge: at sixteen, quantile edges of a normal column leave about 1/6 of its values in
# cells with an edge; more cells cut that share but make the per-cell table outgrow the L2 cache.
CELLS_PER_EDGE = 16
MAX_CELLS = 1 << 17
# Cell boundaries are widened by this fraction of a cell, so that rounding in the cell arithmetic
# (far smaller, see _ROUNDING_BUDGET) never puts a value near an edge into a pure cell.
SLACK = 1.0 / 64
_ROUNDING_BUDGET = SLACK / 8
# Values put into cells at a time: 32,768 float64 values are 256 KiB per temporary (L2-resident).
BLOCK = 1 << 15


@dataclass(frozen=True)
class EdgeCounts:
    le: CountArray  # per edge: values <= edge
    lt: CountArray  # per edge: values < edge
    sum_below: float  # sum of the values < edges[0]
    sum_above: float  # sum of the values > edges[-1]


@dataclass(frozen=True)
class EdgeGrid:
    edges: FloatArray
    cells: int
    scale: float  # cells per unit of value
    offset: float  # edges[0] * scale: cell = clip(x * scale - offset, 0, cells - 1)
    # per cell: the edges below the slack-widened cell, a lower bound on any of its values' position (their
    # exact position in a pure cell); the compiled scan (_edgescan.c) starts each value's search there, and needs
    # nothing else, so the numpy path's tables below are built on first use only
    starts: npt.NDArray[np.int32]

    @cached_property
    def mixed(self) -> npt.NDArray[np.bool_]:
        """Per cell: some edge lies within the slack-widened cell (the first and last cells always do, as they
        also take every value below and above the edge range)."""
        # within[c]: edges with t < c + 1 + SLACK, i.e. floor(t - 1 - SLACK) <= c - 1 (t as in build()).
        t = _edge_positions(self.edges, self.scale, self.offset)
        within = _count_at_most(np.floor(t - 1.0 - SLACK), self.cells)
        within[-1] = len(self.edges)  # the last cell also takes every value above the range
        mixed: npt.NDArray[np.bool_] = within != self.starts
        mixed[0] = mixed[-1] = True  # the end cells take every value outside the range
        return mixed

    @cached_property
    def mixed_cells(self) -> IndexArray:
        return np.flatnonzero(self.mixed)

    @cached_property
    def pure_last(self) -> IndexArray:
        """pure_last[j]: the last of the leading cells whose values all have <= j edges below them; the pure cells
        up to it hold exactly the pure-cell values <= edges[j]."""
        # `starts` never decreases, so the cells with at most j edges below them are a prefix (never empty: cell 0
        # has no edge below it).
        return np.searchsorted(self.starts, np.arange(len(self.edges)), side="right") - 1

    @classmethod
    def build(cls, edges: FloatArray) -> EdgeGrid | None:
        """The grid for `edges` (sorted, unique), or None where its arithmetic cannot be exact."""
        k = len(edges)
        if k < 2:
            return None
        lo, hi = float(edges[0]), float(edges[-1])
        span = hi - lo
        if not np.isfinite(span) or span <= 0.0:
            return None
        cells = min(max(CELLS_PER_EDGE * k, 64), MAX_CELLS)
        scale = cells / span
        magnitude = max(abs(lo), abs(hi))
        # Relative rounding of float64 arithmetic, in cells: values far from zero over a narrow
        # range would need more precision than the slack allows.
        if not np.isfinite(scale) or magnitude * scale * 8 * np.finfo(np.float64).eps > _ROUNDING_BUDGET:
            return None
        offset = lo * scale
        # Cell c is pure when no edge has t in [c - SLACK, c + 1 + SLACK); starts[c] counts the edges with
        # t < c - SLACK, i.e. floor(t + SLACK) <= c - 1.
        t = _edge_positions(edges, scale, offset)
        return cls(edges, cells, scale, offset, _count_at_most(np.floor(t + SLACK), cells))

    def cells_of(self, values: FloatArray, out: IndexArray, lowest: float, highest: float) -> IndexArray:
        """Each finite value's cell, into `out`; values outside the range go to the end cells.

        `lowest` and `highest` are the values' extremes: the cell arithmetic is monotonic (a multiplication by a
        positive scale, then a subtraction, each rounded), so they bound every value's cell, and blocks that stay
        inside the range skip the clipping.
        """
        cell = scratch("edge_index.cell", len(values))
        np.multiply(values, self.scale, out=cell)
        np.subtract(cell, self.offset, out=cell)
        if not (lowest * self.scale - self.offset > -1.0 and highest * self.scale - self.offset < self.cells):
            np.clip(cell, 0.0, self.cells - 1, out=cell)
        out[:] = cell  # float -> int truncates toward zero: the floor of a cell > -1 (or 0 after clipping)
        return out


def _edge_positions(edges: FloatArray, scale: float, offset: float) -> FloatArray:
    """Each edge's position in cell units, computed as a value's cell is (cells_of: the same two roundings)."""
    return edges * scale - offset


def _count_at_most(levels: FloatArray, cells: int) -> npt.NDArray[np.int32]:
    """For each cell c: how many of the non-decreasing `levels` are <= c - 1 (int32: the scan's table type)."""
    counts = np.bincount(np.clip(levels, -1, cells).astype(np.intp) + 1, minlength=cells + 2)
    return np.cumsum(counts[:cells], dtype=np.int32)


_GRIDS: dict[int, tuple[FloatArray, EdgeGrid | None]] = {}
_GRIDS_LOCK = threading.Lock()
_CACHE_LIMIT = 4096


def grid_for(edges: FloatArray) -> EdgeGrid | None:
    """The grid of an edge array: built once per feature and shared by every thread and chunk."""
    entry = _GRIDS.get(id(edges))
    if entry is not None and entry[0] is edges:
        return entry[1]
    grid = EdgeGrid.build(edges)
    with _GRIDS_LOCK:
        if len(_GRIDS) >= _CACHE_LIMIT:
            _GRIDS.clear()
        # The cache holds the array itself, so its id cannot be reused by another array meanwhile.
        _GRIDS[id(edges)] = (edges, grid)
    return grid


def edge_counts(x: FloatArray, grid: EdgeGrid, visit: BlockVisitor | None = None) -> EdgeCounts:
    """Counts at every edge of `grid` for the finite values of `x`, in any order (x is not written to).

    One pass over `x` in L2-sized blocks: `visit` (when given) sees each block first, while it is in
    the cache, and returns the block's finite values (the block itself when all are finite) with
    their minimum and maximum; without it every value must be finite.
    """
    edges = grid.edges
    cells = scratch("edge_index.cells", len(x), np.intp)
    near_parts: list[FloatArray] = []
    filled = 0
    for begin in range(0, len(x), BLOCK):
        block = x[begin : begin + BLOCK]
        if visit is not None:
            block, lowest, highest = visit(block)
        elif len(block):
            lowest, highest = float(block.min()), float(block.max())
        m = len(block)
        if not m:
            continue
        block_cells = grid.cells_of(block, cells[filled : filled + m], lowest, highest)
        # Values in cells an edge falls into are kept (copies) for sorting; every other value is counted with its cell.
        near_parts.append(block[np.flatnonzero(grid.mixed[block_cells])])
        filled += m
    per_cell = np.bincount(cells[:filled], minlength=grid.cells)
    per_cell[grid.mixed_cells] = 0
    pure_cumulative = np.cumsum(per_cell, out=per_cell)[grid.pure_last]
    near = np.concatenate(near_parts) if near_parts else np.zeros(0)
    near.sort()
    near_counts = sorted_edge_counts(near, edges)
    le, lt = pure_cumulative + near_counts.le, pure_cumulative + near_counts.lt
    # Every value outside the edge range is in an end cell, so among the near values.
    return EdgeCounts(le, lt, near_counts.sum_below, near_counts.sum_above)


def sorted_edge_counts(xs: FloatArray, edges: FloatArray) -> EdgeCounts:
    """The same counts from values sorted ascending (where a grid cannot be built)."""
    le = np.searchsorted(xs, edges, side="right")
    if not len(xs):
        return EdgeCounts(le, le.copy(), 0.0, 0.0)
    # `< e` differs from `<= e` only where some value equals the edge: search just those.
    last = xs[np.maximum(le - 1, 0)]
    tied = (le > 0) & (last == edges)
    lt = le.copy()
    if tied.any():
        lt[tied] = np.searchsorted(xs, edges[tied], side="left")
    below, above = int(lt[0]), len(xs) - int(le[-1])
    return EdgeCounts(le, lt, float(xs[:below].sum()), float(xs[len(xs) - above :].sum()))
