"""The remote OPA adapter speaks the real Data API and returns what the embedded engines return."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PackFactory, rule
from opa_stub import running_opa_stub

from policies.engines import EngineError, get_engine, load_fixtures, load_packs
from policies.engines.fixtures import Fixture
from policies.engines.opa_engine import OpaEngine

PACKS_ROOT = Path(__file__).resolve().parents[3] / "policies" / "packs"


@pytest.mark.parametrize("pack_name", ["aws", "kubernetes", "ai_governance", "helm", "gpu", "storage"])
def test_opa_results_equal_the_embedded_results_on_every_fixture(
    monkeypatch: pytest.MonkeyPatch, pack_name: str
) -> None:
    pack = next(p for p in load_packs(PACKS_ROOT) if p.name == pack_name)
    fixtures = load_fixtures(pack, get_engine("regorus"))
    with running_opa_stub() as (url, _stub):
        monkeypatch.setenv("OPA_URL", url)
        # One compilation per distinct data document, as policies/engines/fixtures.py does: regopy keeps the
        # memory of every compiled interpreter, and compiling per fixture grew a test worker by gigabytes. The
        # stub server holds one pack's data at a time, so each group is compiled and evaluated before the next.
        groups: dict[str, list[Fixture]] = {}
        for fixture in fixtures:
            groups.setdefault(json.dumps(fixture.data, sort_keys=True), []).append(fixture)
        for group in groups.values():
            data = group[0].data or None
            remote_engine = get_engine(None).compile(pack, data)
            local_engine = get_engine("regopy").compile(pack, data)
            for fixture in group:
                remote = remote_engine.evaluate(fixture.input_document)
                local = local_engine.evaluate(fixture.input_document)
                assert remote == local, fixture.name


def test_compile_uploads_every_policy_module_and_data_under_its_own_prefix(make_pack: PackFactory) -> None:
    pack = make_pack(rule("deny_listed", "\tdata.blocked[input.name]\n\tmsg := input.name"))
    with running_opa_stub() as (url, stub):
        compiled = OpaEngine(url).compile(pack, {"blocked": {"x": True}})
        assert compiled.evaluate({"name": "x"}) == {"deny_listed": ["x"]}
    assert ("PUT", "/v1/policies/ai-platform/probe/probe.rego") in stub.requests
    assert ("PUT", "/v1/data/blocked") in stub.requests
    assert ("POST", "/v1/data/probe?strict-builtin-errors=True") in stub.requests


def test_a_builtin_error_on_the_server_is_an_engine_error_not_an_undefined_rule(make_pack: PackFactory) -> None:
    # OPA makes a failing built-in "undefined" unless the query asks for strict-builtin-errors.
    pack = make_pack(rule("deny_port", '\tto_number(input.port) > 1024\n\tmsg := "high port"'))
    with running_opa_stub() as (url, _stub), pytest.raises(EngineError, match="OPA query"):
        OpaEngine(url).compile(pack).evaluate({"port": "not-a-number"})


def test_a_module_the_server_rejects_is_an_engine_error(make_pack: PackFactory) -> None:
    pack = make_pack(rule("deny_ok", '\tmsg := "x"'))
    broken = type(pack)(
        **{**pack.__dict__, "modules": {"probe.rego": "package probe\nimport rego.v1\ndeny_ok contains if {"}}
    )
    with running_opa_stub() as (url, _stub), pytest.raises(EngineError, match="OPA rejected the module"):
        OpaEngine(url).compile(broken)


def test_an_unreachable_server_is_an_engine_error(make_pack: PackFactory) -> None:
    pack = make_pack(rule("deny_ok", '\tmsg := "x"'))
    with pytest.raises(EngineError):
        OpaEngine("http://127.0.0.1:9", timeout_s=0.5).compile(pack).evaluate({})
