"""Ceph's alerts: the rules Rook ships (prometheus/ceph-rules.yaml, vendored from the pinned tag) as a
PrometheusRule our Prometheus selects, each alert routed to the platform team with the Ceph runbook."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Final

import yaml

from infra.config.model import PlatformConfig
from infra.context import PLATFORM_TEAM

RULES_FILE: Final = Path(__file__).parent / "prometheus" / "ceph-rules.yaml"
RUNBOOK: Final = "ceph.md"
RULE_NAME: Final = "rook-ceph-alerts"


@functools.cache
def _shipped_groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))["groups"]
    return groups


def rule_groups(config: PlatformConfig) -> list[dict[str, Any]]:
    groups = copy.deepcopy(_shipped_groups())
    for group in groups:
        for rule in group["rules"]:
            if "alert" not in rule:
                continue
            rule["labels"] = {**rule.get("labels", {}), "team": PLATFORM_TEAM}
            rule["annotations"] = {
                **rule.get("annotations", {}),
                "runbook_url": f"{config.monitoring.runbook_base_url}/{RUNBOOK}",
            }
    return groups
