"""Backup alerts (team platform, runbook backups.md): the restore verification failed or went stale, and
Velero's own schedule failed or produced no backup in time.

The verification's metric names are storage_jobs.restore_check.contract's (what the job pushes); Velero's are
its server metrics (vmware-tanzu/velero pkg/metrics/metrics.go, namespace `velero`, label `schedule`). The
intervals come from storage.backup: the check runs every verifyEveryHours, the backups every everyHours.
"""

from __future__ import annotations

from typing import Any, Final

from storage_jobs.restore_check import contract

from infra.components.monitoring.alerts.base import Scope, alert, eq, selector
from infra.context import PLATFORM_TEAM

RUNBOOK: Final = "backups.md"
# Velero server metrics (pkg/metrics/metrics.go): 1 if the schedule's last backup succeeded, else 0; the Unix
# time of its last successful backup.
VELERO_LAST_STATUS: Final = "velero_backup_last_status"
VELERO_LAST_SUCCESS: Final = "velero_backup_last_successful_timestamp"
VELERO_FAILED_AFTER: Final = "15m"
# A backup of a large cluster takes a while: allowed on top of everyHours before the next one counts as late.
BACKUP_GRACE_HOURS: Final = 1


def _hours(n: int) -> str:
    return f"{n}h"


def backup_rules(scope: Scope) -> list[dict[str, Any]]:
    backup = scope.config.storage.backup
    team = PLATFORM_TEAM
    job = eq("job", contract.PUSH_JOB)
    success = selector(contract.SUCCESS_METRIC, job)
    last_success = selector(contract.LAST_SUCCESS_METRIC, job)
    stale_hours = 2 * backup.verify_every_hours
    schedule = eq("schedule", contract.SCHEDULE_NAME)
    late_hours = backup.every_hours + BACKUP_GRACE_HOURS
    where = {"region": scope.region}
    return [
        alert(
            scope,
            name="BackupRestoreVerificationFailed",
            expr=f"{success} == 0",
            severity="critical",
            team=team,
            summary="Cluster {{ $labels.cluster }}: the latest backup did not pass its restore verification",
            description=(
                "The restore verification of {{ $labels.cluster }} failed: the latest backup did not restore, or "
                "the restored objects or checksums differ from the backup. Until a verification passes, treat "
                "the backups as unproven."
            ),
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="BackupRestoreVerificationStale",
            expr=f"time() - {last_success} > {stale_hours * 3600}",
            for_="5m",
            severity="warning",
            team=team,
            summary=f"Cluster {{{{ $labels.cluster }}}}: no restore verification passed for {stale_hours} hours",
            description=(
                f"The restore verification runs every {backup.verify_every_hours} hours; none of "
                "{{ $labels.cluster }} has passed for {{ $value | humanizeDuration }}."
            ),
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="BackupRestoreVerificationStale",
            expr=f"absent({last_success})",
            for_=_hours(stale_hours),
            severity="warning",
            team=team,
            summary=f"Cluster {scope.stack}/{scope.region}: no restore verification has ever passed",
            description=(
                f"No restore verification of the {scope.region} cluster has reported a success for "
                f"{stale_hours} hours (it runs every {backup.verify_every_hours} hours)."
            ),
            labels=where,
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="VeleroBackupFailed",
            expr=f"{selector(VELERO_LAST_STATUS, schedule)} == 0",
            for_=VELERO_FAILED_AFTER,
            severity="warning",
            team=team,
            summary="Velero's last backup of schedule {{ $labels.schedule }} failed",
            description=(
                "The last backup of {{ $labels.schedule }} did not complete (failed or partially failed); the "
                f"next one starts within {backup.every_hours} hours."
            ),
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="VeleroBackupMissing",
            expr=f"time() - {selector(VELERO_LAST_SUCCESS, schedule)} > {late_hours * 3600}",
            for_="5m",
            severity="critical",
            team=team,
            summary="No successful backup of schedule {{ $labels.schedule }} for {{ $value | humanizeDuration }}",
            description=(
                f"Backups run every {backup.every_hours} hours; the newest successful one is older than "
                f"{late_hours} hours, so the data-loss RPO ({scope.config.dr.data_loss.rpo_minutes} minutes) is "
                "at risk."
            ),
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="VeleroBackupMissing",
            expr=f"absent({selector(VELERO_LAST_SUCCESS, schedule)})",
            for_=_hours(late_hours),
            severity="critical",
            team=team,
            summary=f"Cluster {scope.stack}/{scope.region}: Velero reports no successful backup",
            description=(
                f"Velero of the {scope.region} cluster has reported no successful backup of "
                f"{contract.SCHEDULE_NAME} for {late_hours} hours (or is not scraped)."
            ),
            labels=where,
            runbook=RUNBOOK,
        ),
    ]
