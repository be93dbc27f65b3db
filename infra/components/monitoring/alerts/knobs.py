"""The platform alert knobs in force: defaults.yaml, overridden key by key by `monitoring.alerts`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from infra.config.model import AlertsConfig, Band, PlatformConfig

DEFAULTS = Path(__file__).with_name("defaults.yaml")


@dataclass(frozen=True)
class Knobs:
    gpu_pending_minutes: int
    gpu_idle_minutes: int
    gpu_idle_utilization_percent: float
    gpu_throttle_share: float
    gpu_memory_saturation: Band
    pvc_fill: Band
    node_not_ready_minutes: int
    inference_error_rate: Band
    cni_ip_exhaustion: Band


@functools.cache
def default_alerts() -> AlertsConfig:
    """defaults.yaml, validated by the same model as the stack file (so a default cannot be out of range)."""
    loaded = yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))
    defaults = AlertsConfig.model_validate(loaded)
    unset = [name for name, value in defaults if value is None]
    if unset:
        raise ValueError(f"{DEFAULTS}: no default for {', '.join(unset)}")
    return defaults


def knobs(config: PlatformConfig) -> Knobs:
    merged = {**default_alerts().model_dump(), **config.monitoring.alerts.model_dump(exclude_none=True)}
    return Knobs(
        **{name: Band.model_validate(value) if isinstance(value, dict) else value for name, value in merged.items()}
    )
