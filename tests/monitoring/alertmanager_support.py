"""Shared helpers of the test_alertmanager_* tests: stack configs, the binaries, configs amtool can read."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from infra.components.monitoring.alertmanager import RECEIVERS_SECRET
from infra.components.monitoring.alertmanager.generate import write_file
from infra.components.monitoring.names import ALERTMANAGER_SECRETS_DIR
from infra.config import PlatformConfig, load_stack_file, parse_platform_config
from infra.config.alert_routing import secret_keys

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("dev", "staging", "prod")


def stack_map(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{name}.yaml").read_text())
    return copy.deepcopy(document["config"])


def without_routing(name: str) -> dict[str, Any]:
    """The stack `name` with no monitoring section and no team naming a receiver."""
    config = stack_map(name)
    config.pop("ai-platform:monitoring", None)
    for team in config["ai-platform:teams"]:
        team.pop("alertReceiver", None)
    return config


def stack_config(name: str) -> PlatformConfig:
    return load_stack_file(ROOT / "stacks" / f"Pulumi.{name}.yaml")[0]


def config_with(name: str, **monitoring: Any) -> PlatformConfig:
    """The stack `name` with its monitoring section replaced."""
    config = without_routing(name)
    config["ai-platform:monitoring"] = monitoring
    return parse_platform_config(config)


def local_config(config: PlatformConfig, stack: str, tmp: Path) -> Path:
    """The generated config with the secrets dir moved under tmp and every credential file present (amtool and
    alertmanager read *_file paths at load time)."""
    secrets = tmp / "secrets"
    (secrets / RECEIVERS_SECRET).mkdir(parents=True)
    for key in secret_keys(config):
        (secrets / RECEIVERS_SECRET / key).write_text(f"placeholder-{key}\n")
    # The very text `make plan` writes (build/<stack>/alertmanager.yaml), only the mount point moved.
    text = write_file(config, stack=stack, out_dir=tmp).read_text()
    path = tmp / "alertmanager.local.yaml"
    path.write_text(text.replace(ALERTMANAGER_SECRETS_DIR, str(secrets)))
    return path
