"""Read YAML and JSON within fixed bounds: file size, nesting depth, YAML alias references and expansion.

Every refusal is a BoundsError naming the file and the limit, raised before the input can exhaust time or
memory: the size is checked before a byte is parsed, the depth while the YAML node graph is composed (so the
parser never recurses past the limit), and the alias expansion on the node graph before any Python object
is built from it (a "billion laughs" document is refused without expanding it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

FileKind = Literal["manifest", "plan", "waivers", "stack", "imageScan"]
_DATA = Path(__file__).with_name("limits.yaml")


class BoundsError(ValueError):
    """An input over one of the limits; `str()` is one line: `<file>[:<line>]: <what> (limit <n>)`."""

    def __init__(self, file: Path | str, message: str, *, line: int | None = None) -> None:
        self.file = str(file)
        self.line = line
        self.detail = message
        super().__init__(f"{self.file}{f':{line}' if line else ''}: {message}")


@dataclass(frozen=True)
class Limits:
    max_bytes: dict[str, int]
    max_depth: int
    max_aliases: int
    max_expanded_nodes: int


@cache
def limits() -> Limits:
    data: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return Limits(
        max_bytes={str(kind): int(size) for kind, size in data["maxBytes"].items()},
        max_depth=int(data["maxDepth"]),
        max_aliases=int(data["maxAliases"]),
        max_expanded_nodes=int(data["maxExpandedNodes"]),
    )


def read_text(path: Path, kind: FileKind, shown: str | None = None) -> str:
    """The file's text, refused when it is larger than the limit for its kind (OSError/UnicodeError pass)."""
    limit = limits().max_bytes[kind]
    name = shown or str(path)
    size = path.stat().st_size
    if size > limit:
        raise BoundsError(name, f"{kind} file is {size} bytes, over the limit of {limit} bytes")
    with path.open("rb") as handle:
        # Read one byte past the limit: a file that grows, or reports no size (/proc, pipes), is bounded too.
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BoundsError(name, f"{kind} file is over the limit of {limit} bytes")
    return data.decode("utf-8")


def yaml_documents(text: str, shown: str) -> list[tuple[yaml.Node, Any]]:
    """Each non-empty document of a YAML stream: its root node (for line numbers) and its value."""
    loader = _BoundedLoader(text, shown)
    documents: list[tuple[yaml.Node, Any]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                loader.check_expansion(node)
                documents.append((node, loader.construct_value(node)))
    finally:
        loader.dispose()
    return documents


def compose_yaml(text: str, shown: str) -> yaml.Node | None:
    """The node graph of a single-document YAML stream (for line numbers), within the bounds."""
    loader = _BoundedLoader(text, shown)
    try:
        node: yaml.Node | None = loader.get_single_node()
        if node is not None:
            loader.check_expansion(node)
        return node
    finally:
        loader.dispose()


def load_yaml(text: str, shown: str) -> Any:
    """`yaml.safe_load`, within the bounds."""
    return load_yaml_node(text, shown)[1]


def load_yaml_node(text: str, shown: str) -> tuple[yaml.Node | None, Any]:
    """A single-document YAML stream's root node (for line numbers) and value, within the bounds."""
    loader = _BoundedLoader(text, shown)
    try:
        node: yaml.Node | None = loader.get_single_node()
        if node is None:
            return None, None
        loader.check_expansion(node)
        return node, loader.construct_value(node)
    finally:
        loader.dispose()


def load_json(text: str, shown: str) -> Any:
    """`json.loads`, refusing nesting deeper than the limit and numbers Python will not convert.

    json.JSONDecodeError passes through so callers keep reporting syntax errors with line and column.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise BoundsError(shown, f"nesting is deeper than the limit of {limits().max_depth} levels") from None
    except ValueError as error:  # an integer of more than 4300 digits (sys.get_int_max_str_digits)
        raise BoundsError(shown, f"value out of bounds: {error}") from None
    check_depth(value, shown)
    return value


def check_depth(value: Any, shown: str) -> None:
    """Refuse a parsed value nested deeper than the limit (iterative: no recursion on hostile input)."""
    max_depth = limits().max_depth
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > max_depth:
            raise BoundsError(shown, f"nesting is deeper than the limit of {max_depth} levels")
        pending.extend((child, depth + 1) for child in children)


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts depth and aliases while composing and sizes the expansion before constructing."""

    def __init__(self, text: str, shown: str) -> None:
        super().__init__(text)
        self._shown = shown
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        bounds = limits()
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > bounds.max_aliases:
                raise self._error(f"more than {bounds.max_aliases} YAML alias references", self.peek_event())  # type: ignore[no-untyped-call]
        self._depth += 1
        try:
            if self._depth > bounds.max_depth:
                raise self._error(f"nesting is deeper than the limit of {bounds.max_depth} levels", self.peek_event())  # type: ignore[no-untyped-call]
            node: yaml.Node = super().compose_node(parent, index)  # type: ignore[no-untyped-call,assignment]
            return node
        finally:
            self._depth -= 1

    def check_expansion(self, root: yaml.Node) -> None:
        """Count the nodes the document has once aliases are expanded, without expanding them."""
        limit = limits().max_expanded_nodes
        sizes: dict[int, int] = {}
        in_progress: set[int] = set()

        def size(node: yaml.Node) -> int:  # recursion is bounded by maxDepth, checked while composing
            key = id(node)
            if key in sizes:
                return sizes[key]
            if key in in_progress:
                raise self._error("a YAML alias refers to the node that contains it (recursive document)", None)
            in_progress.add(key)
            total = 1
            if isinstance(node, yaml.MappingNode):
                total += sum(size(k) + size(v) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                total += sum(size(child) for child in node.value)
            in_progress.discard(key)
            if total > limit:
                raise self._error(f"expands to more than {limit} nodes through YAML aliases", None)
            sizes[key] = total
            return total

        size(root)

    def construct_value(self, node: yaml.Node) -> Any:
        try:
            return self.construct_document(node)  # type: ignore[no-untyped-call]
        except ValueError as error:  # an integer of more than 4300 digits
            raise BoundsError(self._shown, f"value out of bounds: {error}", line=node.start_mark.line + 1) from None

    def _error(self, message: str, event: Any) -> BoundsError:
        mark = getattr(event, "start_mark", None)
        return BoundsError(self._shown, message, line=mark.line + 1 if mark is not None else None)
