"""The severity scale: ordering, SARIF mapping and the default blocking threshold per environment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_DATA = Path(__file__).parent / "data" / "severity.yaml"


@dataclass(frozen=True)
class SeverityLevel:
    name: str
    rank: int
    security_severity: str | None
    sarif_level: str


@dataclass(frozen=True)
class SeverityScale:
    levels: tuple[SeverityLevel, ...]
    fail_on_by_environment: dict[str, str]
    fail_on_otherwise: str

    def level(self, name: str) -> SeverityLevel:
        for level in self.levels:
            if level.name == name:
                return level
        raise KeyError(name)

    def names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    def rank(self, name: str) -> int:
        return self.level(name).rank

    def at_or_above(self, severity: str, threshold: str) -> bool:
        return self.rank(severity) >= self.rank(threshold)

    def default_fail_on(self, environment: str | None) -> str:
        if environment is None:
            return self.fail_on_otherwise
        return self.fail_on_by_environment.get(environment, self.fail_on_otherwise)


@cache
def severity_scale() -> SeverityScale:
    data: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    levels = tuple(
        SeverityLevel(
            name=str(entry["name"]),
            rank=rank,
            security_severity=entry.get("securitySeverity"),
            sarif_level=str(entry["sarifLevel"]),
        )
        for rank, entry in enumerate(data["levels"])
    )
    defaults = data["defaultFailOn"]
    return SeverityScale(
        levels=levels,
        fail_on_by_environment={str(k): str(v) for k, v in defaults["byEnvironment"].items()},
        fail_on_otherwise=str(defaults["otherwise"]),
    )


# Thresholds a user may choose; `info` findings are notes and never block.
BLOCKING_SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
