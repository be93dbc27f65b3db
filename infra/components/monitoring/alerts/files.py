"""The generated groups as plain Prometheus rule files: build/<stack>/rules/<region>/<group>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from infra.components.monitoring.alerts.groups import rule_groups
from infra.config.model import PlatformConfig


class _Dumper(yaml.SafeDumper):
    """Multi-line PromQL as literal blocks, so a reviewer reads the file as written."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_groups(groups: list[dict[str, Any]]) -> str:
    return yaml.dump({"groups": groups}, Dumper=_Dumper, sort_keys=False, width=120, allow_unicode=True)


def write_rule_files(config: PlatformConfig, stack: str, out_dir: Path) -> list[Path]:
    """One file per group and region under `out_dir` (which is replaced: no file of a removed group stays)."""
    written: list[Path] = []
    for region in config.regions:
        directory = out_dir / region.name
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.yaml"):
            stale.unlink()
        for group in rule_groups(config, stack=stack, region=region.name):
            path = directory / f"{group['name']}.yaml"
            path.write_text(dump_groups([group]), encoding="utf-8")
            written.append(path)
    return written
