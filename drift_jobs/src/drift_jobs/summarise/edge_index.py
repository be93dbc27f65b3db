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
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drift_jobs.read.columns import FloatArray
from drift_jobs.summarise.scratch import scratch

IndexArray = npt.NDArray[np.intp]
CountArray = npt.NDArray[np.int64]

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
    # per cell: some edge lies within the slack-widened cell (the first and last cells always do,
    # as they also take every value below and above the edge range)
    mixed: npt.NDArray[np.bool_]
    mixed_cells: IndexArray
    # pure_prefix[j]: number of leading cells whose values all have <= j edges below them; the
    # pure cells among them hold exactly the pure-cell values <= edges[j]
    pure_prefix: IndexArray

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
        index = np.arange(cells + 1, dtype=np.float64)
        below = np.searchsorted(edges, lo + (index[:-1] - SLACK) / scale, side="left")
        within = np.searchsorted(edges, lo + (index[1:] + SLACK) / scale, side="left")
        within[-1] = k  # the last cell also takes every value above the range
        mixed = within != below
        mixed[0] = mixed[-1] = True  # the end cells take every value outside the range
        # `below` never decreases, so the cells with at most j edges below them are a prefix.
        pure_prefix = np.searchsorted(below, np.arange(k), side="right")
        return cls(edges, cells, scale, lo * scale, mixed, np.flatnonzero(mixed), pure_prefix)

    def cell_of(self, x: FloatArray, out: IndexArray) -> IndexArray:
        """Each finite value's cell, into `out` (values outside the range go to the end cells)."""
        work = scratch("edge_index.cell", min(len(x), BLOCK))
        for begin in range(0, len(x), BLOCK):
            block = x[begin : begin + BLOCK]
            cell = work[: len(block)]
            np.multiply(block, self.scale, out=cell)
            np.subtract(cell, self.offset, out=cell)
            np.clip(cell, 0.0, self.cells - 1, out=cell)
            out[begin : begin + len(block)] = cell  # float -> int truncates: the floor of a non-negative cell
        return out


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


def edge_counts(x: FloatArray, grid: EdgeGrid) -> EdgeCounts:
    """Counts at every edge of `grid` for finite `x` in any order (x is not written to)."""
    edges = grid.edges
    cells = grid.cell_of(x, scratch("edge_index.cells", len(x), np.intp))
    per_cell = np.bincount(cells, minlength=grid.cells)
    # Values in cells an edge falls into, sorted: their counts at each edge come from two binary
    # searches per edge; every other value is counted with its cell.
    near = np.sort(x[np.flatnonzero(grid.mixed[cells])])
    per_cell[grid.mixed_cells] = 0
    pure_cumulative = np.concatenate(([0], np.cumsum(per_cell)))[grid.pure_prefix]
    le = pure_cumulative + np.searchsorted(near, edges, side="right")
    lt = pure_cumulative + np.searchsorted(near, edges, side="left")
    # Every value outside the edge range is in an end cell, so among the sorted near values.
    below, above = int(lt[0]), len(x) - int(le[-1])
    return EdgeCounts(le, lt, float(near[:below].sum()), float(near[len(near) - above :].sum()))


def sorted_edge_counts(xs: FloatArray, edges: FloatArray) -> EdgeCounts:
    """The same counts from values sorted ascending (where a grid cannot be built)."""
    le = np.searchsorted(xs, edges, side="right")
    # `< e` differs from `<= e` only where some value equals the edge: search just those.
    last = xs[np.maximum(le - 1, 0)]
    tied = (le > 0) & (last == edges)
    lt = le.copy()
    if tied.any():
        lt[tied] = np.searchsorted(xs, edges[tied], side="left")
    below, above = int(lt[0]), len(xs) - int(le[-1])
    return EdgeCounts(le, lt, float(xs[:below].sum()), float(xs[len(xs) - above :].sum()))
