"""What every engine adapter provides, and the result shape they must all agree on."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from policies.engines.errors import EngineError
from policies.engines.packs import ModuleSet, Pack

Decision = dict[str, list[str]]
"""Rule name → sorted messages, with an entry (possibly empty) for every decision rule of the pack."""


class CompiledPack(Protocol):
    """A pack loaded into an engine once, evaluated against many inputs."""

    pack: Pack

    def evaluate(self, input_document: Mapping[str, Any]) -> Decision: ...

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[Decision]: ...


class Engine(Protocol):
    """An adapter around one Rego implementation."""

    name: str
    runs_rego_tests: bool
    """False where the engine cannot evaluate `with input as` (regopy 1.5.2)."""

    def version(self) -> str: ...

    def compile(self, pack: Pack, data: Mapping[str, Any] | None = None) -> CompiledPack: ...

    def query(
        self, pack: Pack, reference: str, *, include: ModuleSet = "policy", extra: GeneratedModule | None = None
    ) -> Any:
        """Evaluate a `data.` reference over the chosen module set (plus `extra`); undefined → None."""
        ...


# Generated modules live under this package prefix, never inside a pack's own package.
GENERATED_PACKAGE_PREFIX = "ai_platform_engine"
# The environment variable that selects the remote OPA engine (its URL).
OPA_URL_VARIABLE = "OPA_URL"


@dataclass(frozen=True)
class GeneratedModule:
    """A Rego module the adapters add next to the pack, and the reference that reads its value.

    Collecting many rules in one object is done in a module rather than in the query text because
    regorus 0.9 fails to parse queries longer than about 1,000 characters ("expecting").
    """

    file_name: str
    source: str
    reference: str


def collecting_module(pack: Pack, purpose: str, fields: Mapping[str, str]) -> GeneratedModule:
    """A module defining `value := {key: expression, ...}` in its own package."""
    package = f"{GENERATED_PACKAGE_PREFIX}.{purpose}.{pack.package}"
    body = ",\n".join(f"\t{json.dumps(key)}: {expression}" for key, expression in fields.items())
    source = f"package {package}\n\nimport rego.v1\n\nvalue := {{\n{body},\n}}\n"
    return GeneratedModule(f"__{purpose}__.rego", source, f"data.{package}.value")


def decision_module(pack: Pack) -> GeneratedModule:
    """Collects every decision rule, so helpers and tests are never evaluated for a decision."""
    return collecting_module(pack, "decision", {rule.rule: f"{pack.data_path}.{rule.rule}" for rule in pack.rules})


def base_documents(pack: Pack, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The pack's own data files merged with the caller's base documents (the gate's `inventory`, fixtures).

    Every adapter loads exactly this, so a value the rules read from the pack's data is the same on
    every engine. A caller may not replace a pack document: the rules would silently read other values.
    """
    given = dict(data or {})
    overlap = sorted(set(given) & set(pack.data))
    if overlap:
        raise EngineError(f"data {overlap} is defined by the pack itself and cannot be given", pack=pack.name)
    return {**pack.data, **given}


def normalise_decision(pack: Pack, raw: Any, engine: str) -> Decision:
    """Turn an engine's raw value for `decision` into the shared shape, refusing anything odd.

    Anything unexpected raises: an engine that returns nothing, or a non-string message, must not be
    read as "no findings".
    """
    if not isinstance(raw, Mapping):
        raise EngineError(f"{engine} returned no decision (got {_short(raw)})", pack=pack.name)
    decision: Decision = {}
    for rule in pack.rules:
        if rule.rule not in raw:
            raise EngineError(f"{engine} returned no value for the rule", pack=pack.name, where=rule.rule)
        messages = raw[rule.rule]
        if not isinstance(messages, list | set | tuple) or not all(isinstance(m, str) for m in messages):
            raise EngineError(
                f"{engine} returned {_short(messages)}; a rule must be a set of strings",
                pack=pack.name,
                where=rule.rule,
            )
        decision[rule.rule] = sorted(set(messages))
    return decision


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) < 200 else text[:197] + "..."
