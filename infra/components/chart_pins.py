"""Pinned Helm charts read from a YAML table next to the component that installs them.

Each table maps a chart name to its `version` and `repository`: what the helm pack checks
(policies/packs/helm/charts.rego) and what the placement check reads the chart's defaults for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
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


def pinned_release(
    resource_name: str,
    *,
    release_name: str,
    pin: ChartPin,
    namespace: str,
    values: pulumi.Input[dict[str, Any]],
    opts: pulumi.ResourceOptions,
) -> k8s.helm.v3.Release:
    """A `helm.v3.Release` of a pinned chart: chart, version and repository come from its table, so the helm pack
    and the placement check see the same pin the release installs."""
    return k8s.helm.v3.Release(
        resource_name,
        name=release_name,
        chart=pin.chart,
        version=pin.version,
        repository_opts={"repo": pin.repository},
        namespace=namespace,
        values=values,
        opts=opts,
    )
