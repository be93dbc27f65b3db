"""Mergeable summary of one numeric column against fixed bin edges.

Two cumulative counts per edge, of values <= edge and of values < edge, give the exact empirical CDF
on both sides of every edge, which is what KS needs when values tie there. A column chunk is scanned
once by the compiled kernel (_edgescan.c: counts, moments, extremes and non-finite values from one
read of memory, a cache-resident block at a time). Where the package was built without a C compiler,
the same figures come from numpy: the edge grid (drift_jobs.summarise.edge_index: values counted per
cell, only those near an edge sorted), or, where a grid's arithmetic cannot be exact, sorting the
chunk once and two binary searches per edge; the counts are identical and the moments equal to
rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from drift_jobs.read.columns import FloatArray
from drift_jobs.summarise.arrays import decode, encode
from drift_jobs.summarise.edge_index import BLOCK, EdgeCounts, edge_counts, grid_for, sorted_edge_counts
from drift_jobs.summarise.scratch import scratch

_edgescan: ModuleType | None
try:
    from drift_jobs.summarise import _edgescan
except ImportError:  # built without a C compiler (the build makes the kernel optional): numpy gives the same counts
    _edgescan = None

IntArray = npt.NDArray[np.int64]
# Where no grid can be built: one cell, so every value's position is searched from 0.
_SEARCH_ALL = np.zeros(1, dtype=np.int32)


def chan_merge(n_a: int, mean_a: float, m2_a: float, n_b: int, mean_b: float, m2_b: float) -> tuple[int, float, float]:
    """Count, mean and sum of squared deviations of two sets merged (Chan et al.), from each set's own."""
    n = n_a + n_b
    delta = mean_b - mean_a
    return n, mean_a + delta * n_b / n, m2_a + (m2_b + delta * delta * n_a * n_b / n)


class _BlockScan:
    """What one pass over a chunk learns from each cache-resident block besides the edge counts: how many values
    are NaN or infinite, and the moments of the finite ones (Chan et al.'s merge, block by block)."""

    def __init__(self) -> None:
        self.nan = self.posinf = self.neginf = self.n = 0
        self.mean = self.m2 = 0.0
        self.min, self.max = float("inf"), float("-inf")

    def visit(self, block: FloatArray) -> tuple[FloatArray, float, float]:
        """The block's finite values (the block itself when all are) with their minimum and maximum; their
        moments merged in."""
        m = len(block)
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf and overflow only send us to the check below
            total = float(block.sum())
        k = m
        # A finite sum means every value is finite (a NaN or an infinity makes it NaN or infinite): the
        # common case skips the per-value check.
        if not math.isfinite(total):
            finite = np.isfinite(block, out=scratch("numeric.finite", m, np.bool_))
            k = int(np.count_nonzero(finite))
            if k < m:
                nan = int(np.count_nonzero(np.isnan(block)))
                posinf = int(np.count_nonzero(np.isposinf(block)))
                self.nan += nan
                self.posinf += posinf
                self.neginf += m - k - nan - posinf
                block = np.compress(finite, block, out=scratch("numeric.values", k))
                total = float(block.sum())
        if not k:
            return block, math.inf, -math.inf
        mean = total / k
        dev = np.subtract(block, mean, out=scratch("numeric.work", k))
        # einsum's own loop, not np.dot: BLAS threads would compete with the reader and the other summary thread.
        m2 = float(np.einsum("i,i->", dev, dev))
        self.n, self.mean, self.m2 = chan_merge(self.n, self.mean, self.m2, k, mean, m2)
        lowest, highest = float(block.min()), float(block.max())
        self.min = min(self.min, lowest)
        self.max = max(self.max, highest)
        return block, lowest, highest


@dataclass(frozen=True)
class ColumnScan:
    """What one column chunk contributes: counts at the edges, non-finite values, moments of the finite ones."""

    counts: EdgeCounts
    nan: int
    posinf: int
    neginf: int
    n: int  # finite values
    mean: float
    m2: float
    min: float
    max: float


def kernel_available() -> bool:
    """Whether the compiled one-pass scan was built (the package builds it wherever a C compiler is found)."""
    return _edgescan is not None


def scan_column(x: FloatArray, edges: FloatArray, use_kernel: bool = True) -> ColumnScan:
    """Counts, non-finite values and moments of one column chunk; `use_kernel=False` forces the numpy path."""
    if use_kernel and _edgescan is not None and len(edges):
        return _kernel_scan(x, edges)
    return _numpy_scan(x, edges)


def _kernel_scan(x: FloatArray, edges: FloatArray) -> ColumnScan:
    assert _edgescan is not None
    grid = grid_for(edges)
    k = len(edges)
    hist = np.zeros(k + 1, dtype=np.int64)
    ties = np.zeros(k, dtype=np.int64)
    if grid is None:
        positions, scale, offset = _SEARCH_ALL, 0.0, 0.0
    else:
        positions, scale, offset = grid.starts, grid.scale, grid.offset
    n, nan, posinf, neginf, mean, m2, lo, hi, sum_below, sum_above = _edgescan.scan(
        np.ascontiguousarray(x, dtype=np.float64), edges, positions, scale, offset, hist, ties
    )
    le = np.cumsum(hist[:k])
    return ColumnScan(EdgeCounts(le, le - ties, sum_below, sum_above), nan, posinf, neginf, n, mean, m2, lo, hi)


