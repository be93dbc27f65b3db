"""Generate docs/configuration.md from the config model (`python -m infra.config.reference`)."""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from infra.config.model import PlatformConfig

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
HEADER = """# Configuration reference

Generated from `infra/config/model.py` by `python -m infra.config.reference`; a test fails when this file is stale.
Every key lives under the `ai-platform:` namespace of `stacks/Pulumi.<stack>.yaml`. Unknown keys are errors.
Rules that relate several keys (prod needs two regions, disjoint CIDRs, high-risk models need an approval...)
are in `infra/config/rules.py`.

| key | type | default | description |
|---|---|---|---|
"""


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map of {_type_name(args[1])}"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object"
    return getattr(annotation, "__name__", str(annotation))


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "see below"
        return f"`{value}`" if value not in ([], {}) else f"`{value!r}`"
    if field.default is PydanticUndefined:
        return ""
    return f"`{field.default}`" if field.default is not None else "`null`"


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        path = f"{prefix}{key}"
        nested = _nested_model(field.annotation)
        doc = (nested.__doc__ or "").strip().splitlines() if nested is not None else []
        description = field.description or (doc[0] if doc else "")
        rows.append(f"| `{path}` | {_type_name(field.annotation)} | {_default(field)} | {description} |")
        if nested is not None:
            origin = typing.get_origin(field.annotation)
            suffix = "[]." if origin is list else ("<name>." if origin is dict else ".")
            rows += _rows(nested, f"{path}{suffix}")
    return rows


def render() -> str:
    return HEADER + "\n".join(_rows(PlatformConfig, "ai-platform:")) + "\n"


def main() -> int:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
