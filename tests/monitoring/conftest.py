from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from infra.components.monitoring.alerts import rule_groups, write_rule_files
from infra.config import PlatformConfig, load_stack_file
from tests import binaries

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURE_STACK = HERE / "data" / "Pulumi.fixture.yaml"
PROMTOOL_TESTS = HERE / "promtool"
STACKS = ("dev", "staging", "prod")


def promtool() -> str:
    return binaries.require("promtool")


def stack_config(stack: str) -> PlatformConfig:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    return config


@pytest.fixture(scope="session")
def fixture_config() -> PlatformConfig:
    config, _ = load_stack_file(FIXTURE_STACK)
    return config


@pytest.fixture(scope="session")
def stack_configs() -> dict[str, PlatformConfig]:
    return {stack: stack_config(stack) for stack in STACKS}


@pytest.fixture(scope="session")
def all_alerts(stack_configs: dict[str, PlatformConfig]) -> list[tuple[str, str, dict[str, object]]]:
    """(stack, region, rule) for every rule of every region of every project stack."""
    return [
        (stack, region.name, rule)
        for stack, config in stack_configs.items()
        for region in config.regions
        for group in rule_groups(config, stack=stack, region=region.name)
        for rule in group["rules"]
    ]


@pytest.fixture(scope="session")
def fixture_rules_dir(tmp_path_factory: pytest.TempPathFactory, fixture_config: PlatformConfig) -> Path:
    """The fixture stack's rule files next to copies of the promtool tests (their rule_files are relative)."""
    out = tmp_path_factory.mktemp("promtool")
    write_rule_files(fixture_config, "fixture", out / "rules")
    for test_file in PROMTOOL_TESTS.glob("*.yaml"):
        shutil.copy(test_file, out / test_file.name)
    return out
