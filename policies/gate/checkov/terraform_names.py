"""Names in the Pulumi → Terraform conversion: resource types from type tokens, attribute and block names.

Derived, never listed per type: the token's module and member give the candidates, checkov's known types pick one.
The only hand-kept data (data/terraform_plan.yaml) are module prefixes the two providers spell differently and
Terraform block names that are plural themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).parent / "data" / "terraform_plan.yaml"
AWS_PACKAGE = "aws"

_TOKEN = re.compile(r"^aws:(?P<module>[A-Za-z0-9]+)/(?P<member>[A-Za-z0-9]+):(?P<cls>[A-Za-z0-9]+)$")
_WORD_BOUNDARY_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY_2 = re.compile(r"([a-z0-9])([A-Z])")


class ConversionDataError(ValueError):
    """data/terraform_plan.yaml is malformed: names the key and what is wrong."""


@dataclass(frozen=True)
class ConversionData:
    module_aliases: dict[str, str]
    plural_blocks: frozenset[str]
    reference_suffixes: frozenset[str]
    step_actions: dict[str, tuple[str, ...]]


@cache
def conversion_data(path: Path = DATA_FILE) -> ConversionData:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ConversionDataError(f"{path}: expected a mapping")
    aliases = data.get("moduleAliases") or {}
    if not isinstance(aliases, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
        raise ConversionDataError(f"{path}: moduleAliases must map Pulumi module names to Terraform prefixes")
    plural = data.get("pluralBlocks") or []
    if not isinstance(plural, list) or not all(isinstance(name, str) for name in plural):
        raise ConversionDataError(f"{path}: pluralBlocks must be a list of Terraform block names")
    suffixes = data.get("referenceSuffixes") or []
    if not isinstance(suffixes, list) or not all(isinstance(suffix, str) for suffix in suffixes):
        raise ConversionDataError(f"{path}: referenceSuffixes must be a list of attribute name endings")
    actions = data.get("stepActions") or {}
    if not isinstance(actions, dict) or not all(
        isinstance(op, str) and isinstance(names, list) and all(isinstance(n, str) for n in names)
        for op, names in actions.items()
    ):
        raise ConversionDataError(f"{path}: stepActions must map Pulumi step ops to lists of Terraform actions")
    return ConversionData(
        module_aliases=dict(aliases),
        plural_blocks=frozenset(plural),
        reference_suffixes=frozenset(suffixes),
        step_actions={op: tuple(names) for op, names in actions.items()},
    )


def snake(name: str) -> str:
    """camelCase → snake_case (`kmsKeyId` → `kms_key_id`, `s3BucketName` → `s3_bucket_name`)."""
    return _WORD_BOUNDARY_2.sub(r"\1_\2", _WORD_BOUNDARY_1.sub(r"\1_\2", name)).lower()


def singular(name: str) -> str:
    """The Terraform block name of a Pulumi list of objects (`rules` → `rule`), unless plural in Terraform too."""
    if name in conversion_data().plural_blocks:
        return name
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


@dataclass(frozen=True)
class TypeToken:
    module: str  # `s3`
    member: str  # `bucketLifecycleConfiguration`
    cls: str  # `BucketLifecycleConfiguration`


def parse_token(token: str) -> TypeToken | None:
    """`aws:<module>/<member>:<Class>`; None for anything else (providers, components, other packages)."""
    match = _TOKEN.match(token)
    return TypeToken(match["module"], match["member"], match["cls"]) if match else None


def _squash(name: str) -> str:
    return name.replace("_", "")


class TypeResolver:
    """Pulumi type token → the Terraform type checkov knows, or None."""

    def __init__(self, known_types: Iterable[str]) -> None:
        self._known = sorted(known_types)
        self._squashed = [(_squash(name), name) for name in self._known]
        self._by_squashed: dict[str, list[str]] = {}
        for squashed, name in self._squashed:
            self._by_squashed.setdefault(squashed, []).append(name)
        self._resolved: dict[TypeToken, str | None] = {}  # a plan repeats its types many times

    def candidates(self, token: TypeToken) -> list[str]:
        module = conversion_data().module_aliases.get(token.module, token.module)
        member = snake(token.member)
        return [f"aws_{module}_{member}", f"aws_{member}", f"aws_{module}"]

    def resolve(self, token: TypeToken) -> str | None:
        if token not in self._resolved:
            self._resolved[token] = self._resolve(token)
        return self._resolved[token]

    def _resolve(self, token: TypeToken) -> str | None:
        candidates = self.candidates(token)
        for candidate in candidates:  # underscore-insensitive: Pulumi `openIdConnect` is Terraform `openid_connect`
            exact = self._by_squashed.get(_squash(candidate), [])
            if len(exact) == 1:
                return exact[0]
        for candidate in candidates[:2]:  # a unique known type extending a candidate: `...ReplicationConfig`
            squashed = _squash(candidate)
            extended = [name for known, name in self._squashed if known.startswith(squashed)]
            if len(extended) == 1:
                return extended[0]
        return None
