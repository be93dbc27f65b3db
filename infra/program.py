"""The Pulumi program: validate the whole config first, then declare every region and the global pieces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from infra.components.finops.budgets import Budgets
from infra.components.monitoring.global_view import GlobalMetricsStore, global_view_enabled
from infra.components.region import RegionalPlatform
from infra.components.security.audit import AuditTrail
from infra.config import ConfigError, PlatformConfig, parse_platform_config
from infra.config.storage_rules import StackIdentity
from infra.context import StackContext

REPO_ROOT = Path(__file__).resolve().parent.parent


def engine_config() -> dict[str, Any]:
    """All config the engine handed to this program (the CLI sets it; the offline runner too)."""
    merged: dict[str, Any] = dict(runtime_config.get_config_env())
    merged.update(runtime_config.CONFIG.get())
    return merged


def load_config() -> PlatformConfig:
    stack_file = REPO_ROOT / "stacks" / f"Pulumi.{pulumi.get_stack()}.yaml"
    try:
        identity = StackIdentity(project=pulumi.get_project(), stack=pulumi.get_stack())
        return parse_platform_config(engine_config(), stack_file if stack_file.exists() else None, identity)
    except ConfigError as error:
        # RunError prints the message without a Python traceback.
        raise pulumi.RunError(str(error)) from None


def build(config: PlatformConfig) -> None:
    ctx = StackContext(project=pulumi.get_project(), stack=pulumi.get_stack(), config=config)
    # The global metrics store comes first: every region's Prometheus is configured to write to it.
    store = GlobalMetricsStore(f"{ctx.stack}-global-view", ctx=ctx) if global_view_enabled(config) else None
    regions = {
        r.name: RegionalPlatform(f"{ctx.stack}-{r.name}", ctx=ctx, region=r, global_store=store) for r in config.regions
    }
    primary = regions[config.primary_region.name]
    standby = [regions[r.name].backups for r in config.regions if r.role == "standby"]
    if standby:
        primary.backups.replicate_to(standby, ctx=ctx, region=config.primary_region.name, provider=primary.provider)
    AuditTrail(
        f"{ctx.stack}-audit",
        ctx=ctx,
        region=config.primary_region.name,
        provider=primary.provider,
        access_logs=primary.access_logs,
    )
    if config.budgets:
        Budgets(f"{ctx.stack}-budgets", ctx=ctx, provider=primary.provider)
    pulumi.export("clusters", {name: r.cluster.eks.name for name, r in regions.items()})
    pulumi.export("endpoints", {name: r.cluster.eks.endpoint for name, r in regions.items()})
    pulumi.export("primaryRegion", config.primary_region.name)
    if store is not None:
        pulumi.export("globalMetricsEndpoint", store.endpoint)
    pulumi.export("config", json.loads(config.model_dump_json(by_alias=True)))


def main() -> None:
    build(load_config())
