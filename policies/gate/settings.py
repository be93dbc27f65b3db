"""Per-run gate settings: command-line overrides, then the stack config, then the gate's defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from policies.gate.errors import GateInputError
from policies.gate.exceptions import SettingException, expiry_problem
from policies.gate.severity import BLOCKING_SEVERITIES, severity_scale
from policies.gate.subject import GateSettings
from policies.gate.waiver_policy import waiver_policy

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
    *,
    source: Path,
    config: dict[str, Any],
    stack: str | None,
    overrides: Overrides,
    repo_root: Path,
    ours: bool = True,
) -> GateSettings:
    """`ours` False (another Pulumi project's plan, policies/gate/scope.py): stacks/ holds no stack file of it."""
    environment = config.get(f"{CONFIG_PREFIX}environment")
    environment = environment if isinstance(environment, str) else None
    gate = config.get(f"{CONFIG_PREFIX}gate") or {}
    if not isinstance(gate, dict):
        raise GateInputError(source, "`ai-platform:gate` is not an object", where=f"/config/{CONFIG_PREFIX}gate")
    # With no environment the stack's name stands in, as it does for the floor (enforce_fail_on_floor): a
    # stack called prod without ai-platform config (another project's preview) gets prod's default, not a
    # default weaker than prod's floor that the gate would then refuse.
    fail_on = (
        overrides.fail_on
        or gate.get("failOn")
        or severity_scale().default_fail_on(environment if environment is not None else stack)
    )
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
        stack_file=overrides.stack_file or (_conventional_stack_file(stack, repo_root) if ours else None),
    )


def _conventional_stack_file(stack: str | None, repo_root: Path) -> Path | None:
    if stack is None:
        return None
    candidate = repo_root / "stacks" / f"Pulumi.{stack}.yaml"
    return candidate if candidate.is_file() else None


def enforce_fail_on_floor(
    settings: GateSettings,
    *,
    source: Path,
    from_command_line: bool,
    exceptions: Sequence[SettingException],
    today: dt.date,
) -> SettingException | None:
    """Refuse a blocking threshold weaker than the environment's floor unless an exception allows it.

    Applies to `ai-platform:gate.failOn` and to --fail-on alike. Returns the exception used (to show in
    the reports), None when the threshold is at or above the floor; raises GateInputError (exit 2) otherwise.
    """
    scale = severity_scale()
    floors = waiver_policy().fail_on_floor
    # The stack's name counts too: a stack called prod that claims another environment keeps prod's floor.
    keys = [k for k in dict.fromkeys((settings.environment, settings.stack)) if k is not None and k in floors]
    if not keys:
        return None
    key = max(keys, key=lambda k: -scale.rank(floors[k]))
    floor = floors[key]
    if scale.rank(settings.fail_on) <= scale.rank(floor):
        return None
    reasons: list[str] = []
    for exception in exceptions:
        if not exception.covers(setting="failOn", environment=key, stack=settings.stack):
            continue
        if exception.value not in BLOCKING_SEVERITIES:
            reasons.append(f"exception {exception.id} value {exception.value!r} is not a severity")
        elif scale.rank(settings.fail_on) > scale.rank(exception.value):
            reasons.append(f"exception {exception.id} allows failOn down to {exception.value} only")
        elif problem := expiry_problem(exception, today):
            reasons.append(problem)
        else:
            return exception
    detail = "; ".join(reasons) or "no `exceptions:` record with `setting: failOn` in the waiver file allows it"
    message = (
        f"failOn {settings.fail_on!r} is weaker than the floor {floor!r} of {key} "
        f"(policies/gate/data/waiver_policy.yaml): {detail}"
    )
    if from_command_line:
        raise GateInputError("--fail-on", message)
    key_path = f"{CONFIG_PREFIX}gate.failOn"
    line = _config_line(settings.stack_file, ("gate", "failOn")) if settings.stack_file else None
    if settings.stack_file is not None and line is not None:
        raise GateInputError(settings.stack_file, f"{key_path}: {message}", where=str(line))
    raise GateInputError(source, f"{key_path}: {message}", where=f"/config/{CONFIG_PREFIX}gate/failOn")


def _config_line(stack_file: Path, parts: tuple[str, ...]) -> int | None:
    """1-based line of `config: ai-platform:<parts[0]>: <parts[1]>...` in a stack file (as the config loader says)."""
    try:
        node: Any = yaml.compose(stack_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    line: int | None = None
    for key in ("config", CONFIG_PREFIX + parts[0], *parts[1:]):
        found = None
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
        if found is None:
            return None  # not set in the stack file (e.g. only in the plan's config): point at the plan instead
        node, line = found, found.start_mark.line + 1
    return line
