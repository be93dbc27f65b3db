"""Where a finding points: the resource's recorded source position, else the stack-file line that drives it.

GitHub code scanning shows a result at a file and line of the repository; for a plan resource the line a
user edits is the stack config key behind it (found by the table in data/config_locations.yaml), for a
manifest the line of the object's document.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from infra.bounds import BoundsError, compose_yaml, read_text
from policies.gate.errors import GateInputError
from policies.gate.findings import Location
from policies.gate.subject import CloudResource

_TABLE = Path(__file__).parent / "data" / "config_locations.yaml"
CONFIG_NAMESPACE = "ai-platform:"


@dataclass(frozen=True)
class _KeyLines:
    line: int
    children: dict[str, int]  # child key (mapping) or entry `name` (list of mappings) → line


@cache
def _location_table() -> tuple[tuple[tuple[str, ...], str], ...]:
    entries = yaml.safe_load(_TABLE.read_text(encoding="utf-8"))
    return tuple((tuple(entry["types"]), str(entry["key"])) for entry in entries)


class StackFileLocator:
    """Maps plan resources to lines of `stacks/Pulumi.<stack>.yaml`."""

    def __init__(self, stack_file: Path, shown_as: str) -> None:
        self.shown_as = shown_as
        self._keys = _config_key_lines(stack_file)

    def locate(self, resource: CloudResource) -> Location:
        if resource.source_position is not None:
            return resource.source_position
        key = _config_key_for(resource.type)
        lines = self._keys.get(key) if key else None
        if lines is None:
            return Location(self.shown_as, 1)
        hints = _name_hints(resource)
        for child, line in lines.children.items():
            if _mentions(hints, child):
                return Location(self.shown_as, line)
        return Location(self.shown_as, lines.line)


def _config_key_for(type_: str) -> str | None:
    for patterns, key in _location_table():
        if any(fnmatch.fnmatchcase(type_, pattern) for pattern in patterns):
            return key
    return None


def _name_hints(resource: CloudResource) -> list[str]:
    """Text that may name the config entry behind a resource: its name, namespace and label values."""
    hints = [resource.name]
    metadata = resource.inputs.get("metadata")
    if isinstance(metadata, dict):
        for key in ("name", "namespace"):
            if isinstance(metadata.get(key), str):
                hints.append(metadata[key])
        labels = metadata.get("labels")
        if isinstance(labels, dict):
            hints.extend(str(value) for value in labels.values())
    tags = resource.inputs.get("tags")
    if isinstance(tags, dict):
        hints.extend(str(value) for value in tags.values())
    return hints


def _mentions(hints: list[str], name: str) -> bool:
    pattern = re.compile(rf"(?:^|[^A-Za-z0-9]){re.escape(name)}(?:$|[^A-Za-z0-9])")
    return any(pattern.search(hint) for hint in hints)


def _config_key_lines(stack_file: Path) -> dict[str, _KeyLines]:
    """Line of each `ai-platform:<key>` under `config:`, and of its children, from the YAML node marks."""
    try:
        root = compose_yaml(read_text(stack_file, "stack"), str(stack_file))
    except BoundsError as error:  # the same limits as the stack config loader: a hostile stack file is exit 2
        raise GateInputError(error.file, error.detail, where=str(error.line) if error.line else None) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    config = _mapping_value(root, "config")
    if not isinstance(config, yaml.MappingNode):
        return {}
    found: dict[str, _KeyLines] = {}
    for key_node, value_node in config.value:
        key = str(key_node.value)
        if not key.startswith(CONFIG_NAMESPACE):
            continue
        found[key.removeprefix(CONFIG_NAMESPACE)] = _KeyLines(
            line=key_node.start_mark.line + 1, children=_children_lines(value_node)
        )
    return found


def _children_lines(node: Any) -> dict[str, int]:
    children: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            children[str(key_node.value)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            name = _mapping_value(item, "name")
            if isinstance(name, yaml.ScalarNode):
                children[str(name.value)] = item.start_mark.line + 1
    return children


def _mapping_value(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None
