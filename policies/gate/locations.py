"""Where a finding points: the stack-file line of the config key behind it, else the resource's source position.

GitHub code scanning annotates a PR at a file and line of the repository. For a plan resource that
derives from the stack config, the line a user edits is the config key that produced the finding: the
rule's `config_keys` (METADATA `custom.config_keys`, checkov mapping `config_keys`), with `*` resolved to
the entry (node pool, team, model, region, receiver) the resource belongs to; the deepest of those keys
written in the stack file wins, and when none is written (a default applies) the nearest written
ancestor. A rule without config keys points at the entry or section of the resource's type (the table in
data/config_locations.yaml). A resource no config key drives keeps its source position. The pipeline
adds the source position alongside (Finding.code_location) whenever the primary location is elsewhere.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from infra.bounds import BoundsError, compose_yaml, read_text
from infra.config.errors import NAMESPACE
from policies.gate.errors import GateInputError
from policies.gate.findings import Location
from policies.gate.subject import CloudResource

_TABLE = Path(__file__).parent / "data" / "config_locations.yaml"
# In a config key path, the entry of a collection (node pool, team, model…) the resource belongs to.
ENTRY = "*"


class Locate(Protocol):
    """The primary location of a finding on a plan resource, given the rule's stack config keys."""

    def __call__(self, resource: CloudResource, config_keys: Sequence[str] = (), /) -> Location: ...


def source_or(fallback: Location) -> Locate:
    """A locator for inputs without a stack file: the resource's source position, else `fallback`."""

    def locate(resource: CloudResource, config_keys: Sequence[str] = (), /) -> Location:
        return resource.source_position or fallback

    return locate


@dataclass(frozen=True)
class _Reached:
    """How far a config key path got in the stack file."""

    line: int  # 1-based line of the deepest key (or list entry) written in the file
    depth: int  # how many parts of the path are written
    complete: bool  # the whole path is written


@cache
def _location_table() -> tuple[tuple[tuple[str, ...], str], ...]:
    entries = yaml.safe_load(_TABLE.read_text(encoding="utf-8"))
    return tuple((tuple(entry["types"]), str(entry["key"])) for entry in entries)


class StackFileLocator:
    """Maps plan resources to lines of `stacks/Pulumi.<stack>.yaml`."""

    def __init__(self, stack_file: Path, shown_as: str) -> None:
        self.shown_as = shown_as
        self._config = _config_node(stack_file)

    def locate(self, resource: CloudResource, config_keys: Sequence[str] = (), /) -> Location:
        line = self.stack_line(resource, config_keys)
        if line is not None:
            return Location(self.shown_as, line)
        return resource.source_position or Location(self.shown_as, 1)

    def stack_line(self, resource: CloudResource, config_keys: Sequence[str] = ()) -> int | None:
        """The stack-file line behind a finding of a rule with these keys on this resource; None: not config-driven."""
        hints = _name_hints(resource)
        line = self._keys_line(config_keys, hints)
        if line is not None:
            return line
        for table_key in _config_keys_for(resource.type):
            line = self._table_line(table_key.split("."), hints)
            if line is not None:
                return line
        return None

    def key_line(self, config_keys: Sequence[str]) -> int | None:
        """For a finding about the stack as a whole: the line of the rule's keys, `*` left unresolved."""
        return self._keys_line(config_keys, [])

    def _keys_line(self, config_keys: Sequence[str], hints: list[str]) -> int | None:
        reached = [r for r in (self._reach(key.split("."), hints) for key in config_keys) if r is not None]
        if not reached:
            return None
        # A written key beats a default; among either, the deepest (most specific) one, first listed on a tie.
        return max(reached, key=lambda r: (r.complete, r.depth)).line

    def _table_line(self, parts: list[str], hints: list[str]) -> int | None:
        if parts[-1] == ENTRY:
            # `teams.*`: only a resource of one of the entries derives from it (a cert-manager object is no team's).
            entry = self._reach(parts, hints)
            return entry.line if entry is not None and entry.complete else None
        # A section (`storage`): its line, or the line of the child the resource names (`storage.backup`).
        found = self._reach([*parts, ENTRY], hints)
        return found.line if found is not None else None

    def _reach(self, parts: list[str], hints: list[str]) -> _Reached | None:
        if self._config is None or not parts:
            return None
        key_node, node = _entry_of_mapping(self._config, f"{NAMESPACE}:{parts[0]}")
        if key_node is None:
            return None
        line, depth = key_node.start_mark.line + 1, 1
        for part in parts[1:]:
            found = _entry_by_hint(node, hints) if part == ENTRY else _entry_of_mapping(node, part)
            if found[0] is None:
                return _Reached(line, depth, complete=False)
            line, node, depth = found[0].start_mark.line + 1, found[1], depth + 1
        return _Reached(line, depth, complete=True)


def _config_keys_for(type_: str) -> list[str]:
    """The table's keys for a resource type, in order: the first that places the resource wins."""
    return [key for patterns, key in _location_table() if any(fnmatch.fnmatchcase(type_, p) for p in patterns)]


def _name_hints(resource: CloudResource) -> list[str]:
    """Text that may name the config entry behind a resource, most telling first: name, namespace, labels, tags."""
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


def _mentions(hint: str, name: str) -> bool:
    return re.search(rf"(?:^|[^A-Za-z0-9]){re.escape(name)}(?:$|[^A-Za-z0-9])", hint) is not None


def _entry_by_hint(node: Any, hints: list[str]) -> tuple[yaml.Node | None, Any]:
    """The entry of a collection (mapping by key, list by `name`) that the resource's hints name.

    The first hint naming any entry decides (a resource's own name before its namespace and labels); within
    it the longest name wins, so `gpu-large` is not taken for `gpu`.
    """
    entries: list[tuple[str, yaml.Node, Any]] = []
    if isinstance(node, yaml.MappingNode):
        entries = [(str(k.value), k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            name_node = _entry_of_mapping(item, "name")[1]
            if isinstance(name_node, yaml.ScalarNode):
                entries.append((str(name_node.value), item, item))
    for hint in hints:
        named = [entry for entry in entries if _mentions(hint, entry[0])]
        if named:
            _, line_node, value = max(named, key=lambda entry: len(entry[0]))
            return line_node, value
    return None, None


def _entry_of_mapping(node: Any, key: str) -> tuple[yaml.Node | None, Any]:
    """The key node (its line is the line a user edits) and the value node of `key` in a mapping node."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None, None


def _config_node(stack_file: Path) -> yaml.MappingNode | None:
    """The `config:` mapping node of a stack file (with line marks); None when the file has none."""
    try:
        root = compose_yaml(read_text(stack_file, "stack"), str(stack_file))
    except BoundsError as error:  # the same limits as the stack config loader: a hostile stack file is exit 2
        raise GateInputError(error.file, error.detail, where=str(error.line) if error.line else None) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    config = _entry_of_mapping(root, "config")[1]
    return config if isinstance(config, yaml.MappingNode) else None
