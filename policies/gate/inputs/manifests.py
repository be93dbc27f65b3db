"""Load a directory of Kubernetes YAML: multi-document files and `List` objects, each object with its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from policies.gate.errors import GateInputError
from policies.gate.findings import Location
from policies.gate.subject import KubeObject

YAML_SUFFIXES = (".yaml", ".yml")


def manifest_files(directory: Path) -> list[Path]:
    """YAML files under `directory`, recursively and sorted, skipping hidden files and folders."""
    if not directory.exists():
        raise GateInputError(directory, "manifests directory does not exist")
    if not directory.is_dir():
        raise GateInputError(directory, "is not a directory (use --plan for a plan document)")
    files = sorted(
        path
        for path in directory.rglob("*")
        if path.suffix in YAML_SUFFIXES
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(directory).parts)
    )
    if not files:
        raise GateInputError(directory, "directory holds no YAML files (*.yaml, *.yml)")
    return files


def load_manifests(directory: Path, display_root: Path | None = None) -> tuple[list[Path], list[KubeObject]]:
    """Every Kubernetes object in the directory, `List` objects expanded into their items."""
    files = manifest_files(directory)
    objects: list[KubeObject] = []
    for path in files:
        objects.extend(load_manifest_file(path, display_path(path, display_root)))
    return files, objects


def display_path(path: Path, root: Path | None) -> str:
    """The path reports show: relative to `root` (the repository root) when inside it."""
    base = root or Path.cwd()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_manifest_file(path: Path, shown_as: str) -> list[KubeObject]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GateInputError(shown_as, f"cannot read: {error}") from None
    objects: list[KubeObject] = []
    loader = yaml.SafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            document = loader.construct_document(node)
            if document is None:  # an empty document between `---` separators
                continue
            objects.extend(_objects_of(shown_as, node, document))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise GateInputError(shown_as, f"invalid YAML: {problem}", where=where) from None
    except yaml.YAMLError as error:
        raise GateInputError(shown_as, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()
    return objects


def _objects_of(shown_as: str, node: yaml.Node, document: Any) -> list[KubeObject]:
    line = node.start_mark.line + 1
    _require_object(shown_as, line, document)
    if not _is_list(document):
        return [KubeObject(body=document, location=Location(shown_as, line))]
    items = document.get("items") or []
    if not isinstance(items, list):
        raise GateInputError(shown_as, f"{document['kind']} has `items` that is not a list", where=f"{line}:1")
    item_nodes = _items_nodes(node)
    objects: list[KubeObject] = []
    for index, item in enumerate(items):
        item_line = item_nodes[index].start_mark.line + 1 if index < len(item_nodes) else line
        _require_object(shown_as, item_line, item)
        objects.append(KubeObject(body=item, location=Location(shown_as, item_line)))
    return objects


def _require_object(shown_as: str, line: int, document: Any) -> None:
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise GateInputError(shown_as, f"document is a YAML {kind}, not a Kubernetes object", where=f"{line}:1")
    missing = [key for key in ("apiVersion", "kind") if not isinstance(document.get(key), str) or not document[key]]
    if missing:
        raise GateInputError(shown_as, f"not a Kubernetes object: no {' or '.join(missing)}", where=f"{line}:1")
    if _is_list(document):
        return
    metadata = document.get("metadata")
    named = isinstance(metadata, dict) and any(isinstance(metadata.get(k), str) for k in ("name", "generateName"))
    if not named:
        raise GateInputError(shown_as, f"{document['kind']} has no metadata.name", where=f"{line}:1")


def _is_list(document: dict[str, Any]) -> bool:
    """`kind: List`, or a typed list such as `ConfigMapList`, holding its objects under `items`."""
    kind = str(document["kind"])
    return kind == "List" or (kind.endswith("List") and "items" in document)


def _items_nodes(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "items" and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return []
