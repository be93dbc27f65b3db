"""The public-endpoint allow-list is judged by address arithmetic, as the aws pack judges the plan."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.config import ConfigError, parse_platform_config

ROOT = Path(__file__).resolve().parents[2]
KEY = "ai-platform:cluster.endpoint.publicAccessCidrs: the allow-list opens the endpoint to the whole internet"


def _config_with(cidrs: list[str]) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    config = copy.deepcopy(document["config"])
    config["ai-platform:cluster"]["endpoint"] = {"publicAccess": True, "publicAccessCidrs": cidrs}
    return config


def _problems(config: dict[str, Any]) -> list[str]:
    try:
        parse_platform_config(config)
    except ConfigError as error:
        return [f"{p.path}: {p.message}" for p in error.problems]
    return []


@pytest.mark.parametrize(
    "cidrs",
    [
        ["0.0.0.0/1", "128.0.0.0/1"],
        [f"{i}.0.0.0/8" for i in range(256)],
        ["::/1", "8000::/1"],
        ["3.0.0.0/8"],
        [f"3.{16 * i}.0.0/12" for i in range(16)],
    ],
)
def test_an_allow_list_covering_the_internet_is_refused_with_its_key_path(cidrs: list[str]) -> None:
    assert any(p.startswith(KEY) for p in _problems(_config_with(cidrs)))


def test_a_narrow_allow_list_is_accepted() -> None:
    assert not any(p.startswith(KEY) for p in _problems(_config_with(["52.94.76.0/22", "2600:1f00::/40"])))
