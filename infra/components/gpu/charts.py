"""The GPU charts' pins (charts.yaml): one table for the device plugin and the DCGM exporter releases."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

CHARTS_FILE: Final = Path(__file__).with_name("charts.yaml")


@dataclass(frozen=True)
class ChartPin:
    chart: str
    version: str
    repository: str


@functools.cache
def pin(chart: str) -> ChartPin:
    table = yaml.safe_load(CHARTS_FILE.read_text(encoding="utf-8"))
    entry = table[chart]
    return ChartPin(chart=chart, version=str(entry["version"]), repository=str(entry["repository"]))
