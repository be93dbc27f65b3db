"""The platform's metric catalogue (metric_sources.yaml): which metric names exist, and who produces them.

Dashboards and alert rules may only name metrics in this catalogue; the tests join both sides here. Producers
whose names live in code (the drift job's contract, the serving contract, the DCGM counters file) are read
from that code, never copied.
"""

from __future__ import annotations

import csv
import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

CATALOGUE_FILE: Final = Path(__file__).with_name("metric_sources.yaml")
REPO_ROOT: Final = Path(__file__).resolve().parents[3]
TYPES: Final = frozenset({"counter", "gauge", "histogram", "summary", "info"})
# The series a metric family exposes besides (or instead of) its own name.
_SUFFIXES: Final[dict[str, tuple[str, ...]]] = {
    "histogram": ("_bucket", "_sum", "_count"),
    "summary": ("", "_sum", "_count"),
}


class CatalogueError(ValueError):
    """metric_sources.yaml or a file it derives names from is malformed."""


@dataclass(frozen=True)
class Metric:
    name: str
    type: str
    producer: str

    def series_names(self) -> tuple[str, ...]:
        """The names PromQL can select for this metric (a histogram has no series under its own name)."""
        return tuple(self.name + suffix for suffix in _SUFFIXES.get(self.type, ("",)))


def dcgm_counters(path: Path) -> list[tuple[str, str]]:
    """(field, type) of each watched field in a DCGM exporter counters file; `label` fields are labels on the
    other metrics, not metrics. Parsed as the exporter does: CSV, `#` comments, three trimmed fields."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, record in enumerate(csv.reader(handle), start=1):
            if not record or record[0].lstrip().startswith("#"):
                continue
            fields = [part.strip() for part in record]
            if len(fields) != 3:
                raise CatalogueError(f"{path}:{number}: expected 3 fields, got {len(fields)}")
            rows.append((fields[0], fields[1]))
    return rows


def _from_module(spec: dict[str, Any]) -> dict[str, str]:
    module = importlib.import_module(str(spec["module"]))
    if "attribute" in spec:
        names = getattr(module, str(spec["attribute"]))
        # The drift job's contract lists counters by their exposed name; everything else it pushes is a gauge.
        return {str(name): "counter" if str(name).endswith("_total") else "gauge" for name in names}
    return {str(getattr(module, constant)): str(kind) for constant, kind in dict(spec["constants"]).items()}


def _derived(producer: str, spec: dict[str, Any]) -> dict[str, str]:
    if "module" in spec:
        return _from_module(spec)
    if "counters_csv" in spec:
        path = REPO_ROOT / str(spec["counters_csv"])
        return {field: kind for field, kind in dcgm_counters(path) if kind != "label"}
    raise CatalogueError(f"{CATALOGUE_FILE}: producer {producer}: unknown `from` {sorted(spec)}")


@cache
def catalogue() -> tuple[Metric, ...]:
    document = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    metrics: list[Metric] = []
    seen: dict[str, str] = {}
    for producer, entry in document["producers"].items():
        listed = entry.get("metrics")
        derived = entry.get("from")
        if (listed is None) == (derived is None):
            raise CatalogueError(f"{CATALOGUE_FILE}: producer {producer}: give exactly one of `metrics` and `from`")
        names = {str(k): str(v) for k, v in listed.items()} if listed is not None else _derived(producer, derived)
        for name, kind in names.items():
            if kind not in TYPES:
                raise CatalogueError(f"{CATALOGUE_FILE}: {producer}: {name}: unknown type {kind!r}")
            if name in seen:
                raise CatalogueError(f"{CATALOGUE_FILE}: {name} listed by both {seen[name]} and {producer}")
            seen[name] = producer
            metrics.append(Metric(name, kind, producer))
    return tuple(metrics)


def producers() -> dict[str, set[str]]:
    """Producer -> the metric names (families, not series) it produces."""
    result: dict[str, set[str]] = {}
    for metric in catalogue():
        result.setdefault(metric.producer, set()).add(metric.name)
    return result


def produced_metrics() -> set[str]:
    """Every series name a PromQL expression may select: histograms and summaries expanded to their
    `_bucket`/`_sum`/`_count` series."""
    return {series for metric in catalogue() for series in metric.series_names()}
