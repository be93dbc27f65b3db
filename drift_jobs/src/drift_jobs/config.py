"""Job configuration: the JSON file the CronJob mounts, overridden by CLI flags.

Validated by pydantic models that mirror the file. Validation is strict (unknown keys are
errors, no string-to-number coercion) and every message names the key path, the value and
what is allowed, because the person reading it edited a stack config: one line, exit 2.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

from drift_jobs import contract
from drift_jobs.errors import BadInputError
from drift_jobs.evaluate.metrics import effect_metrics
from drift_jobs.retry import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_SECONDS, DEFAULT_TOTAL_SECONDS, RetryPolicy

TASKS = ("classification", "regression")
# What a schema finding may be tiered as ("ok": reported, never alerts).
SCHEMA_TIERS = ("ok", "warning", "critical")
# Delimiters the CSV reader detects (or accepts in csv.delimiter).
CSV_DELIMITERS = (",", ";", "\t", "|")

_FROZEN = ConfigDict(extra="forbid", frozen=True)
NonEmpty = Annotated[str, StringConstraints(strict=True, min_length=1)]
Label = Annotated[str, StringConstraints(strict=True)]


def _number(lo: float, hi: float) -> Any:
    return Field(strict=True, ge=lo, le=hi, allow_inf_nan=False)


def _integer(lo: int, hi: int) -> Any:
    return Field(strict=True, ge=lo, le=hi)


Threshold = Annotated[float, _number(0.0, 1e9)]


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Tier:
    warning: Threshold
    critical: Threshold

    def __post_init__(self) -> None:
        if self.critical < self.warning:
            raise ValueError("critical must be >= warning")


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Binning:
    fine_bins: Annotated[int, _integer(16, 1 << 16)] = contract.DEFAULT_FINE_BINS
    coarse_bins: Annotated[int, _integer(2, 100)] = contract.DEFAULT_COARSE_BINS
    category_cap: Annotated[int, _integer(1, 10_000)] = contract.DEFAULT_CATEGORY_CAP
    exact_max: Annotated[int, _integer(0, 100_000)] = contract.DEFAULT_EXACT_MAX


def _known_metric(name: str) -> str:
    if name not in contract.FEATURE_THRESHOLD_METRICS:
        raise ValueError(f"unknown metric; allowed: {', '.join(contract.FEATURE_THRESHOLD_METRICS)}")
    return name


MetricName = Annotated[str, AfterValidator(_known_metric)]


def _with_default(value: Any, default: Mapping[str, float] | None) -> Any:
    """A partial tier ({"critical": 0.3}) takes the other bound from the default, when there is one."""
    if default is None or value is None:
        return dict(default) if value is None and default is not None else value
    if isinstance(value, Mapping):
        return {**default, **value}
    return value


# Effect-size metrics a threshold may be set for model-wide (`thresholds.<metric>`), from the registry.
EFFECT_METRICS: tuple[str, ...] = tuple(m.name for m in effect_metrics())
_EFFECTS = "effects"  # where the model-wide effect tiers are gathered; not a key of the file


class Thresholds(BaseModel):
    """`thresholds`: one tier per effect-size metric of the registry (its declared default, if any), the
    performance, latency and missing-share tiers, per-feature overrides and the decision settings."""

    model_config = _FROZEN

    effects: dict[MetricName, Tier] = Field(default_factory=dict)
    accuracy_drop: Tier
    latency_increase: Tier
    missing_share_increase: Tier
    features: dict[str, dict[MetricName, Tier]] = Field(default_factory=dict)
    significance: Annotated[float, _number(1e-12, 1.0)] = contract.DEFAULT_SIGNIFICANCE
    dataset_drift_share: Annotated[float, _number(0.0, 1.0)] = contract.DEFAULT_DATASET_DRIFT_SHARE
    min_samples: Annotated[int, _integer(1, 10**9)] = contract.DEFAULT_MIN_SAMPLES

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        if _EFFECTS in out:
            out[f"{_EFFECTS} "] = out.pop(_EFFECTS)  # not a key of the file: refused as unknown
        for key, default in contract.DEFAULT_THRESHOLDS.items():
            out[key] = _with_default(out.get(key), default)
        effects = {m: out.pop(m) for m in EFFECT_METRICS if m in out}
        out[_EFFECTS] = {m: v for m, v in effects.items() if v is not None}
        features = out.get("features")
        if isinstance(features, Mapping):
            filled: dict[str, Any] = {}
            for name, spec in features.items():
                filled[name] = (
                    {m: _with_default(v, contract.DEFAULT_THRESHOLDS.get(m)) for m, v in spec.items() if v is not None}
                    if isinstance(spec, Mapping)
                    else spec
                )
            out["features"] = filled
        elif features is None:
            out.pop("features", None)
        return {k: v for k, v in out.items() if v is not None}

    @property
    def psi(self) -> Tier:
        return self.effects["psi"]

    def model_wide(self, metric: str) -> Tier | None:
        """The model-wide tier of a metric (effect size or missing share), None when it has none."""
        if metric == "missing_share_increase":
            return self.missing_share_increase
        return self.effects.get(metric)

    def for_feature(self, feature: str, metric: str) -> Tier | None:
        override = self.features.get(feature, {}).get(metric)
        return override if override is not None else self.model_wide(metric)


class Adaptive(BaseModel):
    model_config = _FROZEN

    enabled: StrictBool = False
    history: NonEmpty | None = None
    min_history: Annotated[int, _integer(2, 10**6)] = contract.DEFAULT_ADAPTIVE_MIN_HISTORY


class RetrySettings(BaseModel):
    model_config = _FROZEN

    attempts: Annotated[int, _integer(1, 20)] = DEFAULT_ATTEMPTS
    backoff_seconds: Annotated[float, _number(0.0, 60.0)] = DEFAULT_BACKOFF_SECONDS
    # The whole budget of one operation on a dependency, split over its attempts (read/s3.py).
    total_seconds: Annotated[float, _number(1.0, 3600.0)] = DEFAULT_TOTAL_SECONDS


def _encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ValueError("unknown text encoding (e.g. utf-8, latin-1, cp1252)") from None


class CsvOptions(BaseModel):
    """How CSV windows and references are read; null delimiter = detected from the first block."""

    model_config = _FROZEN

    delimiter: Literal[",", ";", "\t", "|"] | None = None
    encoding: Annotated[NonEmpty, AfterValidator(_encoding)] = "utf-8"


SchemaTier = Literal["ok", "warning", "critical"]
_TIERS = contract.DEFAULT_SCHEMA_TIERS


class CardinalityRule(BaseModel):
    """A categorical feature 'explodes' when values the reference never had are both many and frequent."""

    model_config = _FROZEN

    # Distinct unseen values (lower bound) must reach max(min_new, factor x reference categories) ...
    factor: Annotated[float, _number(0.0, 1e6)] = contract.DEFAULT_CARDINALITY["factor"]
    min_new: Annotated[int, _integer(1, 10**9)] = int(contract.DEFAULT_CARDINALITY["min_new"])
    # ... and make up at least this share of the window's valid values.
    min_unseen_share: Annotated[float, _number(0.0, 1.0)] = contract.DEFAULT_CARDINALITY["min_unseen_share"]


class FeatureSchemaRules(BaseModel):
    """Per-feature tiers for the feature-level schema findings (null: the model-wide tier)."""

    model_config = _FROZEN

    missing_column: SchemaTier | None = None
    all_missing: SchemaTier | None = None
    type_change: SchemaTier | None = None
    cardinality_explosion: SchemaTier | None = None


class SchemaRules(BaseModel):
    """Tiers of the schema and data-quality findings (evaluate/schema.py)."""

    model_config = _FROZEN

    missing_column: SchemaTier = _TIERS["missing_column"]  # type: ignore[assignment]
    all_missing: SchemaTier = _TIERS["all_missing"]  # type: ignore[assignment]
    type_change: SchemaTier = _TIERS["type_change"]  # type: ignore[assignment]
    extra_column: SchemaTier = _TIERS["extra_column"]  # type: ignore[assignment]
    cardinality_explosion: SchemaTier = _TIERS["cardinality_explosion"]  # type: ignore[assignment]
    nothing_evaluated: SchemaTier = _TIERS["nothing_evaluated"]  # type: ignore[assignment]
    # Share of a column's present values that are of the wrong type above which it counts as retyped.
    type_change_share: Annotated[float, _number(0.0, 1.0)] = contract.DEFAULT_TYPE_CHANGE_SHARE
    cardinality: CardinalityRule = Field(default_factory=CardinalityRule)
    features: dict[str, FeatureSchemaRules] = Field(default_factory=dict)

    def tier(self, kind: str, feature: str | None = None) -> str:
        if feature is not None:
            override = getattr(self.features.get(feature), kind, None)
            if override is not None:
                return str(override)
        return str(getattr(self, kind))


_SECTIONS = ("thresholds", "adaptive", "binning", "retry", "csv", "schema")
_LABEL_DEFAULTS = {"model": "unnamed", "model_version": "", "stack": "local", "region": "", "cluster": ""}


class JobConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, protected_namespaces=())

    model: Label = "unnamed"
    model_version: Label = ""
    stack: Label = "local"
    region: Label = ""
    cluster: Label = ""
    reference: NonEmpty | None = None
    current: NonEmpty | None = None
    profile: NonEmpty | None = None
    numeric_features: list[NonEmpty] | None = None
    categorical_features: list[NonEmpty] | None = None
    prediction_column: NonEmpty | None = None
    label_column: NonEmpty | None = None
    latency_column: NonEmpty | None = None
    task: Literal["classification", "regression"] | None = None
    thresholds: Thresholds = Field(default_factory=lambda: Thresholds.model_validate({}))
    adaptive: Adaptive = Field(default_factory=Adaptive)
    pushgateway: NonEmpty | None = None
    reports: NonEmpty | None = None
    binning: Binning = Field(default_factory=Binning)
    chunk_rows: Annotated[int, _integer(1, 1 << 26)] = contract.DEFAULT_CHUNK_ROWS
    threads: Annotated[int, _integer(1, 64)] = contract.DEFAULT_THREADS
    retry_settings: RetrySettings = Field(default_factory=RetrySettings, alias="retry")
    csv: CsvOptions = Field(default_factory=CsvOptions)
    schema_rules: SchemaRules = Field(default_factory=SchemaRules, alias="schema")
    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _null_sections(cls, data: Any) -> Any:
        """A section given as null (e.g. `"adaptive": null`) takes its defaults, as an absent one does."""
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if not (v is None and k in _SECTIONS)}
        return data

    @field_validator(*_LABEL_DEFAULTS, mode="before")
    @classmethod
    def _label_default(cls, v: Any, info: Any) -> Any:
        return _LABEL_DEFAULTS[info.field_name] if v is None else v

    @field_validator("numeric_features", "categorical_features")
    @classmethod
    def _no_duplicates(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("names must not repeat")
        return v

    @field_validator("pushgateway")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL or null")
        return v

    @model_validator(mode="after")
    def _disjoint_features(self) -> JobConfig:
        both = set(self.numeric_features or []) & set(self.categorical_features or [])
        if both:
            raise BadInputError(
                f"config categorical_features: {json.dumps(sorted(both))} is invalid: also listed in numeric_features"
            )
        return self

    @property
    def retry(self) -> RetryPolicy:
        r = self.retry_settings
        return RetryPolicy(attempts=r.attempts, backoff_seconds=r.backoff_seconds, total_seconds=r.total_seconds)

    @property
    def raw(self) -> dict[str, Any]:
        return self._raw

    @property
    def labels(self) -> dict[str, str]:
        return {
            "model": self.model,
            "model_version": self.model_version,
            "stack": self.stack,
            "region": self.region,
            "cluster": self.cluster,
        }


def _fields(t: Any) -> dict[str, Any]:
    fields = getattr(t, "__pydantic_fields__", None)
    return {(f.alias or n): f.annotation for n, f in fields.items()} if isinstance(fields, dict) else {}


def _unwrap(t: Any) -> Any:
    args = [a for a in get_args(t) if a is not type(None)]
    return args[0] if get_origin(t) in (Union, UnionType) and len(args) == 1 else t


def _allowed(loc: tuple[str | int, ...]) -> list[str]:
    """The keys allowed at a location of the file, to name them in an unknown-key error."""
    t: Any = JobConfig
    parts = list(loc)
    while parts:
        t = _unwrap(t)
        if get_origin(t) is dict:
            parts.pop(0)  # a free key (a feature name)
            t = get_args(t)[1]
            continue
        t = _fields(t).get(str(parts.pop(0)))
        if t is None:
            return []
    fields = _fields(_unwrap(t))
    if _EFFECTS in fields and _unwrap(t) is Thresholds:
        del fields[_EFFECTS]
        fields.update(dict.fromkeys(EFFECT_METRICS))
    return sorted(fields)


def _message(err: Any) -> str:
    loc = tuple(p for p in err["loc"] if p not in ("[key]", _EFFECTS))
    path = ".".join(str(p) for p in loc) or "(top level)"
    kind = err["type"]
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        allowed = _allowed(loc[:-1])
        tail = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"config {path}: unknown key{tail}"
    if kind in {"missing", "missing_argument"}:
        return f"config {path}: required"
    msg = str(err["msg"])
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif kind == "assertion_error":
        msg = msg.removeprefix("Assertion failed, ")
    value = json.dumps(err.get("input"), default=str)
    if len(value) > 80:
        value = value[:77] + "..."
    return f"config {path}: {value} is invalid: {msg[:1].lower()}{msg[1:]}"


def parse_config(raw: Mapping[str, Any]) -> JobConfig:
    if not isinstance(raw, Mapping):
        raise BadInputError("config: the top level must be a JSON object")
    try:
        cfg = JobConfig.model_validate(dict(raw))
    except ValidationError as exc:
        errors = exc.errors()
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        raise BadInputError(_message(errors[0]) + more) from None
    cfg._raw = dict(raw)
    return cfg


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
