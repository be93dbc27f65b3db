"""The embedded-engine behaviours the packs are written around, pinned so a fix or a regression shows.

Each test states what OPA does, what the engine does, and which pack convention avoids it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import regopy
import regorus


def regopy_value(source: str, query: str, input_document: Any = None) -> tuple[bool, Any]:
    interpreter = regopy.Interpreter()
    interpreter.add_module("probe.rego", "package probe\n\nimport rego.v1\n\n" + source)
    if input_document is not None:
        interpreter.set_input_term(json.dumps(input_document))
    output = interpreter.query(f"x := {query}")
    if not output.ok():
        return False, None
    return True, output.results[0].bindings["x"] if output.results else None


def regorus_value(source: str, query: str, input_document: Any = None) -> Any:
    engine = regorus.Engine()
    engine.add_policy("probe.rego", "package probe\n\nimport rego.v1\n\n" + source)
    if input_document is not None:
        engine.set_input_json(json.dumps(input_document))
    result = json.loads(engine.eval_query_as_json(f"x := {query}"))["result"]
    return result[0]["bindings"]["x"] if result else None


PLAIN_STYLE = """
as_object(v) := v if is_object(v)
as_object(v) := {} if not is_object(v)
r contains "some-in" if { some c in input.list; c == "b" }
r contains "object.get-path" if object.get(input, ["a", "b"], 0) == 1
r contains "object.get-default" if object.get(input, ["zz"], 7) == 7
r contains "startswith" if startswith(input.s, "ab")
r contains "guarded-unmarshal" if { json.is_valid(input.j); json.unmarshal(input.j).k == 1 }
r contains "not-valid-json" if not json.is_valid(input.s)
r contains "as_object" if count(as_object(input.s)) == 0
r contains "regex" if regex.match(`^(p|g)[0-9]+[a-z]*\\.`, "g6e.4xlarge")
r contains "concat" if concat(", ", ["a", "b"]) == "a, b"
r contains "format_int" if format_int(3, 10) == "3"
r contains "object.keys" if object.keys({"a": 1}) == {"a"}
r contains "trim_prefix" if trim_prefix("arn:aws:s3:::b", "arn:aws:s3:::") == "b"
r contains msg if { some k, v in input.a; msg := sprintf("%s=%d", [k, v]) }
"""


def test_the_plain_style_constructs_agree_on_both_engines() -> None:
    document = {"list": ["a", "b"], "a": {"b": 1}, "s": "abc", "j": '{"k": 1}'}
    ok, on_regopy = regopy_value(PLAIN_STYLE, "data.probe.r", document)
    assert ok
    assert sorted(on_regopy) == sorted(regorus_value(PLAIN_STYLE, "data.probe.r", document))
    assert len(on_regopy) == PLAIN_STYLE.count("r contains")  # every construct held


def test_regopy_object_union_is_shallow_where_opa_merges_nested_objects() -> None:
    # Fixtures therefore never union objects with overlapping keys (fx_set replaces a property).
    source = 'u := object.union({"a": {"x": 1, "y": 2}}, {"a": {"x": 3}})\n'
    assert regorus_value(source, "data.probe.u") == {"a": {"x": 3, "y": 2}}
    assert regopy_value(source, "data.probe.u") == (True, {"a": {"x": 3}})


def test_regopy_cannot_evaluate_with_input_over_a_rule_that_calls_a_function() -> None:
    # Rego tests therefore run on regorus; fixtures run on both engines without `with`.
    source = (
        'd contains "m" if count(input.items) == 1\n'
        'test_d if { doc := {"items": [1]}; count(d) == 1 with input as doc }\n'
    )
    assert regorus_value(source, "data.probe.test_d") is True
    assert regopy_value(source, "data.probe.test_d") == (False, None)


def test_regopy_ignores_function_arguments_inside_a_data_reference() -> None:
    # The namespace rules therefore spell their inventory paths literally.
    source = 'f(kind) := [o | some o in data.inventory[kind]]\nq := f("ResourceQuota")\n'
    interpreter = regopy.Interpreter()
    interpreter.add_module("probe.rego", "package probe\n\nimport rego.v1\n\n" + source)
    interpreter.add_data_json(json.dumps({"inventory": {"NetworkPolicy": {"p": 1}}}))
    assert interpreter.query("x := data.probe.q").results[0].bindings["x"] == [1]  # OPA: []
    engine = regorus.Engine()
    engine.add_policy("probe.rego", "package probe\n\nimport rego.v1\n\n" + source)
    engine.add_data_json(json.dumps({"inventory": {"NetworkPolicy": {"p": 1}}}))
    assert json.loads(engine.eval_query_as_json("x := data.probe.q"))["result"][0]["bindings"]["x"] == []


def test_regopy_sprintf_quotes_a_string_that_concat_produced() -> None:
    # Messages are therefore assembled with concat, and %v is never used on strings.
    source = 'm := sprintf("tags %s", [concat(", ", ["a"])])\n'
    assert regorus_value(source, "data.probe.m") == "tags a"
    with pytest.raises(ValueError):  # regopy's own output is not even valid JSON any more
        regopy_value(source, "data.probe.m")


def test_regopy_turns_an_unsafe_variable_into_an_empty_result() -> None:
    # A silent fail-open: compare_engines reports it because regorus refuses the module.
    source = "deny contains msg if { msg := undefined_var }\n"
    assert regopy_value(source, "data.probe.deny") == (True, [])
    with pytest.raises(RuntimeError, match="unsafe"):
        regorus_value(source, "data.probe.deny")


def test_regorus_rejects_queries_longer_than_about_a_thousand_characters() -> None:
    # The adapters therefore collect decisions in a generated module, not in the query text.
    engine = regorus.Engine()
    engine.add_policy("probe.rego", "package probe\n\nimport rego.v1\n\nv := 1\n")
    long_query = "x := [" + ", ".join(["data.probe.v"] * 100) + "]"
    with pytest.raises(RuntimeError):
        engine.eval_query(long_query)


def test_regorus_does_not_support_the_q_verb_of_sprintf() -> None:
    # Messages therefore quote names with \\"%s\\".
    with pytest.raises(RuntimeError, match="not supported"):
        regorus_value('m := sprintf("%q", ["a"])\n', "data.probe.m")


# A deny rule whose body hits a built-in error at run time, and an input that triggers it.
BUILTIN_ERRORS = {
    "to_number of text": ("to_number(input.s) > 0", {"s": "x"}),
    "json.unmarshal of bad text": ("json.unmarshal(input.s).k == 1", {"s": "{not json"}),
    "division by zero": ("1 / input.z > 0", {"z": 0}),
    "split of a number": ('count(split(input.n, ",")) > 0', {"n": 5}),
    "startswith of a number": ('startswith(input.n, "a")', {"n": 5}),
    "concat of a number": ('concat(",", input.n) != ""', {"n": 5}),
}


def _builtin_error_rule(body: str) -> str:
    return f'd contains "fires" if {{ {body} }}\nd contains "fires-under-not" if {{ not {body} }}\n'


@pytest.mark.parametrize("case", sorted(BUILTIN_ERRORS))
def test_regopy_by_default_turns_a_builtin_error_into_a_silent_skip(case: str) -> None:
    # OPA (non-strict) and regopy make the failing expression undefined: the rule stops firing and a
    # `not` over it fires. The regopy adapter therefore sets strict_built_in_errors (next test).
    body, document = BUILTIN_ERRORS[case]
    assert regopy_value(_builtin_error_rule(body), "data.probe.d", document) == (True, ["fires-under-not"])


@pytest.mark.parametrize("case", sorted(BUILTIN_ERRORS))
def test_regopy_strict_builtin_errors_fail_the_query(case: str) -> None:
    body, document = BUILTIN_ERRORS[case]
    interpreter = regopy.Interpreter()
    interpreter.strict_built_in_errors = True
    interpreter.add_module("probe.rego", "package probe\n\nimport rego.v1\n\n" + _builtin_error_rule(body))
    interpreter.set_input_term(json.dumps(document))
    assert not interpreter.query("x := data.probe.d").ok()


@pytest.mark.parametrize("case", sorted(BUILTIN_ERRORS))
def test_regorus_aborts_the_query_on_a_builtin_error(case: str) -> None:
    # regorus 0.9 has no lenient mode: every one of these raises (the adapter reports an engine error).
    body, document = BUILTIN_ERRORS[case]
    with pytest.raises(RuntimeError):
        regorus_value(_builtin_error_rule(body), "data.probe.d", document)


def test_regorus_sprintf_d_of_a_string_yields_an_empty_field_where_regopy_strict_fails() -> None:
    # Neither is a silent skip (the rule still fires on regorus), but the message loses the value:
    # hence the convention `%d` on numbers only.
    source = 'd contains m if { m := sprintf("port %d open", [input.p]) }\n'
    assert regorus_value(source, "data.probe.d", {"p": "22"}) == ["port  open"]
    interpreter = regopy.Interpreter()
    interpreter.strict_built_in_errors = True
    interpreter.add_module("probe.rego", "package probe\n\nimport rego.v1\n\n" + source)
    interpreter.set_input_term(json.dumps({"p": "22"}))
    assert not interpreter.query("x := data.probe.d").ok()
