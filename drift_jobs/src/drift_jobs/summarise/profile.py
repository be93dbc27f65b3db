"""Reference profile: bins, category buckets and the reference's own summaries, versioned.

Built in three streaming passes over the reference so memory stays bounded:
1. a uniform sample per numeric column (fine edges), category and class counts;
2. exact counts on the provisional fine edges, categorical/performance/latency summaries;
3. the values of the few fine bins that hold the coarse quantiles, which are then exact
   and inserted into the fine edges with their exact counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from drift_jobs import contract
from drift_jobs.config import Binning, JobConfig
from drift_jobs.errors import BadInputError
from drift_jobs.evaluate.metrics import NumericBins
from drift_jobs.read.columns import ColumnData, FloatArray, to_categorical, to_numeric
from drift_jobs.read.features import FeatureSpec, Roles, resolve_roles
from drift_jobs.read.readers import Chunk, TableSource
from drift_jobs.read.storage import Storage, join
from drift_jobs.summarise.arrays import decode, encode
from drift_jobs.summarise.categorical import CategoricalSummary, CategoryBuckets
from drift_jobs.summarise.latency import N_BINS as LATENCY_BINS
from drift_jobs.summarise.latency import LatencyStats
from drift_jobs.summarise.numeric import NumericSummary
from drift_jobs.summarise.performance import (
    ClassificationStats,
    PerformanceStats,
    RegressionStats,
    performance_from_dict,
    performance_to_dict,
)
from drift_jobs.summarise.profile_format import (
    JSON_SUFFIX,
    ProfileError,
    decode_profile,
    encode_profile,
    hmac_key,
    seal,
)
from drift_jobs.summarise.quantiles import (
    SAMPLE_SIZE,
    BottomKSample,
    bins_of_ranks,
    fine_edges_from_sample,
    needed_ranks,
    quantiles_from_bins,
)

log = logging.getLogger(__name__)
KNOWN_OTHER_MAX = 10_000
DISTINCT_MAX = 200_000  # beyond this the category counter prunes its tail (approximate)
MAX_CLASSES = 50


@dataclass
class NumericProfile:
    bins: NumericBins
    summary: NumericSummary


@dataclass
class CategoricalProfile:
    buckets: CategoryBuckets
    summary: CategoricalSummary
    counts_approximate: bool = False


@dataclass
class Profile:
    reference: str
    source_fingerprint: str
    files: list[str]
    binning: Binning
    roles: Roles
    rows: int
    numeric: dict[str, NumericProfile]
    categorical: dict[str, CategoricalProfile]
    performance: PerformanceStats | None
    latency: LatencyStats | None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    profile_id: str = ""
    # Every column of the reference (schema findings: a window column outside it is new).
    columns: list[str] = field(default_factory=list)

    def spec(self, name: str) -> FeatureSpec:
        return next(f for f in self.roles.features if f.name == name)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schema_version": contract.PROFILE_SCHEMA_VERSION,
            "kind": "drift_profile",
            "reference": self.reference,
            "source_fingerprint": self.source_fingerprint,
            "files": self.files,
            "binning": {
                "fine_bins": self.binning.fine_bins,
                "coarse_bins": self.binning.coarse_bins,
                "category_cap": self.binning.category_cap,
                "exact_max": self.binning.exact_max,
            },
            "rows": self.rows,
            "features": [{"name": f.name, "kind": f.kind, "role": f.role} for f in self.roles.features],
            "label_column": self.roles.label,
            "prediction_column": self.roles.prediction,
            "latency_column": self.roles.latency,
            "task": self.roles.task,
            "numeric": {
                name: {
                    "edges": encode(p.bins.edges),
                    "coarse_edges": p.bins.coarse_edges.tolist(),
                    "coarse_index": p.bins.coarse_index.tolist(),
                    "summary": p.summary.to_dict(),
                }
                for name, p in self.numeric.items()
            },
            "categorical": {
                name: {
                    "categories": list(p.buckets.categories),
                    "known_other": list(p.buckets.known_other),
                    "known_other_truncated": p.buckets.known_other_truncated,
                    "counts_approximate": p.counts_approximate,
                    "summary": p.summary.to_dict(),
                }
                for name, p in self.categorical.items()
            },
            "performance": None if self.performance is None else performance_to_dict(self.performance),
            "latency": None if self.latency is None else self.latency.to_dict(),
        }
        if self.columns:  # absent in profiles built before it was recorded
            body["columns"] = self.columns
        body["profile_id"] = content_id(body)
        body["created_at"] = self.created_at
        return body

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str) -> Profile:
        if d.get("kind") != "drift_profile":
            raise BadInputError(f"{source}: not a drift profile")
        if d.get("schema_version") != contract.PROFILE_SCHEMA_VERSION:
            raise BadInputError(
                f"{source}: profile schema {d.get('schema_version')} is not supported "
                f"(expected {contract.PROFILE_SCHEMA_VERSION}); rebuild it with `drift-job profile`"
            )
        b = d["binning"]
        binning = Binning(b["fine_bins"], b["coarse_bins"], b["category_cap"], b["exact_max"])
        roles = Roles(
            features=tuple(FeatureSpec(f["name"], f["kind"], f["role"]) for f in d["features"]),
            label=d.get("label_column"),
            prediction=d.get("prediction_column"),
            latency=d.get("latency_column"),
            task=d.get("task"),
        )
        numeric = {
            name: NumericProfile(
                NumericBins(decode(p["edges"], np.float64), np.asarray(p["coarse_index"], dtype=np.int64)),
                NumericSummary.from_dict(p["summary"], binning.exact_max),
            )
            for name, p in d["numeric"].items()
        }
        categorical = {
            name: CategoricalProfile(
                CategoryBuckets(tuple(p["categories"]), tuple(p["known_other"]), bool(p["known_other_truncated"])),
                CategoricalSummary.from_dict(p["summary"]),
                bool(p.get("counts_approximate", False)),
            )
            for name, p in d["categorical"].items()
        }
        return cls(
            reference=d["reference"],
            source_fingerprint=d["source_fingerprint"],
            files=list(d["files"]),
            binning=binning,
            roles=roles,
            rows=int(d["rows"]),
            numeric=numeric,
            categorical=categorical,
            performance=None if d.get("performance") is None else performance_from_dict(d["performance"]),
            latency=None if d.get("latency") is None else LatencyStats.from_dict(d["latency"]),
            created_at=str(d.get("created_at", "")),
            profile_id=str(d["profile_id"]),
            columns=[str(c) for c in d.get("columns", [])],
        )


def content_id(body: dict[str, Any]) -> str:
    """The profile id: a hash over the profile's content (see drift_jobs.summarise.profile_format)."""
    meta, _ = seal(body, None)
    return str(meta["profile_id"])


