"""Join test: every `config_keys` path a rule declares (Rego METADATA, checkov mapping) names a key of the stack config.

The gate places a finding at the stack-file line of these keys (policies/gate/locations.py); a misspelt key would
silently point the finding at an ancestor line instead, so each path must resolve in the PlatformConfig model,
walked by the camelCase aliases a stack file uses, with `*` standing for an entry of a dict or list field.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from infra.config.model import PlatformConfig
from policies.engines import load_pack
from policies.gate.checkov.mapping import checkov_mapping
from policies.gate.locations import ENTRY

PACKS = Path(__file__).resolve().parents[2] / "policies" / "packs"


def _alternatives(annotation: Any) -> list[Any]:
    """The types an annotation admits: Annotated and Optional/Union unwrapped, None left out."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _alternatives(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) if arg is not type(None) for t in _alternatives(arg)]
    return [annotation]


def _step(annotation: Any, part: str) -> list[Any]:
    """The types reached from `annotation` by one path part; empty when the part does not exist there."""
    reached: list[Any] = []
    for kind in _alternatives(annotation):
        if part == ENTRY:
            if typing.get_origin(kind) in (list, dict):
                reached.append(typing.get_args(kind)[-1])
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            reached.extend(
                field.annotation for name, field in kind.model_fields.items() if (field.alias or name) == part
            )
    return reached


def unresolved_part(path: str) -> str | None:
    """The first part of `path` the PlatformConfig model has no key (or no entries) for; None when it resolves."""
    current: list[Any] = [PlatformConfig]
    for part in path.split("."):
        current = [t for annotation in current for t in _step(annotation, part)]
        if not current:
            return part
    return None


def _declared_keys() -> list[tuple[str, str]]:
    declared: list[tuple[str, str]] = []
    for manifest in sorted(PACKS.glob("*/PulumiPolicy.yaml")):
        for rule in load_pack(manifest.parent).rules:
            declared.extend((rule.policy_id, key) for key in rule.config_keys)
    for check in checkov_mapping().rules.values():
        declared.extend((check.check_id, key) for key in check.config_keys)
    return declared


def test_rules_declare_config_keys() -> None:
    # The locator only helps if rules use it: Rego rules and checkov checks both declare keys.
    owners = {owner for owner, _ in _declared_keys()}
    assert any(owner.startswith("CKV") for owner in owners)
    assert len([o for o in owners if not o.startswith("CKV")]) >= 20


@pytest.mark.parametrize(("owner", "path"), _declared_keys())
def test_every_config_key_resolves_in_the_stack_config_model(owner: str, path: str) -> None:
    assert unresolved_part(path) is None, f"{owner}: config key {path!r}: no {unresolved_part(path)!r} in the model"


@pytest.mark.parametrize(
    ("path", "missing"),
    [
        ("cluster.endpoint.publicAcess", "publicAcess"),  # a typo
        ("nodePools.maxSize", "maxSize"),  # the pool entry left out
        ("cluster.*", "*"),  # `*` over a section, not a collection
        ("node_pools.*.maxSize", "node_pools"),  # the Python name, not the stack file's key
    ],
)
def test_the_join_rejects_keys_the_model_lacks(path: str, missing: str) -> None:
    assert unresolved_part(path) == missing


@pytest.mark.parametrize(
    "path", ["nodePools.*.maxSize", "models.*.drift.thresholds.features.*.psi", "addons.versions.*", "regions"]
)
def test_the_join_accepts_keys_entries_and_sections(path: str) -> None:
    assert unresolved_part(path) is None
