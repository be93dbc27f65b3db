"""Every engine adapter returns the same decision shape and turns every failure into EngineError."""

from __future__ import annotations

import pytest
from conftest import PackFactory, rule

from policies.engines import EngineError, get_engine, run_rego_tests
from policies.engines.opa_engine import OpaEngine
from policies.engines.regorus_engine import RegorusEngine

EMBEDDED = ["regopy", "regorus"]
TWO_RULES = rule(
    "deny_privileged", '\tinput.privileged == true\n\tmsg := concat("", [input.name, " is privileged"])'
) + rule("warn_unlabelled", '\tnot input.labels\n\tmsg := "no labels"')


@pytest.mark.parametrize("engine_name", EMBEDDED)
def test_decision_has_every_rule_even_when_none_fires(make_pack: PackFactory, engine_name: str) -> None:
    compiled = get_engine(engine_name).compile(make_pack(TWO_RULES))
    assert compiled.evaluate({"name": "a", "labels": {}}) == {"deny_privileged": [], "warn_unlabelled": []}


@pytest.mark.parametrize("engine_name", EMBEDDED)
def test_messages_come_back_sorted(make_pack: PackFactory, engine_name: str) -> None:
    pack = make_pack(rule("deny_each", "\tsome name in input.names\n\tmsg := name"))
    assert get_engine(engine_name).compile(pack).evaluate({"names": ["b", "c", "a"]}) == {"deny_each": ["a", "b", "c"]}


@pytest.mark.parametrize("engine_name", EMBEDDED)
def test_evaluate_many_equals_one_evaluate_per_input(make_pack: PackFactory, engine_name: str) -> None:
    compiled = get_engine(engine_name).compile(make_pack(TWO_RULES))
    inputs = [{"name": f"r{i}", "privileged": i % 2 == 0} for i in range(6)]
    assert compiled.evaluate_many(inputs) == [compiled.evaluate(document) for document in inputs]


@pytest.mark.parametrize("engine_name", EMBEDDED)
def test_base_documents_are_visible_as_data(make_pack: PackFactory, engine_name: str) -> None:
    pack = make_pack(rule("deny_listed", "\tinput.name in data.blocked\n\tmsg := input.name"))
    compiled = get_engine(engine_name).compile(pack, {"blocked": ["x"]})
    assert compiled.evaluate({"name": "x"}) == {"deny_listed": ["x"]}


@pytest.mark.parametrize("engine_name", EMBEDDED)
def test_a_rule_yielding_a_non_string_is_an_error_not_a_pass(make_pack: PackFactory, engine_name: str) -> None:
    pack = make_pack(rule("deny_number", "\tmsg := 42"))
    with pytest.raises(EngineError, match="deny_number"):
        get_engine(engine_name).compile(pack).evaluate({})


# rule body, an input it evaluates cleanly on (and fires), an input that makes a built-in fail
BUILTIN_ERROR_RULES = {
    "to_number": ("\tto_number(input.s) > 0", {"s": "1"}, {"s": "x"}),
    "json.unmarshal": ("\tjson.unmarshal(input.s).k == 1", {"s": '{"k": 1}'}, {"s": "{not json"}),
    "division": ("\t1 / input.z > 0", {"z": 1}, {"z": 0}),
    "split": ('\tcount(split(input.n, ",")) > 0', {"n": "a"}, {"n": 5}),
    "not-over-error": ("\tnot to_number(input.s) > 0", {"s": "-1"}, {"s": "x"}),
}


@pytest.mark.parametrize("engine_name", EMBEDDED)
@pytest.mark.parametrize("case", sorted(BUILTIN_ERROR_RULES))
def test_a_failing_builtin_in_any_rule_is_an_engine_error_on_both_engines(
    make_pack: PackFactory, engine_name: str, case: str
) -> None:
    # OPA (non-strict) and regopy by default make the body undefined: the rule silently stops firing
    # (and a `not` over it fires). Both adapters must raise instead, so the gate reports an error.
    body, clean, failing = BUILTIN_ERROR_RULES[case]
    pack = make_pack(rule("deny_ok", '\tmsg := "always"') + rule("deny_broken", f'{body}\n\tmsg := "fired"'))
    compiled = get_engine(engine_name).compile(pack)
    assert compiled.evaluate(clean) == {"deny_broken": ["fired"], "deny_ok": ["always"]}
    with pytest.raises(EngineError):
        compiled.evaluate(failing)


def test_a_syntax_error_is_an_engine_error_on_both_engines(make_pack: PackFactory) -> None:
    pack = make_pack(rule("deny_ok", '\tmsg := "x"'))
    broken = type(pack)(
        **{**pack.__dict__, "modules": {"probe.rego": pack.modules["probe.rego"] + "\ndeny_ok contains if {\n"}}
    )
    for engine_name in EMBEDDED:
        with pytest.raises(EngineError):
            get_engine(engine_name).compile(broken).evaluate({})


def test_default_engine_is_regorus_without_opa_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPA_URL", raising=False)
    assert isinstance(get_engine(None), RegorusEngine)


def test_default_engine_is_the_remote_opa_when_opa_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPA_URL", "http://127.0.0.1:8181")
    engine = get_engine(None)
    assert isinstance(engine, OpaEngine) and engine.url == "http://127.0.0.1:8181"


def test_engines_are_chosen_by_name() -> None:
    assert isinstance(get_engine("regorus"), RegorusEngine)
    with pytest.raises(EngineError, match="unknown engine 'wasm'"):
        get_engine("wasm")


def test_the_opa_engine_needs_an_http_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPA_URL", raising=False)
    with pytest.raises(EngineError, match="OPA_URL"):
        get_engine("opa")
    with pytest.raises(EngineError, match="not an http"):
        OpaEngine("ftp://opa")


def test_regopy_refuses_to_run_rego_tests_rather_than_report_them_failed(make_pack: PackFactory) -> None:
    pack = make_pack(TWO_RULES, tests="test_deny_privileged_allow_plain if { true }\n")
    with pytest.raises(EngineError, match="cannot run Rego tests"):
        run_rego_tests(pack, get_engine("regopy"))
    assert [(r.name, r.passed) for r in run_rego_tests(pack, get_engine("regorus"))] == [
        ("test_deny_privileged_allow_plain", True)
    ]
