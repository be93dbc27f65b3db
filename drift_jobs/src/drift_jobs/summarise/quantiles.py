"""Exact reference quantiles in bounded memory.

Fine edges only need to be roughly equal-mass, so they come from a uniform sample. The
coarse PSI edges must equal np.quantile(reference, levels) exactly (that is the PSI
definition), so the order statistics behind them are located with exact counts on the
fine edges and then read from the few fine bins that hold them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from drift_jobs.read.columns import FloatArray
from drift_jobs.summarise.numeric import IntArray

SAMPLE_SIZE = 1 << 16


@dataclass
class BottomKSample:
    """Uniform sample without replacement of a stream: keep the k smallest random keys."""

    size: int
    rng: np.random.Generator
    keys: FloatArray = field(default_factory=lambda: np.zeros(0))
    values: FloatArray = field(default_factory=lambda: np.zeros(0))
    n: int = 0
    lo: float = math.inf
    hi: float = -math.inf

    def add(self, finite: FloatArray) -> None:
        if not len(finite):
            return
        self.n += len(finite)
        self.lo = min(self.lo, float(finite.min()))
        self.hi = max(self.hi, float(finite.max()))
        keys = self.rng.random(len(finite))
        if len(self.keys) == self.size:
            # Once the sample is full only keys below its largest can enter it: a share of about
            # size / n of each chunk, so the selection below works on that share, not on the chunk.
            # The keys drawn, and so the sample kept, are the same as without this filter.
            entering = np.flatnonzero(keys < self.keys.max())
            keys, finite = keys[entering], finite[entering]
        keys = np.concatenate((self.keys, keys))
        values = np.concatenate((self.values, finite))
        if len(keys) > self.size:
            keep = np.argpartition(keys, self.size)[: self.size]
            keys, values = keys[keep], values[keep]
        self.keys, self.values = keys, values

    @property
    def complete(self) -> bool:
        return self.n <= self.size


def fine_edges_from_sample(sample: BottomKSample, fine_bins: int) -> FloatArray:
    """np.quantile(sample, linspace(0, 1, fine_bins + 1)), ends set to the stream's extremes, deduplicated.

    One sort, then the order statistics: np.quantile would select each of the ~4,000 levels by
    partitioning around them, about 10 times slower here (8.7 ms against 0.8 ms per feature).
    """
    ordered = np.sort(sample.values)
    n = len(ordered)
    lo, t = virtual_positions(n, np.linspace(0.0, 1.0, fine_bins + 1))
    qs = lerp(ordered[lo], ordered[np.minimum(lo + 1, n - 1)], t)
    qs[0], qs[-1] = sample.lo, sample.hi
    return np.unique(qs)


def virtual_positions(n: int, levels: FloatArray) -> tuple[IntArray, FloatArray]:
    """Order-statistic positions and weights exactly as numpy's default 'linear' method."""
    virtual = (n - 1) * levels
    virtual = np.clip(virtual, 0, n - 1)
    lo = np.floor(virtual).astype(np.int64)
    return lo, virtual - lo


def lerp(a: FloatArray, b: FloatArray, t: FloatArray) -> FloatArray:
    """numpy's _lerp: symmetric form so the result is exact at both ends."""
    diff = b - a
    out = a + diff * t
    return np.where(t >= 0.5, b - diff * (1 - t), out)


def needed_ranks(n: int, levels: FloatArray) -> IntArray:
    lo, _ = virtual_positions(n, levels)
    return np.unique(np.concatenate((lo, np.minimum(lo + 1, n - 1))))


def bins_of_ranks(cum_le: IntArray, ranks: IntArray) -> IntArray:
    """Fine bin (values in (e[b-1], e[b]]) that holds each 0-based order statistic."""
    return np.searchsorted(cum_le, ranks, side="right").astype(np.int64)


def quantiles_from_bins(
    n: int,
    levels: FloatArray,
    edges: FloatArray,
    cum_le: IntArray,
    collected: dict[int, FloatArray],
) -> FloatArray:
    """np.quantile(data, levels) from exact bin counts plus the sorted values of a few bins."""
    lo, t = virtual_positions(n, levels)
    hi = np.minimum(lo + 1, n - 1)

    def order_stat(rank: int) -> float:
        b = int(np.searchsorted(cum_le, rank, side="right"))
        if b == 0:
            return float(edges[0])  # bin 0 holds only values equal to the minimum
        start = int(cum_le[b - 1])
        return float(collected[b][rank - start])

    a = np.array([order_stat(int(r)) for r in lo])
    b = np.array([order_stat(int(r)) for r in hi])
    return lerp(a, b, t)