def _numpy_scan(x: FloatArray, edges: FloatArray) -> ColumnScan:
    scan = _BlockScan()
    grid = grid_for(edges)
    if grid is not None:
        counts = edge_counts(x, grid, scan.visit)
    else:
        # Copies: a block's finite values may live in a buffer the next block reuses.
        parts = [scan.visit(x[b : b + BLOCK])[0].copy() for b in range(0, len(x), BLOCK)]
        xs = np.concatenate(parts) if parts else np.zeros(0)
        xs.sort()
        counts = sorted_edge_counts(xs, edges)
    return ColumnScan(counts, scan.nan, scan.posinf, scan.neginf, scan.n, scan.mean, scan.m2, scan.min, scan.max)


@dataclass
class NumericSummary:
    n_edges: int
    exact_max: int
    n: int = 0  # finite values
    n_missing: int = 0  # null or NaN
    n_posinf: int = 0
    n_neginf: int = 0
    n_absent: int = 0  # rows from files that lack the column
    n_mismatch: int = 0  # present but not a number
    mean: float = 0.0
    m2: float = 0.0  # sum of squared deviations from the mean (Chan et al. merge)
    min: float = float("inf")
    max: float = float("-inf")
    tail_low: float = 0.0  # sum of (edges[0] - v) over v < edges[0]
    tail_high: float = 0.0  # sum of (v - edges[-1]) over v > edges[-1]
    cum_le: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cum_lt: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Finite values kept while the total stays <= exact_max, for exact small-sample tests.
    values: list[FloatArray] | None = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.cum_le.size == 0:
            self.cum_le = np.zeros(self.n_edges, dtype=np.int64)
            self.cum_lt = np.zeros(self.n_edges, dtype=np.int64)

    @property
    def rows(self) -> int:
        return self.n + self.n_missing + self.n_posinf + self.n_neginf + self.n_absent + self.n_mismatch

    @property
    def n_invalid(self) -> int:
        """Everything excluded from the distribution."""
        return self.rows - self.n

    def add(self, x: FloatArray, edges: FloatArray, n_mismatch: int = 0, use_kernel: bool = True) -> None:
        scan = scan_column(x, edges, use_kernel)
        counts = scan.counts
        # NaN includes unparseable entries already counted as mismatches.
        self.n_missing += scan.nan - n_mismatch
        self.n_posinf += scan.posinf
        self.n_neginf += scan.neginf
        self.n_mismatch += n_mismatch
        k = scan.n
        if k == 0:
            return
        self.cum_le += counts.le
        self.cum_lt += counts.lt
        below = int(counts.lt[0])
        above = k - int(counts.le[-1])
        if below:
            self.tail_low += float(edges[0]) * below - counts.sum_below
        if above:
            self.tail_high += counts.sum_above - float(edges[-1]) * above
        self._merge_moments(k, scan.mean, scan.m2, scan.min, scan.max)
        if self.values is not None:
            if self.n <= self.exact_max:
                self.values.append(x[np.isfinite(x)])
            else:
                self.values = None

    def _merge_moments(self, k: int, mean: float, m2: float, lo: float, hi: float) -> None:
        self.n, self.mean, self.m2 = chan_merge(self.n, self.mean, self.m2, k, mean, m2)
        self.min = min(self.min, lo)
        self.max = max(self.max, hi)

    def merge(self, other: NumericSummary) -> None:
        if other.n_edges != self.n_edges:
            raise ValueError("cannot merge summaries built on different bin edges")
        if other.n:
            self._merge_moments(other.n, other.mean, other.m2, other.min, other.max)
        self.n_missing += other.n_missing
        self.n_posinf += other.n_posinf
        self.n_neginf += other.n_neginf
        self.n_absent += other.n_absent
        self.n_mismatch += other.n_mismatch
        self.tail_low += other.tail_low
        self.tail_high += other.tail_high
        self.cum_le += other.cum_le
        self.cum_lt += other.cum_lt
        if self.values is None or other.values is None or self.n > self.exact_max:
            self.values = None
        else:
            self.values.extend(other.values)

    def exact_values(self) -> FloatArray | None:
        if self.values is None or self.n > self.exact_max:
            return None
        if not self.values:
            return np.zeros(0)
        return np.sort(np.concatenate(self.values))

    @property
    def std(self) -> float:
        return float(np.sqrt(self.m2 / self.n)) if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        vals = self.exact_values()
        return {
            "n": self.n,
            "n_missing": self.n_missing,
            "n_posinf": self.n_posinf,
            "n_neginf": self.n_neginf,
            "n_absent": self.n_absent,
            "n_mismatch": self.n_mismatch,
            "mean": self.mean,
            "m2": self.m2,
            "min": self.min if self.n else None,
            "max": self.max if self.n else None,
            "tail_low": self.tail_low,
            "tail_high": self.tail_high,
            "cum_le": encode(self.cum_le),
            "cum_lt": encode(self.cum_lt),
            "values": None if vals is None else encode(vals),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], exact_max: int) -> NumericSummary:
        cum_le = decode(d["cum_le"], np.int64)
        values = d.get("values")
        return cls(
            n_edges=len(cum_le),
            exact_max=exact_max,
            n=int(d["n"]),
            n_missing=int(d["n_missing"]),
            n_posinf=int(d["n_posinf"]),
            n_neginf=int(d["n_neginf"]),
            n_absent=int(d["n_absent"]),
            n_mismatch=int(d["n_mismatch"]),
            mean=float(d["mean"]),
            m2=float(d["m2"]),
            min=float("inf") if d["min"] is None else float(d["min"]),
            max=float("-inf") if d["max"] is None else float(d["max"]),
            tail_low=float(d["tail_low"]),
            tail_high=float(d["tail_high"]),
            cum_le=cum_le,
            cum_lt=decode(d["cum_lt"], np.int64),
            values=None if values is None else [decode(values, np.float64)],
        )
