"""Every runbook_url the generator writes names a file of docs/runbooks/, under the configured base URL."""

from __future__ import annotations

from typing import Any

from infra.components.monitoring.alerts import rule_groups
from infra.components.monitoring.alerts.base import RUNBOOKS_DIR
from infra.config import PlatformConfig
from tests.monitoring.conftest import ROOT


def _missing(config: PlatformConfig, stack: str) -> list[str]:
    base = config.monitoring.runbook_base_url + "/"
    problems = []
    for region in config.regions:
        for group in rule_groups(config, stack=stack, region=region.name):
            for rule in group["rules"]:
                url = rule["annotations"]["runbook_url"]
                if not url.startswith(base):
                    problems.append(f"{stack}/{rule['alert']}: {url} is not under {base}")
                elif not (RUNBOOKS_DIR / url.removeprefix(base)).is_file():
                    problems.append(f"{stack}/{rule['alert']}: docs/runbooks/{url.removeprefix(base)} does not exist")
    return problems


def test_runbooks_live_in_the_repository() -> None:
    assert RUNBOOKS_DIR == ROOT / "docs" / "runbooks"


def test_every_runbook_url_names_an_existing_file(
    stack_configs: dict[str, PlatformConfig], fixture_config: PlatformConfig
) -> None:
    problems = [p for stack, config in stack_configs.items() for p in _missing(config, stack)]
    assert not problems + _missing(fixture_config, "fixture"), problems


def test_every_runbook_is_indexed_and_names_its_alerts(all_alerts: list[tuple[str, str, dict[str, Any]]]) -> None:
    index = (RUNBOOKS_DIR / "README.md").read_text()
    for _, _, rule in all_alerts:
        runbook = rule["annotations"]["runbook_url"].rsplit("/", 1)[1]
        assert f"({runbook})" in index
        assert f"`{rule['alert']}`" in (RUNBOOKS_DIR / runbook).read_text(), (rule["alert"], runbook)
