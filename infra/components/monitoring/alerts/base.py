"""What every generated alert has: severity, team, summary, description and a runbook that exists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from infra.config.model import PlatformConfig

Severity = Literal["warning", "critical"]
TIER_SEVERITIES: tuple[Severity, ...] = ("warning", "critical")

# docs/runbooks/ of this repository; runbook_url is <monitoring.runbookBaseUrl>/<file>, and a test holds
# every generated URL to a file in this directory.
RUNBOOKS_DIR = Path(__file__).resolve().parents[4] / "docs" / "runbooks"


@dataclass(frozen=True)
class Scope:
    """The cluster the rules are generated for."""

    config: PlatformConfig
    stack: str
    region: str

    @property
    def active(self) -> bool:
        """Whether the region runs the drift jobs (ModelDeployment active: the primary region)."""
        return self.config.primary_region.name == self.region


def quote(value: str) -> str:
    """A PromQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(values: list[str]) -> str:
    """An RE2 alternation matching exactly these values (PromQL anchors label regexes)."""
    return "|".join(re.escape(v) for v in sorted(values))


def selector(metric: str, *matchers: str) -> str:
    return f"{metric}{{{', '.join(matchers)}}}" if matchers else metric


def eq(label: str, value: str) -> str:
    return f"{label}={quote(value)}"


def on(labels: tuple[str, ...] | list[str]) -> str:
    return f"on({', '.join(labels)})"


def minutes(n: int) -> str:
    return f"{n}m"


def alert(
    scope: Scope,
    *,
    name: str,
    expr: str,
    severity: Severity,
    team: str,
    summary: str,
    description: str,
    runbook: str,
    for_: str = "0s",
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "alert": name,
        "expr": expr,
        "for": for_,
        "labels": {**(labels or {}), "severity": severity, "team": team},
        "annotations": {
            "summary": summary,
            "description": description,
            "runbook_url": f"{scope.config.monitoring.runbook_base_url}/{runbook}",
        },
    }
