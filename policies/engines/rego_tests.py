"""Run a pack's `*_test.rego` rules on an engine, and find which tests exercise which rule.

Naming convention (checked by tests/policies/packs): a test of decision rule `R` is named
`test_R_allow...` (the input must not trigger R) or `test_R_deny...` (the input must trigger R),
e.g. `test_deny_eks_secrets_encryption_deny_without_kms`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from policies.engines.base import Engine, collecting_module
from policies.engines.errors import EngineError
from policies.engines.packs import Pack

_TEST_RULE = re.compile(r"^(?P<name>test_[A-Za-z0-9_]+)\s+if\b", re.MULTILINE)

CaseKind = Literal["allow", "deny"]


@dataclass(frozen=True)
class TestResult:
    name: str
    passed: bool
    error: str | None = None

    __test__ = False  # not a pytest class, despite the name


def rego_test_names(pack: Pack) -> list[str]:
    """Every `test_*` rule defined in the pack's test modules, in first-definition order."""
    names: dict[str, None] = {}
    for source in pack.test_modules.values():
        for match in _TEST_RULE.finditer(source):
            names.setdefault(match["name"])
    return list(names)


def cases_of(rule: str, names: list[str], kind: CaseKind) -> list[str]:
    """The tests that follow the naming convention for `rule` and the given case kind."""
    prefix = f"test_{rule}_{kind}"
    return [name for name in names if name == prefix or name.startswith(prefix + "_")]


def run_rego_tests(pack: Pack, engine: Engine) -> list[TestResult]:
    """Evaluate every test rule; a test passes only when it evaluates to exactly `true`."""
    if not engine.runs_rego_tests:
        raise EngineError(
            f"{engine.name} cannot run Rego tests (`with input as` fails there); run them on regorus or OPA, "
            "and cross-check the fixtures on every engine with check_fixtures",
            pack=pack.name,
        )
    names = rego_test_names(pack)
    if not names:
        return []
    # One evaluation for all tests (fast); an undefined test becomes an empty list instead of
    # making the whole object undefined.
    module = collecting_module(pack, "tests", {name: f"[v | v := {pack.data_path}.{name}]" for name in names})
    try:
        values = engine.query(pack, module.reference, include="tests", extra=module)
    except EngineError:
        # Some engines abort the whole query on one failing built-in: rerun one by one to say which.
        return [_run_one(pack, engine, name) for name in names]
    if not isinstance(values, dict):
        raise EngineError(f"{engine.name} returned no test results", pack=pack.name)
    return [TestResult(name, values.get(name) == [True], _why(values.get(name))) for name in names]


def _run_one(pack: Pack, engine: Engine, name: str) -> TestResult:
    try:
        value = engine.query(pack, f"{pack.data_path}.{name}", include="tests")
    except EngineError as error:
        return TestResult(name, False, str(error))
    return TestResult(name, value is True, None if value is True else f"evaluated to {value!r}")


def _why(values: object) -> str | None:
    if values == [True]:
        return None
    return "undefined (a body expression failed)" if values == [] else f"evaluated to {values!r}"
