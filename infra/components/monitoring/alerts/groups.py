"""The rule groups of one cluster, split by concern so a test or the loop can load a subset."""

from __future__ import annotations

from typing import Any

from infra.components.monitoring.alerts.backups import backup_rules
from infra.components.monitoring.alerts.base import Scope
from infra.components.monitoring.alerts.drift import drift_rules
from infra.components.monitoring.alerts.gpu import gpu_rules
from infra.components.monitoring.alerts.jobs import job_rules
from infra.components.monitoring.alerts.platform import platform_rules
from infra.components.monitoring.alerts.quality import quality_rules
from infra.config.model import PlatformConfig

PREFIX = "ai-platform"
GPU_GROUP = f"{PREFIX}.gpu"
PLATFORM_GROUP = f"{PREFIX}.platform"
BACKUPS_GROUP = f"{PREFIX}.backups"


def model_group(model: str) -> str:
    return f"{PREFIX}.model.{model}"


def rule_groups(config: PlatformConfig, *, stack: str, region: str) -> list[dict[str, Any]]:
    """Prometheus rule groups (promtool format) for the cluster of `region`.

    Model groups only where the drift jobs run (the primary region; standby regions suspend their drift
    CronJobs until failover), so a standby never raises stale-job or drift alerts for jobs it does not run.
    A failover makes another region primary in the stack file; the next `pulumi up` moves the groups with it.
    """
    if region not in {r.name for r in config.regions}:
        raise ValueError(f"{region} is not a region of the stack")
    scope = Scope(config, stack, region)
    groups: list[dict[str, Any]] = []
    if scope.active:
        for model in sorted(config.models, key=lambda m: m.name):
            rules = [*drift_rules(scope, model), *job_rules(scope, model), *quality_rules(scope, model)]
            groups.append({"name": model_group(model.name), "rules": rules})
    groups.append({"name": GPU_GROUP, "rules": gpu_rules(scope)})
    groups.append({"name": PLATFORM_GROUP, "rules": platform_rules(scope)})
    groups.append({"name": BACKUPS_GROUP, "rules": backup_rules(scope)})
    return groups
