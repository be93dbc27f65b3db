"""Normalise registered inputs the way the CLI prints them: secrets as `[secret]`, whole floats as ints."""

from __future__ import annotations

from typing import Any

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_TEXT = "[secret]"


def normalize(value: Any) -> Any:
    if isinstance(value, dict):
        signature = value.get(SIG_KEY)
        if signature == SECRET_SIG:
            return SECRET_TEXT
        if signature == RESOURCE_SIG:
            return value.get("urn", "")
        if signature == OUTPUT_SIG:
            if value.get("secret"):
                return SECRET_TEXT
            return normalize(value["value"]) if "value" in value else UNKNOWN
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        # Protobuf carries every number as a double; the CLI prints integral ones as integers.
        return int(value)
    return value
