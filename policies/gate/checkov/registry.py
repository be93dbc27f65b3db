"""What checkov knows about Terraform: the resource types its checks name and the check ids for each.

Asked of checkov itself (registry_probe.py in the tool environment: ~2-7 s to import its checks), then cached on disk
next to the tool environment, keyed by the pinned checkov version, so a gate run or a test module pays it once.
"""

from __future__ import annotations

import json
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from policies.gate.checkov.toolenv import TOOL_ENV, checkov_python, offline_environment, pinned_version

_PROBE = Path(__file__).with_name("registry_probe.py")
_PROBE_TIMEOUT_S = 120


class CheckovRegistryError(RuntimeError):
    """checkov's registries could not be read (tool environment missing or broken)."""


def cache_file(version: str | None = None) -> Path:
    return TOOL_ENV / f"terraform-checks-{version or pinned_version()}.json"


@cache
def terraform_checks() -> dict[str, tuple[str, ...]]:
    """Terraform resource type → the ids of checkov's resource and graph checks that name it."""
    path = cache_file()
    if path.is_file():
        try:
            return _parse(json.loads(path.read_text(encoding="utf-8")), path)
        except (ValueError, CheckovRegistryError):
            pass  # a torn or stale cache is asked again below
    data = ask_checkov()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")  # parallel test workers may write at once
    temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    temporary.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
    return _parse(data, path)


@cache
def known_terraform_types() -> frozenset[str]:
    """The Terraform types checkov's checks name: the conversion's `known_types`."""
    return frozenset(terraform_checks())


def ask_checkov() -> Any:
    """Run registry_probe.py in the tool environment (no cache): type → check ids, as JSON."""
    python = checkov_python()
    if not python.exists():
        raise CheckovRegistryError(f"{python}: no checkov tool environment (run `.ci/tools/install checkov`)")
    try:
        completed = subprocess.run(
            [str(python), str(_PROBE)],
            capture_output=True,
            text=True,
            env=offline_environment(),
            timeout=_PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CheckovRegistryError(f"{python} {_PROBE.name}: {error}") from None
    if completed.returncode != 0:
        raise CheckovRegistryError(
            f"{python} {_PROBE.name}: exit {completed.returncode}: {completed.stderr.strip()[-2000:]}"
        )
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise CheckovRegistryError(f"{python} {_PROBE.name}: output is not JSON: {error.msg}") from None


def _parse(data: Any, path: Path) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, dict) or not data:
        raise CheckovRegistryError(f"{path}: expected a non-empty object of resource type → check ids")
    result: dict[str, tuple[str, ...]] = {}
    for name, ids in data.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise CheckovRegistryError(f"{path}: {name}: expected a list of check ids")
        result[str(name)] = tuple(ids)
    return result
