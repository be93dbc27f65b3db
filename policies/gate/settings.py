"""Per-run gate settings: command-line overrides, then the stack config, then the gate's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from policies.gate.errors import GateInputError
from policies.gate.severity import BLOCKING_SEVERITIES, severity_scale
from policies.gate.subject import GateSettings

_DEFAULTS = Path(__file__).parent / "data" / "defaults.yaml"
CONFIG_PREFIX = "ai-platform:"


@dataclass(frozen=True)
class Overrides:
    """What the command line sets explicitly (None: take it from the stack config or the defaults)."""

    fail_on: str | None = None
    allowed_registries: tuple[str, ...] | None = None
    kubernetes_version: str | None = None
    stack_file: Path | None = None


@cache
def _defaults() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_DEFAULTS.read_text(encoding="utf-8"))
    return data


def resolve_settings(
    *, source: Path, config: dict[str, Any], stack: str | None, overrides: Overrides, repo_root: Path
) -> GateSettings:
    environment = config.get(f"{CONFIG_PREFIX}environment")
    environment = environment if isinstance(environment, str) else None
    gate = config.get(f"{CONFIG_PREFIX}gate") or {}
    if not isinstance(gate, dict):
        raise GateInputError(source, "`ai-platform:gate` is not an object", where=f"/config/{CONFIG_PREFIX}gate")
    fail_on = overrides.fail_on or gate.get("failOn") or severity_scale().default_fail_on(environment)
    if fail_on not in BLOCKING_SEVERITIES:
        raise GateInputError(
            source,
            f"failOn {fail_on!r} is not one of {', '.join(BLOCKING_SEVERITIES)}",
            where=f"/config/{CONFIG_PREFIX}gate/failOn",
        )
    registries = overrides.allowed_registries
    if registries is None:
        configured = gate.get("allowedRegistries")
        if configured is not None and (
            not isinstance(configured, list) or not all(isinstance(r, str) for r in configured)
        ):
            raise GateInputError(
                source,
                "allowedRegistries is not a list of strings",
                where=f"/config/{CONFIG_PREFIX}gate/allowedRegistries",
            )
        registries = tuple(configured if configured is not None else _defaults()["allowedRegistries"])
    version = overrides.kubernetes_version or config.get(f"{CONFIG_PREFIX}kubernetesVersion")
    version = str(version) if version else str(_defaults()["kubernetesVersion"])
    return GateSettings(
        stack=stack,
        environment=environment,
        fail_on=str(fail_on),
        allowed_registries=registries,
        kubernetes_version=version,
        stack_file=overrides.stack_file or _conventional_stack_file(stack, repo_root),
    )


def _conventional_stack_file(stack: str | None, repo_root: Path) -> Path | None:
    if stack is None:
        return None
    candidate = repo_root / "stacks" / f"Pulumi.{stack}.yaml"
    return candidate if candidate.is_file() else None
