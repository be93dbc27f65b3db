"""Normalise registered inputs the way the CLI prints them: secrets as `[secret]`, whole floats as ints."""

from __future__ import annotations

from typing import Any

from infra.pulumi_wire import (
    OUTPUT_SIGNATURE,
    RESOURCE_SIGNATURE,
    SECRET,
    SECRET_SIGNATURE,
    SIGNATURE_KEY,
    UNKNOWN,
)


def normalize(value: Any) -> Any:
    if isinstance(value, dict):
        signature = value.get(SIGNATURE_KEY)
        if signature == SECRET_SIGNATURE:
            return SECRET
        if signature == RESOURCE_SIGNATURE:
            return value.get("urn", "")
        if signature == OUTPUT_SIGNATURE:
            if value.get("secret"):
                return SECRET
            return normalize(value["value"]) if "value" in value else UNKNOWN
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        # Protobuf carries every number as a double; the CLI prints integral ones as integers.
        return int(value)
    return value
