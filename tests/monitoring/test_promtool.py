"""The generated rules on the real promtool: every stack's files check, every alert has a firing and a
not-firing unit test, and the unit tests fail when a threshold is off by one tier."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.components.monitoring.alerts import rule_groups, write_rule_files
from infra.config import PlatformConfig
from tests.monitoring.conftest import PROMTOOL_TESTS, STACKS, promtool

PROMTOOL_FILES = sorted(PROMTOOL_TESTS.glob("*.yaml"))


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool(), *map(str, args)], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.integration
@pytest.mark.parametrize("stack", STACKS)
def test_every_stacks_rule_files_pass_promtool_check(
    stack: str, stack_configs: dict[str, PlatformConfig], tmp_path: Path
) -> None:
    files = write_rule_files(stack_configs[stack], stack, tmp_path / "rules")
    assert {path.parent.name for path in files} == {r.name for r in stack_configs[stack].regions}
    result = _run("check", "rules", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(files)


@pytest.mark.integration
@pytest.mark.slow  # the stale cases span weeks of samples: seconds of promtool per file
@pytest.mark.parametrize("test_file", PROMTOOL_FILES, ids=lambda p: p.stem)
def test_promtool_unit_tests_pass(test_file: Path, fixture_rules_dir: Path) -> None:
    result = _run("test", "rules", fixture_rules_dir / test_file.name)
    assert result.returncode == 0, result.stdout + result.stderr


def _cases() -> dict[str, dict[str, int]]:
    """alertname -> number of firing and of not-firing cases across the promtool test files."""
    cases: dict[str, dict[str, int]] = {}
    for path in PROMTOOL_FILES:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                kind = "firing" if case.get("exp_alerts") else "not_firing"
                counts = cases.setdefault(case["alertname"], {"firing": 0, "not_firing": 0})
                counts[kind] += 1
    return cases


def test_every_generated_alert_has_a_firing_and_a_not_firing_promtool_case(
    all_alerts: list[tuple[str, str, dict[str, Any]]], fixture_config: PlatformConfig
) -> None:
    generated = {rule["alert"] for _, _, rule in all_alerts}
    fixture = {
        rule["alert"]
        for region in fixture_config.regions
        for group in rule_groups(fixture_config, stack="fixture", region=region.name)
        for rule in group["rules"]
    }
    # The fixture stack produces every alert a project stack does, so the cases run against all of them.
    assert generated <= fixture
    cases = _cases()
    missing = sorted(
        f"{name}: no {kind.replace('_', '-')} case"
        for name in fixture
        for kind in ("firing", "not_firing")
        if not cases.get(name, {}).get(kind)
    )
    assert not missing, missing
    assert set(cases) <= fixture, f"cases for alerts nothing generates: {sorted(set(cases) - fixture)}"


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new))


# The fraud model's bands (tests/monitoring/data/Pulumi.fixture.yaml): PSI 0.1 / 0.2 (merchant 0.3 / 0.5), KS
# 0.06 / 0.12 (balance 0.15 / 0.25), normalised Wasserstein 0.1 / 0.2; schema findings on the tier code (1, 2).
# Each mutation moves one tier's threshold of one alert to the next tier's value (or loosens the comparison), in
# the rule's expression only (annotations unchanged), so promtool can fail only on which alerts fire; the
# failure must name the mutated alert. name -> (alertname, old, new).
_WASSERSTEIN = 'model_drift_wasserstein_normalized{model="fraud", region="eu-west-1"}'
_SCHEMA = 'model_drift_schema_issue{model="fraud", region="eu-west-1"}'
MUTATIONS = {
    "critical raised to 0.3": ("ModelFeatureDrift", 'feature!~"merchant"} > 0.2\n', 'feature!~"merchant"} > 0.3\n'),
    "warning raised to the critical 0.2": (
        "ModelFeatureDrift",
        'feature!~"merchant"} > 0.1\n',
        'feature!~"merchant"} > 0.2\n',
    ),
    "strict > turned into >=": ("ModelFeatureDrift", 'feature!~"merchant"} > 0.1\n', 'feature!~"merchant"} >= 0.1\n'),
    "KS warning raised to the critical 0.12": (
        "ModelFeatureDriftKS",
        'feature!~"balance"} > 0.06\n',
        'feature!~"balance"} > 0.12\n',
    ),
    "KS critical lowered to the warning 0.06": (
        "ModelFeatureDriftKS",
        'feature!~"balance"} > 0.12\n',
        'feature!~"balance"} > 0.06\n',
    ),
    "KS strict > turned into >=": (
        "ModelFeatureDriftKS",
        'feature!~"balance"} > 0.06\n',
        'feature!~"balance"} >= 0.06\n',
    ),
    "KS override's warning raised to its critical 0.25": (
        "ModelFeatureDriftKS",
        'feature="balance"} > 0.15\n',
        'feature="balance"} > 0.25\n',
    ),
    "Wasserstein warning raised to the critical 0.2": (
        "ModelFeatureDriftWasserstein",
        f"{_WASSERSTEIN} > 0.1\n",
        f"{_WASSERSTEIN} > 0.2\n",
    ),
    "Wasserstein critical lowered to the warning 0.1": (
        "ModelFeatureDriftWasserstein",
        f"{_WASSERSTEIN} > 0.2\n",
        f"{_WASSERSTEIN} > 0.1\n",
    ),
    "Wasserstein critical raised to 0.3": (
        "ModelFeatureDriftWasserstein",
        f"{_WASSERSTEIN} > 0.2\n",
        f"{_WASSERSTEIN} > 0.3\n",
    ),
    "schema critical lowered to the warning code": ("ModelSchemaIssue", f"{_SCHEMA} >= 2\n", f"{_SCHEMA} >= 1\n"),
    "schema warning raised to the critical code": ("ModelSchemaIssue", f"{_SCHEMA} >= 1\n", f"{_SCHEMA} >= 2\n"),
    "schema ok (0) alerting": ("ModelSchemaIssue", f"{_SCHEMA} >= 1\n", f"{_SCHEMA} >= 0\n"),
}


@pytest.mark.integration
@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_promtool_tests_fail_when_a_threshold_is_off_by_one_tier(
    mutation: str, fixture_rules_dir: Path, tmp_path: Path
) -> None:
    alertname, old, new = MUTATIONS[mutation]
    work = tmp_path / "mutated"
    shutil.copytree(fixture_rules_dir, work)
    _replace_once(work / "rules" / "eu-west-1" / "ai-platform.model.fraud.yaml", old, new)
    result = _run("test", "rules", work / "model_drift.yaml")
    assert result.returncode != 0, f"the promtool tests did not notice: {mutation}"
    assert f"alertname: {alertname}," in result.stdout + result.stderr
