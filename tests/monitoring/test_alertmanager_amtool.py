"""The real amtool (Debian prometheus-alertmanager) on every stack's generated config: it loads, and
`amtool config routes test` sends each team's warnings to the team and critical alerts to on-call."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from infra.config import PlatformConfig
from infra.config.alert_routing import UNROUTED_RECEIVER
from infra.context import PLATFORM_TEAM
from tests import binaries
from tests.monitoring.alertmanager_support import STACKS, local_config, stack_config

pytestmark = pytest.mark.integration


def _amtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([binaries.require("amtool"), *args], capture_output=True, text=True, timeout=30, check=False)


def _receivers(config_file: Path, **labels: str) -> list[str]:
    result = _amtool(
        "config", "routes", "test", f"--config.file={config_file}", *(f"{k}={v}" for k, v in labels.items())
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split(",")


def _expected(config: PlatformConfig) -> tuple[str, str, dict[str, str]]:
    """(on-call, platform, team -> receiver), from the stack config's own words."""
    monitoring = config.monitoring
    on_call = monitoring.on_call or "on-call"
    platform = monitoring.platform_receiver or on_call
    teams = {t.name: t.alert_receiver or platform for t in config.teams}
    return on_call, platform, teams | {PLATFORM_TEAM: teams.get(PLATFORM_TEAM, platform)}


@pytest.mark.parametrize("stack", STACKS)
def test_amtool_accepts_the_generated_config(stack: str, tmp_path: Path) -> None:
    result = _amtool("check-config", str(local_config(stack_config(stack), stack, tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("stack", STACKS)
def test_team_warnings_reach_the_team_and_critical_alerts_reach_on_call(stack: str, tmp_path: Path) -> None:
    config = stack_config(stack)
    path = local_config(config, stack, tmp_path)
    on_call, platform, teams = _expected(config)
    for team, receiver in teams.items():
        assert _receivers(path, alertname="ModelDrift", severity="warning", team=team) == [receiver], team
        critical = _receivers(path, alertname="ModelDrift", severity="critical", team=team)
        assert critical[0] == on_call, team
        assert set(critical) == {on_call, receiver}, team  # the owner hears of its critical alerts too
    assert _receivers(path, severity="warning", team="no-such-team") == [platform]
    assert _receivers(path, severity="warning") == [platform]
    assert _receivers(path, severity="critical", team="no-such-team") == [on_call]
    assert _receivers(path, alertname="Watchdog", severity="none") == [UNROUTED_RECEIVER]


def test_prod_routes_as_documented(tmp_path: Path) -> None:
    path = local_config(stack_config("prod"), "prod", tmp_path)
    assert _receivers(path, severity="warning", team="risk-models") == ["risk-models"]
    assert _receivers(path, severity="critical", team="risk-models") == ["oncall", "risk-models"]
    assert _receivers(path, severity="warning", team="platform") == ["platform"]
    assert _receivers(path, severity="critical", team="platform") == ["oncall", "platform"]
    assert _receivers(path, severity="critical") == ["oncall"]
