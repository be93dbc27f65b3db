"""Load a directory of Kubernetes manifests: every YAML and JSON file, Lists flattened, each object with its line.

Discovery never drops a file silently (issue 7, item 4): suffixes match case-insensitively (`.YAML`, `.Json`);
hidden files and folders are read and listed; symlinks are followed only when they resolve inside the
directory (others are skipped and listed; loops and second paths to a file already read are skipped);
anything else that is not read is listed with the reason. Each file is read within the bounds of
infra/bounds/limits.yaml, and a directory that yields no Kubernetes object at all is bad input.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from infra.bounds import BoundsError, load_json, read_text, yaml_documents
from policies.gate.errors import GateInputError
from policies.gate.findings import Location
from policies.gate.subject import InputNote, KubeObject

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class ManifestSet:
    files: list[Path]
    objects: list[KubeObject]
    skipped: list[InputNote] = field(default_factory=list)
    hidden: list[InputNote] = field(default_factory=list)


@dataclass
class _Discovery:
    root: Path
    root_real: Path
    candidates: dict[Path, list[Path]] = field(default_factory=dict)  # real path → the paths that reach it
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    visited: set[Path] = field(default_factory=set)


def discover(directory: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Manifest files under `directory` (sorted) and every other entry with the reason it is not read."""
    if not directory.exists():
        raise GateInputError(directory, "manifests directory does not exist")
    if not directory.is_dir():
        raise GateInputError(directory, "is not a directory (use --plan for a plan document)")
    found = _Discovery(root=directory, root_real=directory.resolve())
    found.visited.add(found.root_real)
    pending: list[Path] = [directory]
    linked: list[Path] = []
    # Real folders first, symlinked ones after: a file reachable both ways is read through its real path.
    while pending or linked:
        if pending:
            current = pending.pop()
        else:
            current = linked.pop(0)
            if current.resolve() in found.visited:
                found.skipped.append((current, "symlink to a folder already read (loop or second path)"))
                continue
            found.visited.add(current.resolve())
        _scan(current, found, pending, linked)
    files: list[Path] = []
    for real, paths in found.candidates.items():
        # Read each file once, through its own path when the directory reaches it directly too.
        chosen = min(paths, key=lambda path: (path.absolute() != real, str(path)))
        files.append(chosen)
        found.skipped += [(path, f"same file as {chosen}, read once") for path in paths if path != chosen]
    files.sort()
    if not files:
        raise GateInputError(directory, "directory holds no YAML files or JSON files (*.yaml, *.yml, *.json, any case)")
    return files, sorted(found.skipped)


