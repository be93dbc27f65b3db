"""The GPU charts' pins (charts.yaml): one table for the device plugin and the DCGM exporter releases."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from infra.components.chart_pins import ChartPin, read_pins

CHARTS_FILE: Final = Path(__file__).with_name("charts.yaml")


def pin(chart: str) -> ChartPin:
    return read_pins(CHARTS_FILE)[chart]
