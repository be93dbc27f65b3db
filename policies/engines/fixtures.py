"""The documents the Rego tests use, evaluated directly (no `with`) so every engine can check them.

Fixture modules (`*_fixtures_test.rego`) define `fixtures.<case> := <input document>`, where
`<case>` is the name of the Rego test using it without its `test_` prefix, so it names the rule
and whether the rule must stay silent (`<rule>_allow...`) or fire (`<rule>_deny...`). A case
that needs base documents (the Kubernetes namespace inventory) also defines
`fixture_data.<case> := {...}`, loaded as `data`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from policies.engines.base import CompiledPack, Decision, Engine
from policies.engines.errors import EngineError
from policies.engines.packs import Pack

CaseKind = Literal["allow", "deny"]


@dataclass(frozen=True)
class Fixture:
    name: str
    rule: str
    kind: CaseKind
    input_document: Mapping[str, Any]
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FixtureResult:
    fixture: Fixture
    passed: bool
    messages: tuple[str, ...]
    """What the fixture's rule returned (empty for an allow case that passes)."""
    error: str | None = None


def load_fixtures(pack: Pack, engine: Engine) -> list[Fixture]:
    """Evaluate the pack's fixture documents on `engine` and attach each to its rule."""
    documents = engine.query(pack, f"{pack.data_path}.fixtures", include="fixtures") or {}
    data = engine.query(pack, f"{pack.data_path}.fixture_data", include="fixtures") or {}
    if not isinstance(documents, dict) or not isinstance(data, dict):
        raise EngineError("fixtures and fixture_data must be objects keyed by case name", pack=pack.name)
    fixtures: list[Fixture] = []
    for name in sorted(documents):
        rule, kind = case_target(pack, name)
        fixtures.append(Fixture(name, rule, kind, documents[name], data.get(name) or {}))
    return fixtures


def case_target(pack: Pack, case: str) -> tuple[str, CaseKind]:
    """`deny_x_allow_good` → (`deny_x`, `allow`); the longest rule name wins over its prefixes."""
    for rule in sorted((r.rule for r in pack.rules), key=len, reverse=True):
        for kind in ("allow", "deny"):
            prefix = f"{rule}_{kind}"
            if case == prefix or case.startswith(prefix + "_"):
                return rule, kind
    raise EngineError(f"fixture {case!r} names no rule as <rule>_allow... or <rule>_deny...", pack=pack.name)


def check_fixtures(pack: Pack, engine: Engine, fixtures: list[Fixture] | None = None) -> list[FixtureResult]:
    """Evaluate every fixture on `engine`: a deny case must make its rule fire, an allow case must not."""
    cases = fixtures if fixtures is not None else load_fixtures(pack, engine)
    compiled: dict[str, CompiledPack] = {}
    results: list[FixtureResult] = []
    for fixture in cases:
        key = json.dumps(fixture.data, sort_keys=True)
        try:
            if key not in compiled:
                compiled[key] = engine.compile(pack, fixture.data or None)
            decision: Decision = compiled[key].evaluate(fixture.input_document)
        except EngineError as error:
            results.append(FixtureResult(fixture, False, (), str(error)))
            continue
        messages = tuple(decision[fixture.rule])
        fired = bool(messages)
        results.append(FixtureResult(fixture, fired == (fixture.kind == "deny"), messages))
    return results