def default_profile_uri(reference: str, files: list[str]) -> str:
    """Next to the reference: `<dir>/_drift_profile.npz` or `<file>.drift-profile.npz`."""
    if files == [reference]:
        return reference + contract.PROFILE_SUFFIX
    return join(reference, contract.DIRECTORY_PROFILE_NAME)


# --- building ------------------------------------------------------------------------------


class _CategoryCounter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.approximate = False

    def add(self, values: pa.Array) -> None:
        import pyarrow.compute as pc  # noqa: PLC0415 - only categorical columns load Arrow's compute functions

        present = values.drop_null() if values.null_count else values
        if not len(present):
            return
        vc = pc.value_counts(present)
        for name, count in zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True):
            self.counts[name] = self.counts.get(name, 0) + int(count)
        if len(self.counts) > DISTINCT_MAX:
            keep = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))[: DISTINCT_MAX // 2]
            self.counts = dict(keep)
            self.approximate = True

    def ranked(self) -> list[str]:
        return [k for k, _ in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _buckets(counter: _CategoryCounter, cap: int) -> CategoryBuckets:
    ranked = counter.ranked()
    tail = ranked[cap:]
    return CategoryBuckets(
        categories=tuple(ranked[:cap]),
        known_other=tuple(sorted(tail[:KNOWN_OTHER_MAX])),
        known_other_truncated=len(tail) > KNOWN_OTHER_MAX or counter.approximate,
    )


ChunkReader = Callable[[], Iterator[Chunk]]


def build_profile(
    cfg: JobConfig,
    reference: str,
    storage: Storage,
    on_chunk: Callable[[Chunk], None] | None = None,
) -> Profile:
    source = TableSource(reference, storage, cfg.chunk_rows, csv=cfg.csv)
    roles = resolve_roles(cfg, source.schema(), reference)
    units = source.units()
    numeric = [f.name for f in roles.features if f.kind == "numeric"]
    categorical = [f.name for f in roles.features if f.kind == "categorical"]
    wanted = roles.columns

    together = tuple(c for c in (roles.label, roles.prediction, roles.latency) if c)

    # No read-ahead thread here, unlike the window: decoding the next chunk while this one is counted made a
    # 10M-row build 10-20 % faster, but its peak RSS rose 15-30 MB, and one bench run's 10M build peaked 31 MB
    # above its 1M build, over the 25 MB the flat-memory target allows (docs/drift-jobs.md, Benchmark).
    def chunks() -> Iterator[Chunk]:
        for chunk in source.iter_chunks(units, wanted, together):
            if on_chunk is not None and chunk.new_rows:
                on_chunk(chunk)
            yield chunk

    # Pass 1: samples for fine edges, category and class counts.
    rng = np.random.default_rng(20240601)
    samples = {n: BottomKSample(max(SAMPLE_SIZE, cfg.binning.exact_max), rng) for n in numeric}
    counters = {n: _CategoryCounter() for n in categorical}
    classes = _CategoryCounter()
    rows = 0
    columns: dict[str, None] = {}
    for chunk in chunks():
        rows += chunk.num_rows if chunk.new_rows else 0
        columns.update(dict.fromkeys(chunk.available))
        for name in numeric:
            col = chunk.columns.get(name)
            if col is not None:
                x = to_numeric(col).values
                finite = np.isfinite(x)
                samples[name].add(x if finite.all() else x[finite])
        for name in categorical:
            col = chunk.columns.get(name)
            if col is not None:
                counters[name].add(to_categorical(col).values)
        if roles.task == "classification" and roles.label in chunk.columns:
            classes.add(to_categorical(chunk.columns[roles.label]).values)
    if rows == 0:
        raise BadInputError(f"reference {reference}: no rows (empty reference)")
    for name, sample in samples.items():
        if sample.n == 0:
            raise BadInputError(f"reference {reference}: numeric feature {name!r} has no finite values")
    provisional = {n: fine_edges_from_sample(s, cfg.binning.fine_bins) for n, s in samples.items()}
    buckets = {n: _buckets(c, cfg.binning.category_cap) for n, c in counters.items()}

    performance: PerformanceStats | None = None
    if roles.task == "classification" and roles.label and roles.prediction:
        ranked = classes.ranked()
        if not ranked:
            raise BadInputError(f"reference {reference}: label column {roles.label!r} has no values")
        scores = next(f for f in roles.features if f.name == roles.prediction).kind == "numeric"
        cls_list = tuple(sorted(ranked[:MAX_CLASSES]))
        if scores and len(cls_list) != 2:
            raise BadInputError(
                f"reference {reference}: prediction column {roles.prediction!r} holds scores, "
                f"which needs exactly two label classes (found {len(ranked)})"
            )
        performance = ClassificationStats(classes=cls_list, scores=scores)
    elif roles.task == "regression" and roles.label and roles.prediction:
        performance = RegressionStats()
    latency = LatencyStats() if roles.latency else None

    # Pass 2: exact summaries on provisional edges.
    num_summaries = {n: NumericSummary(len(provisional[n]), cfg.binning.exact_max) for n in numeric}
    cat_summaries = {n: CategoricalSummary(len(buckets[n].labels)) for n in categorical}
    sets = {n: b.value_sets() for n, b in buckets.items()}
    with column_pool(cfg.threads, "drift-job-profile") as pool:
        for chunk in chunks():
            summarise_chunk(
                chunk, provisional, num_summaries, buckets, sets, cat_summaries, roles, performance, latency, pool
            )

    # Pass 3: exact coarse quantiles from the fine bins that hold them.
    levels = np.arange(1, cfg.binning.coarse_bins) / cfg.binning.coarse_bins
    wanted_bins: dict[str, set[int]] = {}
    for name in numeric:
        s = num_summaries[name]
        ranks = needed_ranks(s.n, levels)
        wanted_bins[name] = {int(b) for b in bins_of_ranks(s.cum_le, ranks) if b > 0}
    collected: dict[str, dict[int, list[FloatArray]]] = {n: {} for n in numeric}
    if any(wanted_bins.values()):
        num_only = set(numeric)
        for chunk in source.iter_chunks(units, num_only):
            for name in numeric:
                col = chunk.columns.get(name)
                if col is not None and wanted_bins[name]:
                    _collect_bins(to_numeric(col).values, provisional[name], wanted_bins[name], collected[name])
    num_profiles: dict[str, NumericProfile] = {}
    for name in numeric:
        s = num_summaries[name]
        bins_values = {b: np.sort(np.concatenate(v)) for b, v in collected[name].items()}
        coarse = np.unique(quantiles_from_bins(s.n, levels, provisional[name], s.cum_le, bins_values))
        num_profiles[name] = _insert_coarse_edges(provisional[name], coarse, s, bins_values, name)
    cat_profiles = {n: CategoricalProfile(buckets[n], cat_summaries[n], counters[n].approximate) for n in categorical}
    profile = Profile(
        reference=reference,
        source_fingerprint=storage.fingerprint(source.files),
        files=source.files,
        binning=cfg.binning,
        roles=roles,
        rows=rows,
        numeric=num_profiles,
        categorical=cat_profiles,
        performance=performance,
        latency=latency,
        columns=list(columns),
    )
    profile.profile_id = profile.to_dict()["profile_id"]
    return profile


def _collect_bins(x: FloatArray, edges: FloatArray, wanted: set[int], into: dict[int, list[FloatArray]]) -> None:
    """Copy the values of the wanted fine bins (e[b-1], e[b]] out of one chunk column.

    Each kept array is a fresh copy of a few values (about rows / fine_bins per bin), never a
    view into the chunk, so memory stays flat in the number of chunks; no sort of the chunk.
    NaN compares false and ±inf lies outside [min, max], so only finite values are kept.
    """
    for b in sorted(wanted):
        inside = (x > edges[b - 1]) & (x <= edges[b])
        if inside.any():
            into.setdefault(b, []).append(x[inside])  # boolean indexing copies


def _insert_coarse_edges(
    edges: FloatArray,
    coarse: FloatArray,
    s: NumericSummary,
    bins_values: dict[int, FloatArray],
    name: str,
) -> NumericProfile:
    """Add the coarse edges to the fine edges, splitting the counts of the bins they cut."""
    new_edges = [e for e in coarse if not np.any(edges == e)]
    if not new_edges:
        index = np.searchsorted(edges, coarse).astype(np.int64)
        return NumericProfile(NumericBins(edges, index), s)
    positions = np.searchsorted(edges, new_edges, side="left")
    le_extra, lt_extra = [], []
    for c, b in zip(new_edges, positions, strict=True):
        base = int(s.cum_le[b - 1])
        in_bin = int(s.cum_le[b] - s.cum_le[b - 1])
        vals = bins_values.get(int(b))
        if in_bin and vals is None:
            raise RuntimeError(f"profile of {name!r}: bin {b} with a coarse edge was not collected")
        vals = vals if vals is not None else np.zeros(0)
        le_extra.append(base + int(np.searchsorted(vals, c, side="right")))
        lt_extra.append(base + int(np.searchsorted(vals, c, side="left")))
    all_edges = np.concatenate((edges, new_edges))
    order = np.argsort(all_edges, kind="stable")
    s.cum_le = np.concatenate((s.cum_le, le_extra)).astype(np.int64)[order]
    s.cum_lt = np.concatenate((s.cum_lt, lt_extra)).astype(np.int64)[order]
    s.n_edges = len(all_edges)
    final = all_edges[order]
    index = np.searchsorted(final, coarse).astype(np.int64)
    return NumericProfile(NumericBins(final, index), s)


@contextmanager
def column_pool(threads: int, name: str) -> Iterator[Executor | None]:
    """The threads that summarise a chunk's columns in parallel (`summarise_chunk`), or None for one thread."""
    if threads <= 1:
        yield None
        return
    pool = ThreadPoolExecutor(threads, thread_name_prefix=name)
    try:
        yield pool
    finally:
        pool.shutdown()


def summarise_chunk(
    chunk: Chunk,
    edges: dict[str, FloatArray],
    numeric: dict[str, NumericSummary],
    buckets: dict[str, CategoryBuckets],
    sets: dict[str, tuple[pa.Array, pa.Array]],
    categorical: dict[str, CategoricalSummary],
    roles: Roles,
    performance: PerformanceStats | None,
    latency: LatencyStats | None,
    pool: Executor | None = None,
) -> None:
    """Add one chunk to every summary; columns the file lacks count as absent rows."""
    cols = chunk.columns
    todo: list[tuple[NumericSummary, FloatArray, ColumnData]] = []
    for name, s in numeric.items():
        col = cols.get(name)
        if col is None:
            if chunk.new_rows and name not in chunk.available:
                s.n_absent += chunk.num_rows
            continue
        todo.append((s, edges[name], col))

    def add(item: tuple[NumericSummary, FloatArray, ColumnData]) -> None:
        summary, feature_edges, data = item
        nc = to_numeric(data)
        summary.add(nc.values, feature_edges, nc.n_mismatch)

    # numpy's sort and searchsorted release the GIL, so columns summarise in parallel;
    # each summary is touched by one thread only.
    if pool is not None and len(todo) > 1:
        list(pool.map(add, todo))
    else:
        for item in todo:
            add(item)
    for name, cs in categorical.items():
        col = cols.get(name)
        if col is None:
            if chunk.new_rows and name not in chunk.available:
                cs.n_absent += chunk.num_rows
            continue
        cc = to_categorical(col)
        cs.add(cc.values, buckets[name], sets[name], cc.n_mismatch)
    if performance is not None and roles.label in cols and roles.prediction in cols:
        performance.add(cols[roles.label], cols[roles.prediction])  # type: ignore[index]
    if latency is not None and roles.latency in cols:
        latency.add(cols[roles.latency])  # type: ignore[index]


def load_profile(storage: Storage, uri: str) -> Profile | None:
    """The stored profile, verified (content id, signature when a key is set) and checked; None if absent.

    Raises ProfileError (exit 2) when it is unreadable, malformed, inconsistent or fails verification.
    """
    key = hmac_key()
    data = storage.read_bytes(uri)
    if data is None:
        return None
    raw = decode_profile(data, uri, key)
    try:
        profile = Profile.from_dict(raw, uri)
        check_profile(profile, raw, uri)
    except ProfileError:
        raise
    except BadInputError as exc:
        raise ProfileError(str(exc)) from exc
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise ProfileError(f"{uri}: profile is malformed ({exc!r})") from exc
    return profile


def save_profile(storage: Storage, uri: str, profile: Profile) -> None:
    """Store the profile at `uri`: npz, or JSON when the URI ends in .json; signed when a key is set."""
    key = hmac_key()
    data = encode_profile(profile.to_dict(), uri, key)
    json_form = uri.endswith(JSON_SUFFIX)
    storage.write_bytes(uri, data, content_type="application/json" if json_form else "application/octet-stream")
    log.info("profile written", extra={"profile": uri, "profile_id": profile.profile_id, "signed": key is not None})


def _nondecreasing(a: np.ndarray[Any, Any]) -> bool:
    return bool(np.all(a[1:] >= a[:-1]))


def check_profile(profile: Profile, raw: dict[str, Any], uri: str) -> None:
    """Refuse a profile whose parts do not fit together (indices out of range, lengths that differ).

    The content id only proves the profile is the one that was written; these checks keep a
    hand-made or buggy one from ending in an IndexError (exit 1) or silently wrong metrics.
    """

    def bad(what: str) -> ProfileError:
        return ProfileError(f"{uri}: profile is inconsistent: {what}")

    if profile.rows < 0:
        raise bad(f"rows {profile.rows} < 0")
    kinds = {f.name: f.kind for f in profile.roles.features}
    for kind, have in (("numeric", profile.numeric), ("categorical", profile.categorical)):
        want = {n for n, k in kinds.items() if k == kind}
        if want != set(have):
            raise bad(f"{kind} features {sorted(want)} but {kind} statistics for {sorted(have)}")
    for name, p in profile.numeric.items():
        e, idx, s = p.bins.edges, p.bins.coarse_index, p.summary
        where = f"numeric feature {name!r}"
        if e.ndim != 1 or len(e) == 0 or not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
            raise bad(f"{where}: edges must be finite and strictly increasing")
        if idx.ndim != 1 or (len(idx) and (idx.min() < 0 or idx.max() >= len(e))) or np.any(np.diff(idx) <= 0):
            raise bad(f"{where}: coarse index out of range 0..{len(e) - 1} or not increasing")
        if len(s.cum_le) != len(e) or len(s.cum_lt) != len(e) or s.n_edges != len(e):
            raise bad(f"{where}: {len(e)} edges but {len(s.cum_le)}/{len(s.cum_lt)} cumulative counts")
        counts = (s.n, s.n_missing, s.n_posinf, s.n_neginf, s.n_absent, s.n_mismatch)
        if min(counts) < 0:
            raise bad(f"{where}: negative count")
        if not (_nondecreasing(s.cum_le) and _nondecreasing(s.cum_lt)) or np.any(s.cum_lt > s.cum_le):
            raise bad(f"{where}: cumulative counts are not monotone")
        if len(s.cum_le) and (s.cum_lt[0] < 0 or s.cum_le[-1] > s.n):
            raise bad(f"{where}: cumulative counts outside 0..{s.n}")
        if s.values is not None and s.n <= s.exact_max and sum(len(v) for v in s.values) != s.n:
            raise bad(f"{where}: {s.n} values counted but {sum(len(v) for v in s.values)} stored")
    for name, c in profile.categorical.items():
        if len(c.summary.counts) != len(c.buckets.labels):
            raise bad(
                f"categorical feature {name!r}: {len(c.buckets.labels)} buckets but {len(c.summary.counts)} counts"
            )
        if np.any(c.summary.counts < 0):
            raise bad(f"categorical feature {name!r}: negative count")
    lat = raw.get("latency")
    if isinstance(lat, dict):
        bins = np.asarray(lat.get("bins", []), dtype=np.int64)
        if len(bins) and (bins.min() < 0 or bins.max() >= LATENCY_BINS):
            raise bad(f"latency histogram bin index out of range 0..{LATENCY_BINS - 1}")
