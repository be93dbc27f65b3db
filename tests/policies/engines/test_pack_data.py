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


def _shared(pack_path: Path, files: dict[str, str]) -> None:
    shared = pack_path.parent / "shared"
    shared.mkdir(exist_ok=True)
    _with_data(shared, files)


def test_shared_data_files_are_documents_of_every_pack(make_pack: PackFactory) -> None:
    pack = make_pack(READS_DATA)
    _shared(pack.path, {"probe.data.yaml": "probe_values:\n  blocked: [x]\n"})
    loaded = load_pack(pack.path)
    assert loaded.data == {"probe_values": {"blocked": ["x"]}}
    assert get_engine("regorus").compile(loaded, {"inventory": {}}).evaluate({"name": "x"}) == {"deny_listed": ["x"]}


def test_a_pack_may_not_redefine_a_shared_document(make_pack: PackFactory) -> None:
    pack = make_pack(READS_DATA)
    _shared(pack.path, {"probe.data.yaml": "probe_values: {blocked: [x]}\n"})
    _with_data(pack.path, {"own.data.yaml": "probe_values: {blocked: [y]}\n"})
    with pytest.raises(EngineError, match="defined twice"):
        load_pack(pack.path)


def test_a_shared_data_change_changes_the_pack_identity(make_pack: PackFactory) -> None:
    pack = make_pack(READS_DATA)
    _shared(pack.path, {"probe.data.yaml": "probe_values: {blocked: [x]}\n"})
    before = load_pack(pack.path).sha256
    _shared(pack.path, {"probe.data.yaml": "probe_values: {blocked: [y]}\n"})
    assert load_pack(pack.path).sha256 != before


def test_every_project_pack_loads_the_node_scheduling_contract() -> None:
    root = Path(__file__).resolve().parents[3] / "policies" / "packs"
    for manifest in sorted(root.glob("*/PulumiPolicy.yaml")):
        taints = load_pack(manifest.parent).data["node_scheduling"]["accelerators"]["nvidia"]["taints"]
        assert {"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"} in taints, manifest.parent.name
