"""Every rule has allow and deny fixtures, and both embedded engines agree on every one of them.

Fixtures are the `fixtures.<case>` documents of `*_fixtures_test.rego`; the Rego tests of
`*_test.rego` use them with `with input as`. regopy cannot evaluate `with input as`, so the Rego
tests run on regorus, and the fixtures themselves run on both engines without `with`.
"""

from __future__ import annotations

import json

import pytest

from policies.engines import (
    Pack,
    cases_of,
    check_fixtures,
    compare_engines,
    get_engine,
    load_fixtures,
    rego_test_names,
    run_rego_tests,
)

PACK_NAMES = ["aws", "kubernetes", "ai_governance", "helm", "gpu", "storage"]


def test_every_pack_on_disk_is_cross_checked(packs: dict[str, Pack]) -> None:
    # The engine cross-checks below are parametrized by PACK_NAMES: a new pack must be added there.
    assert sorted(packs) == sorted(PACK_NAMES)


@pytest.mark.parametrize("pack_name", PACK_NAMES)
def test_every_rule_has_an_allow_test_and_a_deny_test(packs: dict[str, Pack], pack_name: str) -> None:
    pack = packs[pack_name]
    names = rego_test_names(pack)
    missing = [
        (rule.rule, kind) for rule in pack.rules for kind in ("allow", "deny") if not cases_of(rule.rule, names, kind)
    ]
    assert missing == []


@pytest.mark.parametrize("pack_name", PACK_NAMES)
def test_every_test_is_named_after_a_rule_and_a_case_kind(packs: dict[str, Pack], pack_name: str) -> None:
    pack = packs[pack_name]
    named = {
        t for rule in pack.rules for kind in ("allow", "deny") for t in cases_of(rule.rule, rego_test_names(pack), kind)
    }
    assert sorted(set(rego_test_names(pack)) - named) == []


@pytest.mark.parametrize("pack_name", PACK_NAMES)
def test_every_fixture_has_its_rego_test(packs: dict[str, Pack], pack_name: str) -> None:
    pack = packs[pack_name]
    fixtures = load_fixtures(pack, get_engine("regorus"))
    assert fixtures
    assert sorted({f"test_{f.name}" for f in fixtures} - set(rego_test_names(pack))) == []


@pytest.mark.parametrize("pack_name", PACK_NAMES)
def test_rego_tests_pass_on_regorus(packs: dict[str, Pack], pack_name: str) -> None:
    failed = [(r.name, r.error) for r in run_rego_tests(packs[pack_name], get_engine("regorus")) if not r.passed]
    assert failed == []


@pytest.mark.parametrize("pack_name", PACK_NAMES)
def test_fixture_documents_are_identical_on_both_engines(packs: dict[str, Pack], pack_name: str) -> None:
    # Guards the fixtures themselves: regopy's object.union is shallow where OPA's is deep.
    pack = packs[pack_name]
    on_regopy = {f.name: (f.input_document, f.data) for f in load_fixtures(pack, get_engine("regopy"))}
    on_regorus = {f.name: (f.input_document, f.data) for f in load_fixtures(pack, get_engine("regorus"))}
    differing = [
        name
        for name in on_regorus
        if json.dumps(on_regopy.get(name), sort_keys=True) != json.dumps(on_regorus[name], sort_keys=True)
    ]
    assert differing == []


@pytest.mark.parametrize("engine_name", ["regopy", "regorus"])
@pytest.mark.parametrize("pack_name", PACK_NAMES)
def test_deny_fixtures_fire_and_allow_fixtures_stay_silent(
    packs: dict[str, Pack], pack_name: str, engine_name: str
) -> None:
    pack = packs[pack_name]
    engine = get_engine(engine_name)
    wrong = [
        (r.fixture.name, r.messages, r.error)
        for r in check_fixtures(pack, engine, load_fixtures(pack, get_engine("regorus")))
        if not r.passed
    ]
    assert wrong == []


@pytest.mark.parametrize("pack_name", PACK_NAMES)
def test_both_engines_return_identical_decisions_on_every_fixture(packs: dict[str, Pack], pack_name: str) -> None:
    pack = packs[pack_name]
    fixtures = load_fixtures(pack, get_engine("regorus"))
    by_data: dict[str, list[dict[str, object]]] = {}
    data_of: dict[str, dict[str, object]] = {}
    for fixture in fixtures:
        key = json.dumps(fixture.data, sort_keys=True)
        by_data.setdefault(key, []).append(dict(fixture.input_document))
        data_of[key] = dict(fixture.data)
    disagreements = [
        d for key, inputs in by_data.items() for d in compare_engines(pack, inputs, data=data_of[key] or None)
    ]
    assert not disagreements, "\n\n".join(d.describe() for d in disagreements)
