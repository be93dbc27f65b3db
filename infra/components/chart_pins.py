"""Pinned Helm charts read from a YAML table next to the component that installs them.

Each table maps a chart name to its `version` and `repository`: what the helm pack checks
(policies/packs/helm/charts.rego) and what the placement check reads the chart's defaults for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class ChartPin:
    chart: str
    version: str
    repository: str


@functools.cache
def read_pins(table: Path) -> dict[str, ChartPin]:
    entries = yaml.safe_load(table.read_text(encoding="utf-8"))
    return {
        chart: ChartPin(chart=chart, version=str(entry["version"]), repository=str(entry["repository"]))
        for chart, entry in entries.items()
    }
