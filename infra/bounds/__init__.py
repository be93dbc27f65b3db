"""Bounded reading of YAML and JSON inputs, shared by the policy gate and the stack config loader.

It lives in `infra` (which imports nothing from `policies`) so both sides import it without a cycle; the
module depends on PyYAML and the standard library only.
"""

from infra.bounds.loader import (
    BoundsError,
    Limits,
    check_depth,
    compose_yaml,
    limits,
    load_json,
    load_yaml,
    load_yaml_node,
    read_text,
    yaml_documents,
)

__all__ = [
    "BoundsError",
    "Limits",
    "check_depth",
    "compose_yaml",
    "limits",
    "load_json",
    "load_yaml",
    "load_yaml_node",
    "read_text",
    "yaml_documents",
]
