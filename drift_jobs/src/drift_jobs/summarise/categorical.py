"""Mergeable summary of one categorical column over the reference's category buckets.

Buckets are the reference's top categories, then "other" (reference categories beyond the
cardinality cap) and "unseen" (values the reference never had). Mapping values to buckets
is one vectorised lookup per chunk, so cost does not depend on the cardinality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from drift_jobs.summarise.numeric import IntArray

OTHER = "__other__"
UNSEEN = "__unseen__"
UNSEEN_EXAMPLES = 20


@dataclass(frozen=True)
class CategoryBuckets:
    categories: tuple[str, ...]
    known_other: tuple[str, ...]
    known_other_truncated: bool

    @property
    def labels(self) -> list[str]:
        return [*self.categories, OTHER, UNSEEN]

    def value_sets(self) -> tuple[pa.Array, pa.Array]:
        return pa.array(self.categories, pa.string()), pa.array(self.known_other, pa.string())


@dataclass
class CategoricalSummary:
    n_buckets: int
    counts: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_missing: int = 0
    n_absent: int = 0
    n_mismatch: int = 0
    unseen_examples: dict[str, int] = field(default_factory=dict)
    # Lower bound of the distinct unseen values: the most in one chunk (mergeable by max).
    unseen_distinct: int = 0

    def __post_init__(self) -> None:
        if self.counts.size == 0:
            self.counts = np.zeros(self.n_buckets, dtype=np.int64)

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    @property
    def rows(self) -> int:
        return self.n + self.n_missing + self.n_absent + self.n_mismatch

    def add(
        self,
        values: pa.Array,
        buckets: CategoryBuckets,
        sets: tuple[pa.Array, pa.Array],
        n_mismatch: int = 0,
    ) -> None:
        import pyarrow.compute as pc  # noqa: PLC0415 - only categorical columns load Arrow's compute functions

        top, known_other = sets
        other_idx = len(buckets.categories)
        unseen_idx = other_idx + 1
        # Entries of the wrong type arrive as nulls; they are counted as mismatches instead.
        self.n_missing += values.null_count - n_mismatch
        self.n_mismatch += n_mismatch
        present = values.drop_null() if values.null_count else values
        if len(present) == 0:
            return
        idx = pc.index_in(present, value_set=top)
        found = idx.drop_null()
        if len(found):
            self.counts[: len(buckets.categories)] += np.bincount(
                found.to_numpy(zero_copy_only=False), minlength=len(buckets.categories)
            )
        not_found = len(present) - len(found)
        if not not_found:
            return
        rest = present.filter(pc.is_null(idx))
        if buckets.known_other_truncated:
            # The reference tail was too large to list; anything outside the top is "other".
            self.counts[other_idx] += not_found
            return
        in_other = pc.is_in(rest, value_set=known_other)
        n_other = int(pc.sum(in_other).as_py() or 0)
        self.counts[other_idx] += n_other
        self.counts[unseen_idx] += not_found - n_other
        if not_found - n_other:
            unseen = rest.filter(pc.invert(in_other))
            vc = pc.value_counts(unseen)
            self.unseen_distinct = max(self.unseen_distinct, len(vc))
            for name, count in zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True):
                self.unseen_examples[str(name)] = self.unseen_examples.get(str(name), 0) + int(count)
            self._trim_examples()

    def _trim_examples(self) -> None:
        if len(self.unseen_examples) > UNSEEN_EXAMPLES:
            top = sorted(self.unseen_examples.items(), key=lambda kv: (-kv[1], kv[0]))[:UNSEEN_EXAMPLES]
            self.unseen_examples = dict(top)

    def merge(self, other: CategoricalSummary) -> None:
        if other.n_buckets != self.n_buckets:
            raise ValueError("cannot merge summaries built on different category buckets")
        self.counts += other.counts
        self.n_missing += other.n_missing
        self.n_absent += other.n_absent
        self.n_mismatch += other.n_mismatch
        self.unseen_distinct = max(self.unseen_distinct, other.unseen_distinct)
        for name, count in other.unseen_examples.items():
            self.unseen_examples[name] = self.unseen_examples.get(name, 0) + count
        self._trim_examples()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "counts": self.counts.tolist(),
            "n_missing": self.n_missing,
            "n_absent": self.n_absent,
            "n_mismatch": self.n_mismatch,
            "unseen_examples": dict(sorted(self.unseen_examples.items())),
        }
        if self.unseen_distinct:  # absent when 0, so reference profiles (and their ids) are unchanged
            out["unseen_distinct"] = self.unseen_distinct
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CategoricalSummary:
        counts = np.asarray(d["counts"], dtype=np.int64)
        return cls(
            n_buckets=len(counts),
            counts=counts,
            n_missing=int(d["n_missing"]),
            n_absent=int(d["n_absent"]),
            n_mismatch=int(d["n_mismatch"]),
            unseen_examples={str(k): int(v) for k, v in d.get("unseen_examples", {}).items()},
            unseen_distinct=int(d.get("unseen_distinct", 0)),
        )