def _scan(folder: Path, found: _Discovery, pending: list[Path], linked: list[Path]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        found.skipped.append((folder, f"cannot list folder: {error.strerror}"))
        return
    for entry in entries:
        path = Path(entry.path)
        is_link = entry.is_symlink()
        if is_link:
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                found.skipped.append((path, "broken or looping symlink"))
                continue
            if not target.is_relative_to(found.root_real):
                found.skipped.append((path, f"symlink to {target}, outside the manifests directory"))
                continue
        real = path.resolve()
        if path.is_dir():
            if real in found.visited:
                found.skipped.append((path, "symlink to a folder already read (loop or second path)"))
            elif is_link:
                linked.append(path)
            else:
                found.visited.add(real)
                pending.append(path)
        elif not path.is_file():
            found.skipped.append((path, "not a regular file (device, FIFO or socket)"))
        elif path.suffix.lower() not in MANIFEST_SUFFIXES:
            found.skipped.append((path, "not a .yaml, .yml or .json file"))
        else:
            found.candidates.setdefault(real, []).append(path)


def manifest_files(directory: Path) -> list[Path]:
    """Manifest files under `directory`, recursively and sorted (see `discover` for what is skipped)."""
    return discover(directory)[0]


def read_manifests(directory: Path, display_root: Path | None = None) -> ManifestSet:
    """Every Kubernetes object in the directory, Lists flattened, with the files skipped and hidden ones read."""
    files, skipped = discover(directory)
    objects: list[KubeObject] = []
    for path in files:
        objects.extend(load_manifest_file(path, display_path(path, display_root)))
    if not objects:
        raise GateInputError(directory, "no Kubernetes object in any manifest file of the directory")
    return ManifestSet(
        files=files,
        objects=objects,
        skipped=[InputNote(_shown(path, display_root), reason) for path, reason in skipped],
        hidden=[
            InputNote(display_path(path, display_root), "hidden file or folder: read and assessed")
            for path in files
            if any(part.startswith(".") for part in path.relative_to(directory).parts)
        ],
    )


def load_manifests(directory: Path, display_root: Path | None = None) -> tuple[list[Path], list[KubeObject]]:
    """Every Kubernetes object in the directory, `List` objects expanded into their items."""
    found = read_manifests(directory, display_root)
    return found.files, found.objects


def display_path(path: Path, root: Path | None) -> str:
    """The path reports show: relative to `root` (the repository root) when inside it."""
    base = root or Path.cwd()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _shown(path: Path, root: Path | None) -> str:
    """Like display_path, without resolving symlinks: a skipped link is shown as the link, not its target."""
    base = (root or Path.cwd()).absolute()
    try:
        return path.absolute().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def load_manifest_file(path: Path, shown_as: str) -> list[KubeObject]:
    try:
        text = read_text(path, "manifest", shown_as)
    except BoundsError as error:
        raise GateInputError(shown_as, error.detail) from None
    except (OSError, UnicodeDecodeError) as error:
        raise GateInputError(shown_as, f"cannot read: {error}") from None
    if path.suffix.lower() == ".json":
        return _json_objects(text, shown_as)
    objects: list[KubeObject] = []
    try:
        for node, document in yaml_documents(text, shown_as):
            if document is None:  # an empty document between `---` separators
                continue
            objects.extend(_flatten(shown_as, document, node, node.start_mark.line + 1))
    except BoundsError as error:
        raise GateInputError(shown_as, error.detail, where=str(error.line) if error.line else None) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise GateInputError(shown_as, f"invalid YAML: {problem}", where=where) from None
    except yaml.YAMLError as error:
        raise GateInputError(shown_as, f"invalid YAML: {error}") from None
    return objects


def _json_objects(text: str, shown_as: str) -> list[KubeObject]:
    """A JSON manifest holds one object or a List (as `kubectl get -o json` prints); lines are not tracked."""
    try:
        document = load_json(text, shown_as)
    except json.JSONDecodeError as error:
        raise GateInputError(shown_as, f"malformed JSON: {error.msg}", where=f"{error.lineno}:{error.colno}") from None
    except BoundsError as error:
        raise GateInputError(shown_as, error.detail) from None
    return _flatten(shown_as, document, None, 1)


def _flatten(shown_as: str, document: Any, node: yaml.Node | None, line: int) -> list[KubeObject]:
    """The object itself, or the items of a List, recursively (a List inside a List is flattened too)."""
    _require_object(shown_as, line, document)
    if not _is_list(document):
        return [KubeObject(body=document, location=Location(shown_as, line))]
    items = document.get("items") or []
    if not isinstance(items, list):
        raise GateInputError(shown_as, f"{document['kind']} has `items` that is not a list", where=f"{line}:1")
    item_nodes = _items_nodes(node)
    objects: list[KubeObject] = []
    for index, item in enumerate(items):
        item_node = item_nodes[index] if index < len(item_nodes) else None
        item_line = item_node.start_mark.line + 1 if item_node is not None else line
        objects.extend(_flatten(shown_as, item, item_node, item_line))
    return objects


def _require_object(shown_as: str, line: int, document: Any) -> None:
    if not isinstance(document, dict):
        kind = "list" if isinstance(document, list) else type(document).__name__
        raise GateInputError(shown_as, f"document is a {kind}, not a Kubernetes object", where=f"{line}:1")
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


def _items_nodes(node: yaml.Node | None) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "items" and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return []
