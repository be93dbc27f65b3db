"""What checkov itself registers: the check ids of a framework, asked of the pinned checkov in its tool env.

The mapping table must name every check that can fire on the gate's targets; this is the list it is held to.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policies.gate.checkov.toolenv import checkov_python, offline_environment

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
