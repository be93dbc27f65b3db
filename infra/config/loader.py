"""Load and validate the `ai-platform:` config of a stack, from a stack file or from the Pulumi engine."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from infra.bounds import BoundsError, load_yaml, read_text
from infra.config.errors import FILE_PROBLEM, MISSING, NAMESPACE, ConfigError, ConfigProblem, key_path
from infra.config.locate import line_of
from infra.config.model import PlatformConfig
from infra.config.rules import check_platform
from infra.config.storage_rules import StackIdentity


def parse_platform_config(
    namespaced: dict[str, Any], stack_file: Path | None = None, identity: StackIdentity | None = None
) -> PlatformConfig:
    """Validate `{"ai-platform:<key>": value}` (values parsed, or JSON strings as the engine passes them).

    Raises ConfigError with every problem found, each with its key path (and file:line when the
    stack file is known). Keys of other namespaces (`aws:region`, `pulumi:tags`...) are not ours and pass.
    """
    raw: dict[str, Any] = {}
    for key, value in namespaced.items():
        namespace, _, name = key.partition(":")
        if namespace == NAMESPACE:
            raw[name] = _decode(value)
    try:
        config = PlatformConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError([_locate(_from_pydantic(err), stack_file, err["loc"]) for err in exc.errors()]) from None
    problems = check_platform(config, identity)
    if problems:
        raise ConfigError([_locate(p, stack_file, _parts(p.path)) for p in problems])
    return config


def load_stack_file(stack_file: Path) -> tuple[PlatformConfig, dict[str, Any]]:
    """Read `stacks/Pulumi.<stack>.yaml`; returns the validated model and the file's whole config map."""
    try:
        # Bounded like every input of the gate: size, depth and YAML aliases (infra/bounds/limits.yaml).
        document = load_yaml(read_text(stack_file, "stack"), str(stack_file))
    except BoundsError as exc:
        raise ConfigError(
            [
                ConfigProblem(
                    path=FILE_PROBLEM, value=str(stack_file), message=exc.detail, file=str(stack_file), line=exc.line
                )
            ]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [ConfigProblem(path=FILE_PROBLEM, value=str(stack_file), message=f"cannot read: {exc.strerror}")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            [
                ConfigProblem(
                    path=FILE_PROBLEM,
                    value=str(stack_file),
                    message=f"invalid YAML: {getattr(exc, 'problem', exc)}",
                    file=str(stack_file),
                    line=(mark.line + 1) if mark is not None else None,
                )
            ]
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("config"), dict):
        raise ConfigError(
            [
                ConfigProblem(
                    path="config",
                    value=type(document).__name__,
                    message="a stack file is a mapping with a `config:` mapping",
                    file=str(stack_file),
                    line=1,
                )
            ]
        )
    config_map: dict[str, Any] = document["config"]
    return parse_platform_config(config_map, stack_file, stack_identity(stack_file)), config_map


def stack_identity(stack_file: Path) -> StackIdentity | None:
    """Project and stack of `<dir>/Pulumi.<stack>.yaml` when `<dir>/../Pulumi.yaml` is its project file (the
    project's stackConfigDir); None for a stack file anywhere else."""
    project_file = stack_file.parent.parent / "Pulumi.yaml"
    stack = stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml")
    if not project_file.is_file() or not stack_file.name.startswith("Pulumi.") or not stack:
        return None
    project = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        return None
    if project.get("stackConfigDir", ".") != stack_file.parent.name:
        return None
    return StackIdentity(project=project["name"], stack=stack)


def _decode(value: Any) -> Any:
    # The engine hands structured config to the program as JSON strings.
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _from_pydantic(err: ErrorDetails) -> ConfigProblem:
    loc = err["loc"]
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        message = f"unknown key; allowed keys here: {allowed}" if allowed else "unknown key"
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = err["msg"].removeprefix("Value error, ")
    value = MISSING if kind == "missing" else err.get("input")
    return ConfigProblem(path=key_path(tuple(loc)), value=value, message=message)


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    model: type[BaseModel] | None = PlatformConfig
    # A mapping field (named node pools, per-feature thresholds) is followed by a key the user chose.
    user_key = False
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int) or user_key:
            user_key = False
            continue
        field = next((f for name, f in model.model_fields.items() if (f.alias or name) == part), None)
        model = _model_in(field.annotation) if field is not None else None
        user_key = field is not None and typing.get_origin(field.annotation) is dict
    if model is None:
        return []
    return sorted(f.alias or name for name, f in model.model_fields.items())


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _parts(path: str) -> tuple[str | int, ...]:
    body = path.removeprefix(f"{NAMESPACE}:").replace("[", ".[")
    return tuple(int(p[1:-1]) if p.startswith("[") else p for p in body.split(".") if p)


def _locate(problem: ConfigProblem, stack_file: Path | None, loc: tuple[str | int, ...]) -> ConfigProblem:
    if stack_file is None:
        return problem
    return ConfigProblem(
        path=problem.path,
        value=problem.value,
        message=problem.message,
        file=str(stack_file),
        line=line_of(stack_file, tuple(loc)),
    )
