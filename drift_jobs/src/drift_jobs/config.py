"""Job configuration: the JSON file the CronJob mounts, overridden by CLI flags.

Validation is strict (unknown keys are errors) and every message names the key path,
the value and what is allowed, because the person reading it edited a stack config.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drift_jobs import contract
from drift_jobs.errors import BadInputError
from drift_jobs.retry import RetryPolicy

TASKS = ("classification", "regression")


@dataclass(frozen=True)
class Tier:
    warning: float
    critical: float


@dataclass(frozen=True)
class Thresholds:
    psi: Tier
    accuracy_drop: Tier
    latency_increase: Tier
    missing_share_increase: Tier
    ks_statistic: Tier
    wasserstein_normalized: Tier
    features: dict[str, dict[str, Tier]]
    significance: float
    dataset_drift_share: float
    min_samples: int

    def for_feature(self, feature: str, metric: str) -> Tier | None:
        override = self.features.get(feature, {}).get(metric)
        if override is not None:
            return override
        if metric == "psi":
            return self.psi
        if metric == "missing_share_increase":
            return self.missing_share_increase
        if metric == "ks_statistic":
            return self.ks_statistic
        if metric == "wasserstein_normalized":
            return self.wasserstein_normalized
        return None


@dataclass(frozen=True)
class Adaptive:
    enabled: bool
    history: str | None
    min_history: int


@dataclass(frozen=True)
class Binning:
    fine_bins: int
    coarse_bins: int
    category_cap: int
    exact_max: int


@dataclass(frozen=True)
class JobConfig:
    model: str
    model_version: str
    stack: str
    region: str
    cluster: str
    reference: str | None
    current: str | None
    profile: str | None
    numeric_features: list[str] | None
    categorical_features: list[str] | None
    prediction_column: str | None
    label_column: str | None
    latency_column: str | None
    task: str | None
    thresholds: Thresholds
    adaptive: Adaptive
    pushgateway: str | None
    reports: str | None
    binning: Binning
    chunk_rows: int
    threads: int
    retry: RetryPolicy
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def labels(self) -> dict[str, str]:
        return {
            "model": self.model,
            "model_version": self.model_version,
            "stack": self.stack,
            "region": self.region,
            "cluster": self.cluster,
        }


def _err(path: str, value: Any, allowed: str) -> BadInputError:
    return BadInputError(f"config {path}: {json.dumps(value, default=str)} is invalid; expected {allowed}")


def _check_keys(d: Mapping[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(d) - allowed)
    if unknown:
        where = f"{path}." if path else ""
        raise BadInputError(f"config {where}{unknown[0]}: unknown key; allowed: {', '.join(sorted(allowed))}")


def _obj(d: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    v = d.get(key)
    if v is None:
        return {}
    if not isinstance(v, Mapping):
        raise _err(f"{path}{key}", v, "an object")
    return v


def _str(d: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str | None:
    v = d.get(key, default)
    if v is None:
        return None
    if not isinstance(v, str) or not v:
        raise _err(f"{path}{key}", v, "a non-empty string or null")
    return v


def _label(d: Mapping[str, Any], key: str, default: str) -> str:
    v = d.get(key, default)
    if v is None:
        return default
    if not isinstance(v, str):
        raise _err(key, v, "a string")
    return v


def _str_list(d: Mapping[str, Any], key: str) -> list[str] | None:
    v = d.get(key)
    if v is None:
        return None
    if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
        raise _err(key, v, "a list of column names or null")
    if len(set(v)) != len(v):
        raise _err(key, v, "a list without duplicates")
    return list(v)


def _number(v: Any, path: str, lo: float, hi: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= float(v) <= hi:
        raise _err(path, v, f"a number in [{lo}, {hi}]")
    return float(v)


def _int(d: Mapping[str, Any], key: str, path: str, default: int, lo: int, hi: int) -> int:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise _err(f"{path}{key}", v, f"an integer in [{lo}, {hi}]")
    return int(v)


def _tier(d: Mapping[str, Any], key: str, path: str, default: Mapping[str, float] | None) -> Tier | None:
    v = d.get(key)
    if v is None:
        return None if default is None else Tier(default["warning"], default["critical"])
    if not isinstance(v, Mapping):
        raise _err(f"{path}{key}", v, "an object with warning and critical")
    _check_keys(v, {"warning", "critical"}, f"{path}{key}")
    base = default or {}
    if "warning" not in v and "warning" not in base:
        raise BadInputError(f"config {path}{key}.warning: required")
    if "critical" not in v and "critical" not in base:
        raise BadInputError(f"config {path}{key}.critical: required")
    warning = _number(v.get("warning", base.get("warning")), f"{path}{key}.warning", 0.0, 1e9)
    critical = _number(v.get("critical", base.get("critical")), f"{path}{key}.critical", 0.0, 1e9)
    if critical < warning:
        raise _err(f"{path}{key}", dict(v), "critical >= warning")
    return Tier(warning, critical)


def _thresholds(d: Mapping[str, Any]) -> Thresholds:
    p = "thresholds."
    _check_keys(
        d,
        {*contract.DEFAULT_THRESHOLDS, "features", "significance", "dataset_drift_share", "min_samples"},
        "thresholds",
    )
    tiers = {k: _tier(d, k, p, v) for k, v in contract.DEFAULT_THRESHOLDS.items()}
    features: dict[str, dict[str, Tier]] = {}
    for name, spec in _obj(d, "features", p).items():
        fp = f"{p}features.{name}."
        if not isinstance(spec, Mapping):
            raise _err(fp.rstrip("."), spec, "an object of metric thresholds")
        _check_keys(spec, set(contract.FEATURE_THRESHOLD_METRICS), fp.rstrip("."))
        features[name] = {}
        for metric in spec:
            tier = _tier(spec, metric, fp, contract.DEFAULT_THRESHOLDS.get(metric))
            if tier is not None:
                features[name][metric] = tier
    significance = _number(d.get("significance", contract.DEFAULT_SIGNIFICANCE), f"{p}significance", 1e-12, 1)
    share = _number(d.get("dataset_drift_share", contract.DEFAULT_DATASET_DRIFT_SHARE), f"{p}dataset_drift_share", 0, 1)
    min_samples = _int(d, "min_samples", p, contract.DEFAULT_MIN_SAMPLES, 1, 10**9)
    return Thresholds(
        psi=tiers["psi"],  # type: ignore[arg-type]
        accuracy_drop=tiers["accuracy_drop"],  # type: ignore[arg-type]
        latency_increase=tiers["latency_increase"],  # type: ignore[arg-type]
        missing_share_increase=tiers["missing_share_increase"],  # type: ignore[arg-type]
        ks_statistic=tiers["ks_statistic"],  # type: ignore[arg-type]
        wasserstein_normalized=tiers["wasserstein_normalized"],  # type: ignore[arg-type]
        features=features,
        significance=significance,
        dataset_drift_share=share,
        min_samples=min_samples,
    )


TOP_KEYS = {
    "model",
    "model_version",
    "stack",
    "region",
    "cluster",
    "reference",
    "current",
    "profile",
    "numeric_features",
    "categorical_features",
    "prediction_column",
    "label_column",
    "latency_column",
    "task",
    "thresholds",
    "adaptive",
    "pushgateway",
    "reports",
    "binning",
    "chunk_rows",
    "threads",
    "retry",
}


def parse_config(raw: Mapping[str, Any]) -> JobConfig:
    if not isinstance(raw, Mapping):
        raise BadInputError("config: the top level must be a JSON object")
    _check_keys(raw, TOP_KEYS, "")
    task = raw.get("task")
    if task is not None and task not in TASKS:
        raise _err("task", task, "classification, regression or null")
    adaptive = _obj(raw, "adaptive", "")
    _check_keys(adaptive, {"enabled", "history", "min_history"}, "adaptive")
    enabled = adaptive.get("enabled", False)
    if not isinstance(enabled, bool):
        raise _err("adaptive.enabled", enabled, "true or false")
    binning = _obj(raw, "binning", "")
    _check_keys(binning, {"fine_bins", "coarse_bins", "category_cap", "exact_max"}, "binning")
    retry = _obj(raw, "retry", "")
    _check_keys(retry, {"attempts", "backoff_seconds"}, "retry")
    pushgateway = _str(raw, "pushgateway", "")
    if pushgateway is not None and not pushgateway.startswith(("http://", "https://")):
        raise _err("pushgateway", pushgateway, "an http:// or https:// URL or null")
    features = {
        "numeric_features": _str_list(raw, "numeric_features"),
        "categorical_features": _str_list(raw, "categorical_features"),
    }
    both = set(features["numeric_features"] or []) & set(features["categorical_features"] or [])
    if both:
        raise _err("categorical_features", sorted(both), "names not also listed in numeric_features")
    return JobConfig(
        model=_label(raw, "model", "unnamed"),
        model_version=_label(raw, "model_version", ""),
        stack=_label(raw, "stack", "local"),
        region=_label(raw, "region", ""),
        cluster=_label(raw, "cluster", ""),
        reference=_str(raw, "reference", ""),
        current=_str(raw, "current", ""),
        profile=_str(raw, "profile", ""),
        numeric_features=features["numeric_features"],
        categorical_features=features["categorical_features"],
        prediction_column=_str(raw, "prediction_column", ""),
        label_column=_str(raw, "label_column", ""),
        latency_column=_str(raw, "latency_column", ""),
        task=task,
        thresholds=_thresholds(_obj(raw, "thresholds", "")),
        adaptive=Adaptive(
            enabled=enabled,
            history=_str(adaptive, "history", "adaptive."),
            min_history=_int(adaptive, "min_history", "adaptive.", contract.DEFAULT_ADAPTIVE_MIN_HISTORY, 2, 10**6),
        ),
        pushgateway=pushgateway,
        reports=_str(raw, "reports", ""),
        binning=Binning(
            fine_bins=_int(binning, "fine_bins", "binning.", contract.DEFAULT_FINE_BINS, 16, 1 << 16),
            coarse_bins=_int(binning, "coarse_bins", "binning.", contract.DEFAULT_COARSE_BINS, 2, 100),
            category_cap=_int(binning, "category_cap", "binning.", contract.DEFAULT_CATEGORY_CAP, 1, 10_000),
            exact_max=_int(binning, "exact_max", "binning.", contract.DEFAULT_EXACT_MAX, 0, 100_000),
        ),
        chunk_rows=_int(raw, "chunk_rows", "", contract.DEFAULT_CHUNK_ROWS, 1, 1 << 26),
        threads=_int(raw, "threads", "", contract.DEFAULT_THREADS, 1, 64),
        retry=RetryPolicy(
            attempts=_int(retry, "attempts", "retry.", 4, 1, 20),
            backoff_seconds=_number(retry.get("backoff_seconds", 0.5), "retry.backoff_seconds", 0, 60),
        ),
        raw=dict(raw),
    )


def merge_overrides(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Flags win over the file; a flag left unset (None) keeps the file's value."""
    out = dict(base)
    for key, value in overrides.items():
        if value is None:
            continue
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge_overrides(out[key], value)
        else:
            out[key] = value
    return out


def load_config_text(text: bytes, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{source}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise BadInputError(f"{source}: the top level must be a JSON object")
    return data
