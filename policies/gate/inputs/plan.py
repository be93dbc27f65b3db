"""Load a plan document (`pulumi preview --json` shape, DESIGN §5.2) into cloud resources and config.

Every way the document can be wrong ends in a GateInputError naming the file and, for JSON syntax
errors the line and column, for a step of the wrong shape its JSON pointer. A document over the bounds
(size, nesting: infra/bounds/limits.yaml), with no steps or nothing to assess, or with a removing step that
carries a `newState` (a resource hidden where nothing looks) is bad input too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from infra.bounds import BoundsError, load_json
from policies.gate.errors import GateInputError
from policies.gate.findings import Location
from policies.gate.inputs.json_file import read_json_input
from policies.gate.inputs.secrets import normalise_envelopes
from policies.gate.subject import CloudResource

# Steps whose resource will not exist after the update: nothing to assess.
_REMOVING_OPS = frozenset({"delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"})
# Every op `pulumi preview --json` prints; any other spelling (`Delete`, `noop`) is bad input, not a guess.
_KNOWN_OPS = _REMOVING_OPS | {
    "same",
    "create",
    "update",
    "replace",
    "create-replacement",
    "read",
    "read-replacement",
    "refresh",
    "import",
    "import-replacement",
}
# Resources that hold no properties a rule assesses: a plan of only these has nothing to gate.
_NOT_ASSESSABLE_TYPES = re.compile(r"^pulumi:(pulumi:Stack|providers:.*)$")
_TYPE_TOKEN = re.compile(r"^[A-Za-z][\w-]*:[\w./-]*:[\w$-]+$")
_SOURCE_POSITION = re.compile(r"^(?P<scheme>project|file)://(?P<path>[^#]+)#(?P<line>\d+)(?:,(?P<column>\d+))?$")
_DATA = Path(__file__).parent.parent / "data" / "plan_types.yaml"


@dataclass(frozen=True)
class PlanDocument:
    path: Path
    config: dict[str, Any]
    resources: list[CloudResource]

    @property
    def stack(self) -> str | None:
        """The stack name, from the first URN (`urn:pulumi:<stack>::<project>::<type>::<name>`)."""
        for resource in self.resources:
            parts = resource.urn.split("::")
            if parts[0].startswith("urn:pulumi:"):
                return parts[0].removeprefix("urn:pulumi:")
        return None


@cache
def known_packages() -> frozenset[str]:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return frozenset(str(name) for name in data["knownPackages"])


def load_plan(path: Path) -> PlanDocument:
    document = read_json_input(
        path,
        "plan",
        what="plan",
        missing="plan file does not exist",
        directory="is a directory, not a plan document (use --manifests for YAML)",
    )
    return parse_plan(path, document)


def parse_plan(path: Path, document: Any) -> PlanDocument:
    document = normalise_envelopes(path, document)  # secret envelopes as `[secret]`, as the CLI prints them
    if not isinstance(document, dict):
        raise GateInputError(path, f"not a pulumi preview document: top level is {_json_type(document)}, not an object")
    if "steps" not in document:
        raise GateInputError(path, "not a pulumi preview document: no `steps` array")
    steps = document["steps"]
    if not isinstance(steps, list):
        raise GateInputError(path, f"`steps` is {_json_type(steps)}, not an array", where="/steps")
    if not steps:
        raise GateInputError(path, "plan has no steps: nothing to assess", where="/steps")
    config = _parse_config(path, document.get("config", {}))
    resources: list[CloudResource] = []
    seen: dict[str, str] = {}
    for index, step in enumerate(steps):
        resource = _parse_step(path, step, f"/steps/{index}")
        if resource is None:
            continue
        if resource.urn in seen:
            raise GateInputError(
                path, f"duplicate URN {resource.urn} (also at {seen[resource.urn]})", where=resource.pointer
            )
        seen[resource.urn] = resource.pointer
        resources.append(resource)
    if not any(not _NOT_ASSESSABLE_TYPES.match(resource.type) for resource in resources):
        raise GateInputError(path, "plan has no resource to assess (only removals, the stack and providers)")
    return PlanDocument(path=path, config=config, resources=resources)


def _parse_config(path: Path, raw: Any) -> dict[str, Any]:
    """Config values may be JSON strings (as the CLI prints structured config) or parsed values."""
    if not isinstance(raw, dict):
        raise GateInputError(path, f"`config` is {_json_type(raw)}, not an object", where="/config")
    config: dict[str, Any] = {}
    for key, value in raw.items():
        config[key] = value
        if isinstance(value, str) and value[:1] in ("{", "["):
            try:
                config[key] = load_json(value, str(path))
            except json.JSONDecodeError as error:
                pointer = "/config/" + _escape_pointer(key)
                raise GateInputError(path, f"config value is not valid JSON: {error.msg}", where=pointer) from None
            except BoundsError as error:
                raise GateInputError(
                    path, f"config value: {error.detail}", where="/config/" + _escape_pointer(key)
                ) from None
    return config


def _parse_step(path: Path, step: Any, pointer: str) -> CloudResource | None:
    if not isinstance(step, dict):
        raise GateInputError(path, f"step is {_json_type(step)}, not an object", where=pointer)
    op = step.get("op")
    if not isinstance(op, str):
        raise GateInputError(path, "step has no `op` string", where=f"{pointer}/op")
    if op not in _KNOWN_OPS:
        raise GateInputError(path, f"unknown step op {op!r}", where=f"{pointer}/op")
    if op in _REMOVING_OPS:
        if step.get("newState") is not None:
            # The gate never assesses a removing step's state: a resource placed there would pass unexamined.
            raise GateInputError(
                path, f"{op!r} step carries a `newState` (a removed resource has none)", where=f"{pointer}/newState"
            )
        return None
    state = step.get("newState")
    if not isinstance(state, dict):
        raise GateInputError(path, f"{op!r} step has no `newState` object", where=f"{pointer}/newState")
    state_pointer = f"{pointer}/newState"
    urn = state.get("urn", step.get("urn"))
    if not isinstance(urn, str) or not urn.startswith("urn:pulumi:") or urn.count("::") < 3:
        raise GateInputError(path, f"missing or malformed URN {urn!r}", where=f"{state_pointer}/urn")
    type_ = state.get("type")
    if not isinstance(type_, str) or not _TYPE_TOKEN.match(type_):
        raise GateInputError(path, f"missing or malformed resource type {type_!r}", where=f"{state_pointer}/type")
    package = type_.split(":", 1)[0]
    if package not in known_packages():
        known = ", ".join(sorted(known_packages()))
        raise GateInputError(
            path,
            f"unknown resource type {type_!r}: package {package!r} is not one of {known}",
            where=f"{state_pointer}/type",
        )
    inputs = state.get("inputs", {})
    if not isinstance(inputs, dict):
        raise GateInputError(path, f"`inputs` is {_json_type(inputs)}, not an object", where=f"{state_pointer}/inputs")
    dependencies = state.get("dependencies") or []
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise GateInputError(path, "`dependencies` is not an array of URNs", where=f"{state_pointer}/dependencies")
    property_dependencies = state.get("propertyDependencies") or {}
    if not isinstance(property_dependencies, dict) or not all(
        isinstance(urns, list) and all(isinstance(u, str) for u in urns) for urns in property_dependencies.values()
    ):
        raise GateInputError(
            path, "`propertyDependencies` is not an object of URN arrays", where=f"{state_pointer}/propertyDependencies"
        )
    return CloudResource(
        urn=urn,
        type=type_,
        name=urn.split("::")[-1],
        custom=bool(state.get("custom", True)),
        inputs=inputs,
        parent=_optional_text(state.get("parent")),
        provider=_optional_text(state.get("provider", step.get("provider"))),
        dependencies=tuple(dependencies),
        property_dependencies=property_dependencies,
        protect=bool(state.get("protect", False)),
        pointer=pointer,
        source_position=_source_position(state.get("sourcePosition")),
    )


def _source_position(value: Any) -> Location | None:
    """`project:///infra/cluster.py#42,5` (what the Pulumi engine records in state) → infra/cluster.py:42."""
    if not isinstance(value, str):
        return None
    match = _SOURCE_POSITION.match(value)
    if not match:
        return None
    # project:// paths are relative to the project root (the repository root here); file:// are absolute.
    file = match["path"].lstrip("/") if match["scheme"] == "project" else match["path"]
    return Location(file=file, line=int(match["line"]))


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
