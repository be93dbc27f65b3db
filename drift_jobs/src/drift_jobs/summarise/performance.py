"""Mergeable sufficient statistics for model performance when labels exist.

Classification keeps a confusion matrix over the reference's classes (plus "other") and,
when the prediction column holds scores, one score histogram per class so AUC merges
exactly across shards. Regression keeps error sums and the label's moments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from drift_jobs.read.columns import ColumnData, to_categorical, to_numeric
from drift_jobs.summarise.numeric import IntArray

SCORE_BINS = 1000
POSITIVE_NAMES = ("1", "true", "True", "yes", "positive")
HIGHER_IS_BETTER = {"accuracy": True, "precision": True, "recall": True, "f1": True, "auc": True, "r2": True}
HIGHER_IS_BETTER.update({"mae": False, "rmse": False})
PRIMARY_METRIC = {"classification": "accuracy", "regression": "rmse"}


def positive_class(classes: tuple[str, ...]) -> str:
    for name in POSITIVE_NAMES:
        if name in classes:
            return name
    return classes[-1]


@dataclass
class ClassificationStats:
    classes: tuple[str, ...]
    scores: bool  # prediction column is a score for the positive class
    confusion: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    score_hist: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_skipped: int = 0

    def __post_init__(self) -> None:
        k = len(self.classes) + 1
        if self.confusion.size == 0:
            self.confusion = np.zeros((k, k), dtype=np.int64)
        if self.score_hist.size == 0:
            self.score_hist = np.zeros((2, SCORE_BINS), dtype=np.int64)

    def _class_index(self, values: pa.Array) -> np.ndarray:
        import pyarrow.compute as pc  # noqa: PLC0415 - only runs with labels load Arrow's compute functions

        idx = pc.index_in(values, value_set=pa.array(self.classes, pa.string()))
        other = len(self.classes)
        return np.asarray(pc.fill_null(idx, other).to_numpy(zero_copy_only=False), dtype=np.int64)

    def add(self, labels: ColumnData, predictions: ColumnData) -> None:
        import pyarrow.compute as pc  # noqa: PLC0415 - only runs with labels load Arrow's compute functions

        lab = to_categorical(labels).values
        valid = pc.invert(pc.is_null(lab)).to_numpy(zero_copy_only=False)
        if self.scores:
            score = to_numeric(predictions).values
            valid = valid & np.isfinite(score)
            pos = positive_class(self.classes)
            neg = next(c for c in self.classes if c != pos)
            pred_idx = np.where(score >= 0.5, self.classes.index(pos), self.classes.index(neg))
        else:
            pred = to_categorical(predictions).values
            valid = valid & pc.invert(pc.is_null(pred)).to_numpy(zero_copy_only=False)
            pred_idx = self._class_index(pred)
        true_idx = self._class_index(lab)
        self.n_skipped += int(len(valid) - np.count_nonzero(valid))
        k = len(self.classes) + 1
        flat = true_idx[valid] * k + pred_idx[valid]
        self.confusion += np.bincount(flat, minlength=k * k).reshape(k, k)
        if self.scores:
            pos_i = self.classes.index(positive_class(self.classes))
            s = np.clip(score[valid], 0.0, 1.0)
            bins = np.minimum((s * SCORE_BINS).astype(np.int64), SCORE_BINS - 1)
            is_pos = true_idx[valid] == pos_i
            self.score_hist[1] += np.bincount(bins[is_pos], minlength=SCORE_BINS)
            self.score_hist[0] += np.bincount(bins[~is_pos], minlength=SCORE_BINS)

    def merge(self, other: ClassificationStats) -> None:
        self.confusion += other.confusion
        self.score_hist += other.score_hist
        self.n_skipped += other.n_skipped

    def metrics(self) -> dict[str, float | None]:
        cm = self.confusion.astype(np.float64)
        total = cm.sum()
        if total == 0:
            return {"accuracy": None, "precision": None, "recall": None, "f1": None, "auc": None}
        out: dict[str, float | None] = {"accuracy": float(np.trace(cm) / total)}
        k = len(self.classes)
        # Binary: the positive class; multiclass: macro average over the reference's classes.
        targets = [self.classes.index(positive_class(self.classes))] if k == 2 else list(range(k))
        precisions, recalls, f1s = [], [], []
        for i in targets:
            tp = cm[i, i]
            pp = cm[:, i].sum()
            ap = cm[i, :].sum()
            p = tp / pp if pp else 0.0
            r = tp / ap if ap else 0.0
            precisions.append(p)
            recalls.append(r)
            f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        out["precision"] = float(np.mean(precisions))
        out["recall"] = float(np.mean(recalls))
        out["f1"] = float(np.mean(f1s))
        out["auc"] = self._auc()
        return out

    def _auc(self) -> float | None:
        if not self.scores:
            return None
        neg, pos = self.score_hist[0].astype(np.float64), self.score_hist[1].astype(np.float64)
        n_neg, n_pos = neg.sum(), pos.sum()
        if n_neg == 0 or n_pos == 0:
            return None
        # Pairs in the same score bin count as ties (one half), as in Mann-Whitney U.
        neg_below = np.concatenate(([0.0], np.cumsum(neg)[:-1]))
        return float((pos * (neg_below + 0.5 * neg)).sum() / (n_pos * n_neg))

    def to_dict(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "scores": self.scores,
            "confusion": self.confusion.tolist(),
            "score_hist": self.score_hist.tolist() if self.scores else None,
            "n_skipped": self.n_skipped,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClassificationStats:
        hist = d.get("score_hist")
        return cls(
            classes=tuple(d["classes"]),
            scores=bool(d["scores"]),
            confusion=np.asarray(d["confusion"], dtype=np.int64),
            score_hist=np.zeros(0, dtype=np.int64) if hist is None else np.asarray(hist, dtype=np.int64),
            n_skipped=int(d["n_skipped"]),
        )


@dataclass
class RegressionStats:
    n: int = 0
    sum_abs: float = 0.0
    sum_sq: float = 0.0
    y_mean: float = 0.0
    y_m2: float = 0.0
    n_skipped: int = 0

    def add(self, labels: ColumnData, predictions: ColumnData) -> None:
        y = to_numeric(labels).values
        p = to_numeric(predictions).values
        ok = np.isfinite(y) & np.isfinite(p)
        self.n_skipped += int(len(y) - np.count_nonzero(ok))
        y, p = y[ok], p[ok]
        if not len(y):
            return
        err = p - y
        k = len(y)
        mean = float(y.mean())
        dev = y - mean
        self._merge(k, float(np.abs(err).sum()), float((err * err).sum()), mean, float((dev * dev).sum()))

    def _merge(self, k: int, sum_abs: float, sum_sq: float, mean: float, m2: float) -> None:
        n = self.n + k
        delta = mean - self.y_mean
        self.y_mean += delta * k / n
        self.y_m2 += m2 + delta * delta * self.n * k / n
        self.n = n
        self.sum_abs += sum_abs
        self.sum_sq += sum_sq

    def merge(self, other: RegressionStats) -> None:
        if other.n:
            self._merge(other.n, other.sum_abs, other.sum_sq, other.y_mean, other.y_m2)
        self.n_skipped += other.n_skipped

    def metrics(self) -> dict[str, float | None]:
        if not self.n:
            return {"mae": None, "rmse": None, "r2": None}
        return {
            "mae": self.sum_abs / self.n,
            "rmse": float(np.sqrt(self.sum_sq / self.n)),
            "r2": 1.0 - self.sum_sq / self.y_m2 if self.y_m2 > 0 else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "sum_abs": self.sum_abs,
            "sum_sq": self.sum_sq,
            "y_mean": self.y_mean,
            "y_m2": self.y_m2,
            "n_skipped": self.n_skipped,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RegressionStats:
        return cls(
            n=int(d["n"]),
            sum_abs=float(d["sum_abs"]),
            sum_sq=float(d["sum_sq"]),
            y_mean=float(d["y_mean"]),
            y_m2=float(d["y_m2"]),
            n_skipped=int(d["n_skipped"]),
        )


PerformanceStats = ClassificationStats | RegressionStats


def relative_drop(metric: str, reference: float | None, current: float | None) -> float | None:
    """Relative degradation: positive when the current window performs worse."""
    if reference is None or current is None or reference == 0:
        return None
    if HIGHER_IS_BETTER[metric]:
        return (reference - current) / abs(reference)
    return (current - reference) / abs(reference)


def performance_from_dict(d: dict[str, Any]) -> PerformanceStats:
    if d["task"] == "classification":
        return ClassificationStats.from_dict(d["stats"])
    return RegressionStats.from_dict(d["stats"])


def performance_to_dict(stats: PerformanceStats) -> dict[str, Any]:
    task = "classification" if isinstance(stats, ClassificationStats) else "regression"
    return {"task": task, "stats": stats.to_dict()}


def empty_like(stats: PerformanceStats) -> PerformanceStats:
    if isinstance(stats, ClassificationStats):
        return ClassificationStats(classes=stats.classes, scores=stats.scores)
    return RegressionStats()
