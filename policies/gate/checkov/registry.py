"""What checkov itself registers: the check ids of a framework, asked of the pinned checkov in its tool env.

The mapping table must name every check that can fire on the gate's targets; this is the list it is held to.
The Terraform-plan conversion takes its known types from the same listing (`terraform_checks`, cached on disk).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from policies.gate.checkov.toolenv import TOOL_ENV, checkov_python, offline_environment, pinned_version

LISTING_SCRIPT = Path(__file__).with_name("list_checks.py")


@dataclass(frozen=True)
class RegisteredCheck:
    check_id: str
    name: str
    entities: tuple[str, ...]
    """The resource types (Terraform types, Kubernetes kinds) or Dockerfile instructions it runs on (for a graph
    check: the types its definition selects)."""


class RegistryError(RuntimeError):
    """checkov's tool environment could not list its checks (missing, broken, or an unknown framework)."""


def registered_checks(*frameworks: str) -> dict[str, dict[str, RegisteredCheck]]:
    """{framework: {check id: check}} for each framework (kubernetes, dockerfile, github_actions, terraform)."""
    python = checkov_python()
    if not python.exists():
        raise RegistryError(f"{python}: no checkov tool environment (run `.ci/tools/install checkov`)")
    completed = subprocess.run(
        [str(python), str(LISTING_SCRIPT), *frameworks],
        capture_output=True,
        text=True,
        env=offline_environment(),
        check=False,
        timeout=120,
    )
    if completed.returncode != 0:
        raise RegistryError(f"{LISTING_SCRIPT} exited {completed.returncode}: {completed.stderr.strip()[-2000:]}")
    listing: dict[str, dict[str, dict[str, Any]]] = json.loads(completed.stdout)
    return {
        framework: {
            check_id: RegisteredCheck(check_id, str(entry["name"]), tuple(str(e) for e in entry["entities"]))
            for check_id, entry in checks.items()
        }
        for framework, checks in listing.items()
    }


# --- the Terraform types checkov knows, for the Terraform-plan conversion -------------------------------------

TERRAFORM = "terraform"
# A graph check that names this entity runs on every resource type (checkov's wildcard, kept as written).
ALL_TYPES = "all"


def terraform_cache_file(version: str | None = None) -> Path:
    """Where `terraform_checks` keeps checkov's answer: next to the tool environment, per pinned version."""
    return TOOL_ENV / f"terraform-checks-{version or pinned_version()}.json"


@cache
def terraform_checks() -> dict[str, tuple[str, ...]]:
    """Terraform resource type → the ids of checkov's resource and graph checks that name it.

    Asking checkov costs ~2-7 s (it imports every check), so the answer is cached on disk keyed by the pinned
    checkov version: a gate run or a test module pays it once, a checkov upgrade asks again.
    """
    path = terraform_cache_file()
    if path.is_file():
        try:
            return _parse_cache(json.loads(path.read_text(encoding="utf-8")), path)
        except (ValueError, RegistryError):
            pass  # a torn or stale cache is asked again below
    by_type: dict[str, set[str]] = {}
    for check in registered_checks(TERRAFORM)[TERRAFORM].values():
        for entity in check.entities:
            by_type.setdefault(entity, set()).add(check.check_id)
    data = {entity: sorted(ids) for entity, ids in sorted(by_type.items())}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")  # parallel test workers may write at once
    temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    temporary.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
    return _parse_cache(data, path)


@cache
def known_terraform_types() -> frozenset[str]:
    """The Terraform types checkov's checks name: the conversion's `known_types` (the wildcard is no type)."""
    return frozenset(terraform_checks()) - {ALL_TYPES}


def checks_for_type(terraform_type: str) -> frozenset[str]:
    """Every check checkov runs on `terraform_type`: those that name it and the wildcard graph checks."""
    checks = terraform_checks()
    return frozenset(checks.get(terraform_type, ())) | frozenset(checks.get(ALL_TYPES, ()))


def _parse_cache(data: Any, path: Path) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, dict) or not data:
        raise RegistryError(f"{path}: expected a non-empty object of resource type → check ids")
    result: dict[str, tuple[str, ...]] = {}
    for name, ids in data.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise RegistryError(f"{path}: {name}: expected a list of check ids")
        result[str(name)] = tuple(ids)
    return result
