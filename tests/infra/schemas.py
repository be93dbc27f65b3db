"""Validate custom resources and chart values against the pinned schemas in tests/infra/data/schemas/.

A structural CRD schema does not reject unknown fields (the API server prunes them silently), so besides
JSON-schema validation `unknown_fields` reports every field the schema does not declare: a misspelt
field would otherwise vanish without an error.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema

SCHEMAS_DIR = Path(__file__).parent / "data" / "schemas"


@functools.cache
def crd_schemas() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS_DIR / "crds.json").read_text(encoding="utf-8"))
    return loaded


def crd_schema(api_version: str, kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = crd_schemas()[f"{api_version}/{kind}"]
    return schema


def unknown_fields(value: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return []
    found: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        for key, item in value.items():
            if properties is not None and key in properties:
                found += unknown_fields(item, properties[key], f"{where}.{key}")
            elif isinstance(additional, dict):
                found += unknown_fields(item, additional, f"{where}.{key}")
            elif properties is not None or additional is False:
                found.append(f"{where}.{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            found += unknown_fields(item, schema["items"], f"{where}[{i}]")
    return found


def crd_problems(api_version: str, kind: str, obj: dict[str, Any]) -> list[str]:
    """What the API server would refuse or silently drop in `obj` (apiVersion/kind/metadata/spec)."""
    schema = crd_schema(api_version, kind)
    document = {"apiVersion": api_version, "kind": kind, **obj}
    problems = [
        f"{'.'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in jsonschema.Draft7Validator(schema).iter_errors(document)
    ]
    spec_schema = schema["properties"].get("spec", {})
    return problems + [f"unknown field spec{f}" for f in unknown_fields(document.get("spec", {}), spec_schema)]


def values_problems(schema_file: str, values: dict[str, Any]) -> list[str]:
    schema = json.loads((SCHEMAS_DIR / schema_file).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{'.'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(values)]
