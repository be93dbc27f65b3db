"""How the gate runs checkov, from policies/gate/data/checkov.yaml (timeout, targets, repository files)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "data" / "checkov.yaml"


class CheckovSettingsError(ValueError):
    """policies/gate/data/checkov.yaml is malformed: names the key and what is wrong."""


@dataclass(frozen=True)
class CheckovSettings:
    timeout_seconds: float
    stderr_tail: int
    targets: dict[str, str]  # checkov framework → the gate's target name
    dockerfile_name: str
    workflow_globs: tuple[str, ...]
    work_directory: str

    @property
    def frameworks(self) -> tuple[str, ...]:
        return tuple(self.targets)

    def target_of(self, framework: str) -> str:
        return self.targets.get(framework, framework)


@cache
def checkov_settings(path: Path = SETTINGS_FILE) -> CheckovSettings:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CheckovSettingsError(f"{path}: expected a mapping")
    timeout = _get(path, data, "timeoutSeconds", (int, float))
    if timeout <= 0:
        raise CheckovSettingsError(f"{path}: timeoutSeconds must be positive, got {timeout}")
    targets = _get(path, data, "targets", dict)
    if not targets or not all(isinstance(k, str) and isinstance(v, str) for k, v in targets.items()):
        raise CheckovSettingsError(f"{path}: targets must map checkov framework names to target names")
    globs = _get(path, data, "workflowGlobs", list)
    if not all(isinstance(g, str) for g in globs):
        raise CheckovSettingsError(f"{path}: workflowGlobs must be a list of glob patterns")
    return CheckovSettings(
        timeout_seconds=float(timeout),
        stderr_tail=int(_get(path, data, "stderrTail", int)),
        targets=dict(targets),
        dockerfile_name=str(_get(path, data, "dockerfileName", str)),
        workflow_globs=tuple(globs),
        work_directory=str(_get(path, data, "workDirectory", str)),
    )


def _get(path: Path, data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise CheckovSettingsError(f"{path}: {key} is missing or not a {_name(kind)} (got {value!r})")
    return value


def _name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
