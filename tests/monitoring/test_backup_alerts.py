"""The backup alerts read what storage-jobs restore-check pushes, with intervals from storage.backup."""

from __future__ import annotations

from prometheus_client import generate_latest
from storage_jobs.restore_check import contract
from storage_jobs.restore_check.push import registry

from infra.components.monitoring.alerts import BACKUPS_GROUP, rule_groups
from infra.components.monitoring.promql import metric_names
from infra.config import PlatformConfig


def _rules(config: PlatformConfig) -> list[dict[str, object]]:
    region = config.regions[0].name
    (group,) = [g for g in rule_groups(config, stack="fixture", region=region) if g["name"] == BACKUPS_GROUP]
    rules: list[dict[str, object]] = group["rules"]
    return rules


def test_the_verification_alerts_read_the_metrics_the_job_pushes(fixture_config: PlatformConfig) -> None:
    pushed = {
        line.split(" ")[2]
        for line in generate_latest(registry(success=True, duration_s=1, objects=1, finished_at=1))
        .decode()
        .splitlines()
        if line.startswith("# TYPE")
    }
    read = {
        name
        for rule in _rules(fixture_config)
        if str(rule["alert"]).startswith("BackupRestoreVerification")
        for name in metric_names(str(rule["expr"]))
    }
    assert read == {contract.SUCCESS_METRIC, contract.LAST_SUCCESS_METRIC}
    assert read <= pushed


def test_the_stale_threshold_is_twice_the_verify_interval(fixture_config: PlatformConfig) -> None:
    for hours in (6, 12):
        backup = fixture_config.storage.backup.model_copy(update={"verify_every_hours": hours})
        config = fixture_config.model_copy(
            update={"storage": fixture_config.storage.model_copy(update={"backup": backup})}
        )
        stale = [r for r in _rules(config) if r["alert"] == "BackupRestoreVerificationStale"]
        assert f"> {2 * hours * 3600}" in str(stale[0]["expr"])
        assert stale[1]["for"] == f"{2 * hours}h"
