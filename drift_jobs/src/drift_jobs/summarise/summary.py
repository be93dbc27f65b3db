"""Window summary: everything the metrics need from the current window, mergeable.

A shard writes its summary as JSON; `merge` adds summaries field by field (counts, sums,
moments), so merging the shards of a window gives the single-pass result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from drift_jobs import contract
from drift_jobs.errors import BadInputError
from drift_jobs.read.readers import Chunk, TableSource, prefetch
from drift_jobs.summarise.categorical import CategoricalSummary
from drift_jobs.summarise.latency import LatencyStats
from drift_jobs.summarise.numeric import NumericSummary
from drift_jobs.summarise.performance import (
    PerformanceStats,
    empty_like,
    performance_from_dict,
    performance_to_dict,
)
from drift_jobs.summarise.profile import Profile, column_pool, summarise_chunk


@dataclass
class WindowSummary:
    profile_id: str
    current: str
    shard: tuple[int, int]
    rows: int
    files: list[str]
    numeric: dict[str, NumericSummary]
    categorical: dict[str, CategoricalSummary]
    performance: PerformanceStats | None
    latency: LatencyStats | None
    columns_seen: set[str] = field(default_factory=set)
    shards_merged: list[int] = field(default_factory=list)
    profile_uri: str | None = None

    @classmethod
    def empty(cls, profile: Profile, current: str, shard: tuple[int, int]) -> WindowSummary:
        return cls(
            profile_id=profile.profile_id,
            current=current,
            shard=shard,
            rows=0,
            files=[],
            numeric={
                n: NumericSummary(len(p.bins.edges), profile.binning.exact_max) for n, p in profile.numeric.items()
            },
            categorical={n: CategoricalSummary(len(p.buckets.labels)) for n, p in profile.categorical.items()},
            performance=None if profile.performance is None else empty_like(profile.performance),
            latency=None if profile.latency is None else LatencyStats(),
            shards_merged=[shard[0]],
        )

    def merge(self, other: WindowSummary) -> None:
        if other.profile_id != self.profile_id:
            raise BadInputError(
                f"cannot merge summaries of different profiles ({self.profile_id} vs {other.profile_id})"
            )
        self.rows += other.rows
        self.files.extend(f for f in other.files if f not in self.files)
        for name, s in self.numeric.items():
            s.merge(other.numeric[name])
        for name, c in self.categorical.items():
            c.merge(other.categorical[name])
        if self.performance is not None and other.performance is not None:
            self.performance.merge(other.performance)  # type: ignore[arg-type]
        if self.latency is not None and other.latency is not None:
            self.latency.merge(other.latency)
        self.columns_seen |= other.columns_seen
        self.shards_merged.extend(other.shards_merged)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": contract.SUMMARY_SCHEMA_VERSION,
            "kind": "drift_window_summary",
            "profile_id": self.profile_id,
            "profile_uri": self.profile_uri,
            "current": self.current,
            "shard": {"index": self.shard[0], "count": self.shard[1]},
            "rows": self.rows,
            "files": self.files,
            "columns_seen": sorted(self.columns_seen),
            "numeric": {n: s.to_dict() for n, s in self.numeric.items()},
            "categorical": {n: s.to_dict() for n, s in self.categorical.items()},
            "performance": None if self.performance is None else performance_to_dict(self.performance),
            "latency": None if self.latency is None else self.latency.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str, exact_max: int) -> WindowSummary:
        if d.get("kind") != "drift_window_summary":
            raise BadInputError(f"{source}: not a drift window summary")
        if d.get("schema_version") != contract.SUMMARY_SCHEMA_VERSION:
            raise BadInputError(f"{source}: summary schema {d.get('schema_version')} is not supported")
        try:
            shard = (int(d["shard"]["index"]), int(d["shard"]["count"]))
            return cls(
                profile_id=str(d["profile_id"]),
                current=str(d["current"]),
                shard=shard,
                rows=int(d["rows"]),
                files=list(d["files"]),
                numeric={n: NumericSummary.from_dict(s, exact_max) for n, s in d["numeric"].items()},
                categorical={n: CategoricalSummary.from_dict(s) for n, s in d["categorical"].items()},
                performance=None if d.get("performance") is None else performance_from_dict(d["performance"]),
                latency=None if d.get("latency") is None else LatencyStats.from_dict(d["latency"]),
                columns_seen=set(d.get("columns_seen", [])),
                shards_merged=[shard[0]],
                profile_uri=d.get("profile_uri"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInputError(f"{source}: summary is malformed ({exc!r})") from exc


def summarise_window(
    profile: Profile,
    source: TableSource,
    shard: tuple[int, int],
    on_chunk: Callable[[Chunk], None] | None = None,
    threads: int = 1,
) -> WindowSummary:
    summary = WindowSummary.empty(profile, source.uri, shard)
    units = source.units(shard)
    summary.files = sorted({u.uri for u in units})
    wanted = profile.roles.columns
    together = tuple(c for c in (profile.roles.label, profile.roles.prediction, profile.roles.latency) if c)
    with column_pool(threads, "drift-job-summary") as pool:
        _consume(summary, prefetch(source.iter_chunks(units, wanted, together)), profile, on_chunk, pool)
    return summary


def _consume(
    summary: WindowSummary,
    chunks: Iterator[Chunk],
    profile: Profile,
    on_chunk: Callable[[Chunk], None] | None,
    pool: Executor | None,
) -> None:
    edges = {n: p.bins.edges for n, p in profile.numeric.items()}
    buckets = {n: p.buckets for n, p in profile.categorical.items()}
    sets = {n: b.value_sets() for n, b in buckets.items()}
    for chunk in chunks:
        if chunk.new_rows:
            summary.rows += chunk.num_rows
        summary.columns_seen.update(chunk.available)
        summarise_chunk(
            chunk,
            edges,
            summary.numeric,
            buckets,
            sets,
            summary.categorical,
            profile.roles,
            summary.performance,
            summary.latency,
            pool,
        )
        if on_chunk is not None and chunk.new_rows:
            on_chunk(chunk)


def write_summary(summary: WindowSummary) -> bytes:
    return json.dumps(summary.to_dict(), separators=(",", ":")).encode()
