"""Find the line of a config key in a stack file, so errors can say `file:line`."""

from __future__ import annotations

from pathlib import Path

import yaml

from infra.bounds import BoundsError, compose_yaml, read_text
from infra.config.errors import NAMESPACE


def line_of(stack_file: Path, parts: tuple[str | int, ...]) -> int | None:
    """1-based line of the deepest node of `ai-platform:<parts...>` that exists in the file."""
    try:
        root = compose_yaml(read_text(stack_file, "stack"), str(stack_file))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, BoundsError):
        return None
    node = _child(root, "config")
    if node is None or not parts:
        return None
    head, *rest = parts
    node = _child(node, f"{NAMESPACE}:{head}")
    if node is None:
        return None
    line: int = node.start_mark.line + 1
    for part in rest:
        node = _child(node, part)
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found: yaml.Node = value_node
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        child: yaml.Node = node.value[key]
        return child
    return None
