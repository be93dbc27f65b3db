"""A pack's `*.data.yaml` files are base documents every engine loads, next to the gate's own data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import PackFactory, rule
from opa_stub import running_opa_stub

from policies.engines import EngineError, get_engine, load_pack
from policies.engines.base import base_documents
from policies.engines.opa_engine import OpaEngine

READS_DATA = rule("deny_listed", "\tinput.name in data.probe_values.blocked\n\tmsg := input.name")


def _with_data(pack_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (pack_path / name).write_text(text)


@pytest.mark.parametrize("engine_name", ["regorus", "regopy"])
def test_the_embedded_engines_load_the_pack_data(make_pack: PackFactory, engine_name: str) -> None:
    pack = make_pack(READS_DATA)
    _with_data(pack.path, {"values.data.yaml": "probe_values:\n  blocked: [x]\n"})
    pack = load_pack(pack.path)
    assert pack.data == {"probe_values": {"blocked": ["x"]}}
    compiled = get_engine(engine_name).compile(pack, {"inventory": {}})
    assert compiled.evaluate({"name": "x"}) == {"deny_listed": ["x"]}
    assert compiled.evaluate({"name": "y"}) == {"deny_listed": []}


def test_the_remote_engine_uploads_the_pack_data(make_pack: PackFactory) -> None:
    pack = make_pack(READS_DATA)
    _with_data(pack.path, {"values.data.yaml": "probe_values:\n  blocked: [x]\n"})
    pack = load_pack(pack.path)
    with running_opa_stub() as (url, stub):
        assert OpaEngine(url).compile(pack).evaluate({"name": "x"}) == {"deny_listed": ["x"]}
    assert ("PUT", "/v1/data/probe_values") in stub.requests


@pytest.mark.parametrize(
    ("files", "complaint"),
    [
        ({"a.data.yaml": "- not a mapping\n"}, "non-empty mapping"),
        ({"a.data.yaml": "inventory: {}\n"}, "reserved"),
        ({"a.data.yaml": "probe: {}\n"}, "reserved"),
        ({"a.data.yaml": "k: 1\n", "b.data.yaml": "k: 2\n"}, "defined twice"),
        ({"a.data.yaml": "k: [\n"}, "cannot read"),
    ],
)
def test_a_bad_data_file_refuses_the_pack(make_pack: PackFactory, files: dict[str, str], complaint: str) -> None:
    pack = make_pack(READS_DATA)
    _with_data(pack.path, files)
    with pytest.raises(EngineError, match=complaint):
        load_pack(pack.path)


def test_the_caller_cannot_replace_a_pack_document(make_pack: PackFactory) -> None:
    pack = dataclasses.replace(make_pack(READS_DATA), data={"probe_values": {"blocked": []}})
    assert base_documents(pack, {"inventory": {"a": 1}}) == {"probe_values": {"blocked": []}, "inventory": {"a": 1}}
    with pytest.raises(EngineError, match="defined by the pack"):
        base_documents(pack, {"probe_values": {"blocked": ["x"]}})
