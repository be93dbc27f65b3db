"""Which Pulumi AWS inputs are maps and which are objects, read from the pulumi_aws SDK's input type annotations.

A plan carries `{"Name": "x"}` for a map (tags) and `{"status": "Enabled"}` for an object alike; Terraform's plan
JSON keeps a map as an object but an object as a one-element list block. The SDK's `<Class>Args.__init__`
(`pulumi_aws/<module>/<member>.py`; nested objects in `pulumi_aws/<module>/_inputs.py`) annotates a map
`Mapping[...]` and an object `'...Args'`, so the SDK the program is written against decides.

The annotations are read from the SDK's source text, not by importing it: importing `pulumi_aws.ec2` compiles
megabytes of modules (~20 s where no bytecode cache is written), and the gate needs a dozen annotations. Where the
SDK has no class for a token or field (a type newer than the installed SDK), `None` lets the caller fall back to
the keys' shape.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Literal

MAP: Literal["map"] = "map"
_SDK_PACKAGE = "pulumi_aws"
_INPUTS_FILE = "_inputs.py"
# The first of these in an annotation decides: `Mapping[str, Input['XArgs']]` is a map, `Sequence[Input['XArgs']]`
# a list of objects.
_SHAPE = re.compile(r"""\bMapping\[|['"](?P<args>\w+Args)['"]""")
_NEXT_TOP_LEVEL = re.compile(r"^(?=\S)", re.MULTILINE)

# A field's shape: MAP, the name of the Args class of an object (or of a list's element), or None (scalar/unknown).
Shape = str | None


@cache
def _sdk_root() -> Path | None:
    spec = importlib.util.find_spec(_SDK_PACKAGE)  # locates the package without importing it
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


@cache
def _source(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _shape(annotation: str) -> Shape:
    match = _SHAPE.search(annotation)
    if match is None:
        return None
    return match["args"] or MAP


def _class_fields(path: Path, class_name: str) -> dict[str, Shape] | None:
    text = _source(path)
    if text is None:
        return None
    start = re.search(rf"^class {re.escape(class_name)}\b[^\n]*:\n", text, re.MULTILINE)
    if start is None:
        return None
    end = _NEXT_TOP_LEVEL.search(text, start.end())
    tree = ast.parse(text[start.start() : end.start() if end else len(text)])
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            arguments = [*node.args.args, *node.args.kwonlyargs]
            return {a.arg: _shape(ast.unparse(a.annotation)) for a in arguments if a.annotation is not None}
    return None


def _module_file(module: str, file_name: str) -> Path | None:
    root = _sdk_root()
    return root / module / file_name if root else None


@cache
def resource_fields(module: str, member: str, class_name: str) -> dict[str, Shape] | None:
    """`<class_name>Args`'s inputs (snake_case) and their shapes, from `pulumi_aws/<module>/<member>.py`."""
    path = _module_file(module, f"{member}.py")
    return _class_fields(path, f"{class_name}Args") if path else None


@cache
def object_fields(module: str, args_class: str) -> dict[str, Shape] | None:
    """The fields of a nested input object class (`pulumi_aws/<module>/_inputs.py`)."""
    path = _module_file(module, _INPUTS_FILE)
    return _class_fields(path, args_class) if path else None
