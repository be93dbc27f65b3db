"""Which Pulumi AWS inputs are maps and which are objects, read from the pulumi_aws SDK's input type annotations.

A plan carries `{"Name": "x"}` for a map (tags) and `{"status": "Enabled"}` for an object alike; Terraform's plan
JSON keeps a map as an object but an object as a one-element list block. `pulumi_aws.<module>.<Class>Args.__init__`
is annotated `Mapping[...]` for a map and `'...Args'` for an object (nested objects: `<module>._inputs.<...>Args`),
so the SDK the program is written against decides. Where the SDK has no class for a token or field (a type newer
than the installed SDK), `None` lets the caller fall back to the keys' shape.
"""

from __future__ import annotations

import collections.abc
import importlib
import typing
from functools import cache
from types import ModuleType
from typing import Any, Literal

MAP: Literal["map"] = "map"
_ARGS_SUFFIX = "Args"

# A field's shape: MAP, the name of the Args class of an object (or of a list's element), or None (scalar/unknown).
Shape = str | None


def _sdk_module(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"pulumi_aws.{module}")
    except ImportError:
        return None


def _shape(annotation: Any) -> Shape:
    """Breadth-first through Union/Sequence/Awaitable: the first Mapping or `...Args` forward reference wins."""
    pending = [annotation]
    while pending:
        current = pending.pop(0)
        if isinstance(current, typing.ForwardRef):
            name = current.__forward_arg__
            if name.endswith(_ARGS_SUFFIX):
                return name
            continue
        if isinstance(current, str):
            if current.endswith(_ARGS_SUFFIX):
                return current
            continue
        if typing.get_origin(current) is collections.abc.Mapping:
            return MAP
        pending.extend(typing.get_args(current))
    return None


def _fields(cls: Any) -> dict[str, Shape]:
    annotations = getattr(getattr(cls, "__init__", None), "__annotations__", {})
    return {name: _shape(annotation) for name, annotation in annotations.items() if name not in ("self", "return")}


@cache
def resource_fields(module: str, class_name: str) -> dict[str, Shape] | None:
    """`pulumi_aws.<module>.<class_name>Args`'s inputs (snake_case) and their shapes; None if the SDK lacks it."""
    sdk = _sdk_module(module)
    cls = getattr(sdk, f"{class_name}{_ARGS_SUFFIX}", None) if sdk else None
    return _fields(cls) if cls is not None else None


@cache
def object_fields(module: str, args_class: str) -> dict[str, Shape] | None:
    """The fields of a nested input object class (`pulumi_aws.<module>._inputs.<args_class>`)."""
    sdk = _sdk_module(module)
    inputs = getattr(sdk, "_inputs", None) if sdk else None
    cls = getattr(inputs, args_class, None) or (getattr(sdk, args_class, None) if sdk else None)
    return _fields(cls) if cls is not None else None
