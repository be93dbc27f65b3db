"""Invalid stack configs fail before any resource is declared, one message per problem, with its key path."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.config import ConfigError, load_stack_file, parse_platform_config

ROOT = Path(__file__).resolve().parents[2]


def _stack(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{name}.yaml").read_text())
    return document


def _problems(config_map: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_platform_config(config_map)
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_projects_stacks_are_valid(stack: str) -> None:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    assert config.environment == stack


def test_unknown_top_level_key_is_named_with_the_allowed_keys() -> None:
    config = _stack("dev")["config"] | {"ai-platform:nodepools": {}}
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodepools: unknown key")
    assert "nodePools" in problem


def test_unknown_nested_key_is_named_by_its_full_path() -> None:
    config = copy.deepcopy(_stack("dev")["config"])
    config["ai-platform:nodePools"]["gpu"]["maxNodes"] = 4
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.gpu.maxNodes: unknown key")
    assert "maxSize" in problem


def test_wrong_type_names_the_key_and_the_expected_type() -> None:
    config = copy.deepcopy(_stack("dev")["config"])
    config["ai-platform:nodePools"]["cpu"]["minSize"] = "three"
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.cpu.minSize:") and "integer" in problem


def test_prod_with_one_region_is_rejected() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    config["ai-platform:regions"] = config["ai-platform:regions"][:1]
    problems = _problems(config)
    assert any(p.startswith("ai-platform:regions: prod needs at least two regions") for p in problems)


def test_gpu_pool_max_below_min_is_rejected() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    config["ai-platform:nodePools"]["gpu"] |= {"minSize": 4, "desiredSize": 4, "maxSize": 2}
    problems = _problems(config)
    assert any(p.startswith("ai-platform:nodePools.gpu.maxSize: must be >= minSize (4)") for p in problems)


def test_overlapping_region_cidrs_are_rejected() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    config["ai-platform:regions"][1]["cidr"] = "10.10.0.0/17"
    problems = _problems(config)
    assert any(p.startswith("ai-platform:regions[1].cidr: overlaps regions[0].cidr") for p in problems)


def test_public_endpoint_needs_an_allow_list_and_never_the_whole_internet() -> None:
    config = copy.deepcopy(_stack("dev")["config"])
    config["ai-platform:cluster"]["endpoint"] = {"publicAccess": True}
    assert any(
        p.startswith("ai-platform:cluster.endpoint.publicAccessCidrs: a public endpoint needs")
        for p in _problems(config)
    )
    config["ai-platform:cluster"]["endpoint"] = {"publicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]}
    assert any(p.startswith("ai-platform:cluster.endpoint.publicAccessCidrs[0]:") for p in _problems(config))


def test_high_risk_model_without_oversight_or_approval_is_rejected() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    model = config["ai-platform:models"][0]
    del model["approval"], model["humanOversight"]
    model["logRetentionDays"] = 90
    problems = _problems(config)
    for key in ("humanOversight", "approval", "logRetentionDays"):
        assert any(p.startswith(f"ai-platform:models[0].{key}:") for p in problems), key


def test_drift_checks_less_often_than_the_risk_class_requires_are_rejected() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    config["ai-platform:models"][0]["drift"]["frequency"] = "weekly"
    problems = _problems(config)
    assert any(
        p.startswith(
            "ai-platform:models[0].drift.frequency: a high-risk realtime model needs drift checks at least daily"
        )
        for p in problems
    )


def test_every_problem_is_reported_at_once() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    config["ai-platform:regions"] = config["ai-platform:regions"][:1]
    config["ai-platform:nodePools"]["gpu"] |= {"minSize": 4, "desiredSize": 4, "maxSize": 2}
    config["ai-platform:models"][0]["owner"] = "nobody"
    assert len(_problems(config)) >= 3


def test_errors_in_a_stack_file_carry_file_and_line(tmp_path: Path) -> None:
    text = (
        (ROOT / "stacks" / "Pulumi.dev.yaml")
        .read_text()
        .replace("      maxSize: 2\n", "      maxSize: 2\n      bogus: 1\n")
    )
    stack_file = tmp_path / "Pulumi.dev.yaml"
    stack_file.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_stack_file(stack_file)
    (problem,) = caught.value.problems
    expected_line = text.splitlines().index("      bogus: 1") + 1
    assert (problem.file, problem.line) == (str(stack_file), expected_line)
    assert f"{stack_file}:{expected_line}: ai-platform:nodePools.gpu.bogus: unknown key" in str(caught.value)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("  ai-platform:storage:", "  ai-platform:storge:"), "ai-platform:storge: unknown key"),
        (
            lambda t: t.replace("    - name: eu-central-1\n      cidr: 10.20.0.0/16\n      role: standby\n", ""),
            "ai-platform:regions: prod needs at least two regions",
        ),
    ],
)
def test_plan_cli_exits_2_with_the_key_path_and_no_traceback(tmp_path: Path, edit: Any, expected: str) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.prod.yaml").write_text(edit((ROOT / "stacks" / "Pulumi.prod.yaml").read_text()))
    result = subprocess.run(
        [sys.executable, "-m", "infra.offline.cli", "plan", "--stack", "prod", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "build").exists()


def test_plan_cli_names_the_known_stacks_for_a_missing_one() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infra.offline.cli", "plan", "--stack", "qa", "--root", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "known stacks: dev, prod, staging" in result.stderr


def test_sharded_drift_job_with_a_late_or_wildcard_hour_is_rejected() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    config["ai-platform:models"][0]["drift"]["schedule"] = "0 23 * * *"
    problems = _problems(config)
    assert any(
        p.startswith("ai-platform:models[0].drift.schedule: a sharded drift job needs a single hour") for p in problems
    )


def test_backup_object_lock_longer_than_retention_is_rejected() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    config["ai-platform:storage"]["backup"] |= {"retentionDays": 20, "objectLockDays": 30}
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:storage.backup.objectLockDays: must be <= storage.backup.retentionDays (20)")


def test_backups_less_often_than_the_data_loss_rpo_are_rejected() -> None:
    config = copy.deepcopy(_stack("prod")["config"])
    config["ai-platform:dr"]["dataLoss"] = {"rtoMinutes": 120, "rpoMinutes": 720}
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:storage.backup.everyHours: must be <= dr.dataLoss.rpoMinutes / 60 (720")
    config["ai-platform:storage"]["backup"]["everyHours"] = 12
    parse_platform_config(config)
