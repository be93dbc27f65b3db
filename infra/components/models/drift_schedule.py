"""Drift-job scheduling and sizing derived from a model's config (pure functions, unit-tested)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from infra.config.model import DriftFrequency, ModelConfig, effective_drift_frequency


def cron_schedule(model: ModelConfig) -> str:
    """An explicit schedule wins; else the frequency's, at a minute spread by model name (no thundering herd)."""
    if model.drift.schedule:
        return model.drift.schedule
    spread = int(hashlib.sha256(model.name.encode()).hexdigest(), 16)
    minute, hour = spread % 60, 1 + spread % 4
    frequency: DriftFrequency = effective_drift_frequency(model)
    return {
        "daily": f"{minute} {hour} * * *",
        "weekly": f"{minute} {hour} * * 1",
        "monthly": f"{minute} {hour} 1 * *",
    }[frequency]


MERGE_DELAY_HOURS = 2


def merge_schedule(model: ModelConfig) -> str:
    """The merge of a sharded run: the shards' schedule, two hours later on the same day."""
    minute, hour, *rest = cron_schedule(model).split()
    return " ".join([minute, str(int(hour) + MERGE_DELAY_HOURS), *rest])


@dataclass(frozen=True)
class JobSize:
    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str
    active_deadline_seconds: int


def job_size(model: ModelConfig) -> JobSize:
    """The job streams row groups, so memory stays flat; CPU and deadline follow rows per shard."""
    rows_per_shard = model.drift.window_rows / model.drift.shards
    heavy = rows_per_shard > 5_000_000
    deadline = 900 + int(rows_per_shard / 1_000_000) * 60
    return JobSize(
        cpu_request="1" if heavy else "500m",
        cpu_limit="2" if heavy else "1",
        memory_request="512Mi",
        memory_limit="1Gi",
        active_deadline_seconds=deadline,
    )
