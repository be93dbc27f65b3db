"""An engine that fails is an error finding and a non-zero exit, never a pass."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from gate_support import BROKEN_PACKS, TINY_PACKS, GateRunner, plan_document, step, write_plan

import policies.gate.sources.rego as rego_source
from policies.engines import EngineError, Pack, get_engine


def _plan(tmp_path: Path) -> Path:
    plan: Path = write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b", {"acl": "private"})))
    return plan


@pytest.mark.parametrize("engine", ["regopy", "regorus"])
def test_a_pack_that_does_not_compile_is_an_error_finding(engine: str, gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), packs=BROKEN_PACKS, engine=engine)
    errors = [f for f in run.findings if f["status"] == "error"]
    assert run.exit_code == 1
    assert run.report["verdict"] == "error"
    assert errors and errors[0]["policyId"] == "gate.engine_error"
    assert "syntax" in errors[0]["message"]
    # the controls the pack serves are not shown as passing
    assert {c["control"]: c["verdict"] for c in run.report["controls"]}["NIST-800-53:SI-7"] == "error"


class _CrashingCompiled:
    def __init__(self, pack: Pack, real: Any) -> None:
        self.pack = pack
        self._real = real

    def evaluate(self, input_document: Mapping[str, Any]) -> dict[str, list[str]]:
        if input_document.get("__name") == "poison":
            raise EngineError("evaluation blew up", pack=self.pack.name)
        result: dict[str, list[str]] = self._real.evaluate(input_document)
        return result

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[dict[str, list[str]]]:
        return [self.evaluate(document) for document in inputs]


class _CrashingEngine:
    name = "crashing"

    def __init__(self) -> None:
        self._real = get_engine("regorus")

    def version(self) -> str:
        return "0"

    def compile(self, pack: Pack, data: Mapping[str, Any] | None = None) -> _CrashingCompiled:
        return _CrashingCompiled(pack, self._real.compile(pack, data))


def test_a_crash_on_one_resource_is_an_error_for_that_resource_and_the_rest_is_still_evaluated(
    gate: GateRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rego_source, "get_engine", lambda name: _CrashingEngine())
    document = plan_document(
        step("aws:s3/bucket:Bucket", "poison", {"acl": "private"}),
        step("aws:s3/bucket:Bucket", "public", {"acl": "public-read"}),
    )
    run = gate(plan=write_plan(tmp_path, document), packs=TINY_PACKS)
    errors = [f for f in run.findings if f["status"] == "error"]
    assert run.exit_code == 1
    assert [e["resource"]["name"] for e in errors] == ["poison"]
    assert "tiny.deny_bucket_public" in run.policy_ids("fail")


def test_an_unexpected_exception_inside_an_engine_is_an_error_too(
    gate: GateRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class _Exploding(_CrashingEngine):
        def compile(self, pack: Pack, data: Mapping[str, Any] | None = None) -> _CrashingCompiled:
            raise RuntimeError("segfault-ish")

    monkeypatch.setattr(rego_source, "get_engine", lambda name: _Exploding())
    run = gate(plan=_plan(tmp_path), packs=TINY_PACKS)
    assert run.exit_code == 1
    assert any("segfault-ish" in f["message"] for f in run.findings if f["status"] == "error")


def test_a_missing_pack_directory_is_an_error_finding(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), packs=tmp_path / "no-packs")
    assert run.exit_code == 1
    assert run.policy_ids("error") == {"gate.engine_error"}


def test_one_broken_pack_does_not_stop_the_others(gate: GateRunner, tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(TINY_PACKS / "tiny", packs / "tiny")
    shutil.copytree(BROKEN_PACKS / "syntax", packs / "syntax")
    document = plan_document(step("aws:s3/bucket:Bucket", "public", {"acl": "public-read"}))
    run = gate(plan=write_plan(tmp_path, document), packs=packs)
    assert run.exit_code == 1
    assert "tiny.deny_bucket_public" in run.policy_ids("fail")
    assert run.policy_ids("error") == {"gate.engine_error"}


_BUILTIN_ERROR_RULE = """
# METADATA
# title: Ports above 1024 are flagged
# description: A probe rule whose body calls a built-in that fails on text.
# custom:
#   severity: low
#   controls: [NIST-800-53:SC-7]
#   message: Use a privileged port.
deny_high_port contains msg if {
	input.__type == "aws:s3/bucket:Bucket"
	to_number(input.port) > 1024
	msg := "high port"
}
"""


@pytest.mark.parametrize("engine", ["regopy", "regorus"])
def test_a_builtin_error_in_a_rule_is_an_engine_error_finding_on_both_engines(
    engine: str, gate: GateRunner, tmp_path: Path
) -> None:
    # regopy (like OPA non-strict) used to make `to_number("x")` undefined: the rule silently stopped firing.
    packs = tmp_path / "packs"
    shutil.copytree(TINY_PACKS / "tiny", packs / "tiny")
    with (packs / "tiny" / "tiny.rego").open("a", encoding="utf-8") as module:
        module.write(_BUILTIN_ERROR_RULE)
    plan = write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b", {"acl": "private", "port": "x"})))
    run = gate(plan=plan, packs=packs, engine=engine)
    errors = [f for f in run.findings if f["policyId"] == "gate.engine_error"]
    assert run.exit_code == 1
    assert errors and errors[0]["status"] == "error" and errors[0]["blocking"]
    assert errors[0]["resource"]["name"] == "b"


@pytest.mark.parametrize("stray", ["tiny/extra/more.rego", "loose/rules.rego"])
def test_a_rego_file_no_pack_loads_is_an_engine_error(gate: GateRunner, tmp_path: Path, stray: str) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(TINY_PACKS / "tiny", packs / "tiny")
    (packs / stray).parent.mkdir(parents=True)
    shutil.copy(TINY_PACKS / "tiny" / "tiny.rego", packs / stray)
    run = gate(plan=_plan(tmp_path), packs=packs)
    assert run.exit_code == 1
    assert any(f["policyId"] == "gate.engine_error" and stray in f["message"] for f in run.findings)
