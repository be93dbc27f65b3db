"""Which columns are features, of which kind, and which columns play special roles."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from drift_jobs.config import JobConfig
from drift_jobs.errors import BadInputError
from drift_jobs.read.columns import is_categorical_type, is_numeric_type


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    kind: str  # numeric | categorical
    role: str  # feature | prediction


@dataclass(frozen=True)
class Roles:
    features: tuple[FeatureSpec, ...]
    label: str | None
    prediction: str | None
    latency: str | None
    task: str | None

    @property
    def columns(self) -> set[str]:
        cols = {f.name for f in self.features}
        cols.update(c for c in (self.label, self.prediction, self.latency) if c)
        return cols


def _kind_of(t: pa.DataType) -> str | None:
    if pa.types.is_boolean(t):
        return "categorical"
    if is_numeric_type(t):
        return "numeric"
    if is_categorical_type(t):
        return "categorical"
    return None


def resolve_roles(cfg: JobConfig, schema: pa.Schema, source: str) -> Roles:
    names = list(schema.names)
    types = {n: schema.field(n).type for n in names}
    special = {c for c in (cfg.prediction_column, cfg.label_column, cfg.latency_column) if c}
    for key, col in (
        ("prediction_column", cfg.prediction_column),
        ("label_column", cfg.label_column),
        ("latency_column", cfg.latency_column),
    ):
        if col is not None and col not in types:
            raise BadInputError(f"config {key}: column {col!r} is not in the reference {source}")
    listed = [*(cfg.numeric_features or []), *(cfg.categorical_features or [])]
    absent = [n for n in listed if n not in types]
    if absent:
        raise BadInputError(f"reference {source}: feature column(s) not found: {', '.join(absent)}")
    numeric = list(cfg.numeric_features) if cfg.numeric_features is not None else None
    categorical = list(cfg.categorical_features) if cfg.categorical_features is not None else None
    taken = set(numeric or []) | set(categorical or []) | special
    if numeric is None:
        numeric = [n for n in names if n not in taken and _kind_of(types[n]) == "numeric"]
        taken |= set(numeric)
    if categorical is None:
        categorical = [n for n in names if n not in taken and _kind_of(types[n]) == "categorical"]
    feats = [FeatureSpec(n, "numeric", "feature") for n in numeric]
    feats += [FeatureSpec(n, "categorical", "feature") for n in categorical]
    task = cfg.task
    if cfg.label_column and cfg.prediction_column and task is None:
        task = "regression" if pa.types.is_floating(types[cfg.label_column]) else "classification"
    if cfg.prediction_column:
        t = types[cfg.prediction_column]
        if task == "classification":
            kind = "numeric" if pa.types.is_floating(t) else "categorical"
        elif task == "regression":
            kind = "numeric"
        else:
            kind = _kind_of(t) or "categorical"
        feats.append(FeatureSpec(cfg.prediction_column, kind, "prediction"))
    if not feats:
        raise BadInputError(f"reference {source}: no numeric or categorical feature columns found")
    return Roles(tuple(feats), cfg.label_column, cfg.prediction_column, cfg.latency_column, task)
