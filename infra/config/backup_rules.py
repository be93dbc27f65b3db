"""Rules that tie the backup cadence and retention (storage.backup) to each other and to the DR objectives.

- objectLockDays <= retentionDays: the lock guards a backup while it is meant to exist, never beyond. Velero's
  delete at the TTL succeeds on the versioned vault either way (it only adds a delete marker), but a longer lock
  keeps the deleted backup's versions undeletable past the retention the config promises.
- everyHours * 60 <= dr.dataLoss.rpoMinutes: when data is lost, the newest backup is at most everyHours old,
  so the schedule bounds the data-loss RPO (the off-region copy lags by at most 15 minutes more).
"""

from __future__ import annotations

from collections.abc import Iterator

from infra.config.errors import ConfigProblem, key_path
from infra.config.model import PlatformConfig


def check_backups(config: PlatformConfig) -> Iterator[ConfigProblem]:
    backup = config.storage.backup
    if backup.object_lock_days > backup.retention_days:
        yield ConfigProblem(
            path=key_path(("storage", "backup", "objectLockDays")),
            value=backup.object_lock_days,
            message=f"must be <= storage.backup.retentionDays ({backup.retention_days}): a backup deleted at its "
            "TTL must no longer be locked",
        )
    rpo = config.dr.data_loss.rpo_minutes
    if backup.every_hours * 60 > rpo:
        yield ConfigProblem(
            path=key_path(("storage", "backup", "everyHours")),
            value=backup.every_hours,
            message=f"must be <= dr.dataLoss.rpoMinutes / 60 ({rpo} minutes): a backup every "
            f"{backup.every_hours} h cannot meet the data-loss RPO",
        )
