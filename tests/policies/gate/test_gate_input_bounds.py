"""Resource bounds (issue 7, item 5): hostile YAML/JSON ends in exit 2 naming the file, quickly, in bounded memory."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from bounds_cases import GATE_CALL, alias_bomb, big_stack_file, deep_json_plan, deep_yaml, run_measured, write
from gate_support import REPO_ROOT, TINY_PACKS, GateRunner, plan_document, step, write_plan

import infra.bounds.loader as bounds
from infra.bounds import Limits, limits
from infra.config import ConfigError, load_stack_file

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n"


def _bad_input(stderr: str, *fragments: str) -> None:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Limits:
    """The real limits with every file size limit at 4 kB, so size tests need no large files."""
    real = limits()
    small = Limits(dict.fromkeys(real.max_bytes, 4096), real.max_depth, real.max_aliases, real.max_expanded_nodes)
    monkeypatch.setattr(bounds, "limits", lambda: small)
    return small


def test_a_one_kilobyte_yaml_alias_bomb_exits_2_in_seconds(gate: GateRunner, tmp_path: Path) -> None:
    bomb = write(tmp_path / "m" / "bomb.yaml", alias_bomb())
    assert bomb.stat().st_size < 1024
    start = time.perf_counter()
    run = gate(manifests=bomb.parent)
    assert time.perf_counter() - start < 5  # in-process: the gate's work, not interpreter start-up
    assert run.exit_code == 2
    _bad_input(run.stderr, "bomb.yaml", "YAML aliases")


def test_a_one_kilobyte_yaml_alias_bomb_is_refused_in_little_memory(tmp_path: Path) -> None:
    bomb = write(tmp_path / "m" / "bomb.yaml", alias_bomb())
    args = ["--manifests", str(bomb.parent), "--out", str(tmp_path / "out"), "--packs", str(TINY_PACKS)]
    run = run_measured(GATE_CALL, args, REPO_ROOT)
    assert run.exit_code == 2
    _bad_input(run.stderr, "bomb.yaml", "YAML aliases")
    assert run.peak_mib < 512  # the gate's imports alone take about 70 MiB; the bomb expanded takes gigabytes


def test_too_many_alias_references_are_refused(gate: GateRunner, tmp_path: Path) -> None:
    refs = ", ".join(["*a"] * (limits().max_aliases + 1))
    text = f"{CONFIG_MAP}data:\n  a: &a x\n  many: [{refs}]\n"
    run = gate(manifests=write(tmp_path / "m" / "refs.yaml", text).parent)
    assert run.exit_code == 2
    _bad_input(run.stderr, "refs.yaml", f"more than {limits().max_aliases} YAML alias references")


def test_a_recursive_alias_is_refused(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(manifests=write(tmp_path / "m" / "loop.yaml", f"{CONFIG_MAP}data: &a {{x: *a}}\n").parent)
    assert run.exit_code == 2
    _bad_input(run.stderr, "loop.yaml", "recursive")


def test_a_thousand_deep_yaml_manifest_exits_2_naming_the_file(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(manifests=write(tmp_path / "m" / "deep.yaml", deep_yaml()).parent)
    assert run.exit_code == 2
    _bad_input(run.stderr, "deep.yaml:5", f"deeper than the limit of {limits().max_depth}")


def test_a_thousand_deep_json_manifest_exits_2_naming_the_file(gate: GateRunner, tmp_path: Path) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "deep"}}
    text = json.dumps(body)[:-1] + ', "data": ' + "[" * 1000 + "]" * 1000 + "}"
    run = gate(manifests=write(tmp_path / "m" / "deep.json", text).parent)
    assert run.exit_code == 2
    _bad_input(run.stderr, "deep.json", "deeper than the limit")


@pytest.mark.parametrize("depth", [200, 1000, 100_000])  # 200: parses in Python, over the limit
def test_a_deeply_nested_plan_exits_2_naming_the_file(gate: GateRunner, tmp_path: Path, depth: int) -> None:
    plan = write(tmp_path / "plan.json", deep_json_plan(depth))
    run = gate(plan=plan)
    assert run.exit_code == 2
    _bad_input(run.stderr, str(plan), "deeper than the limit")


def test_nesting_at_the_limit_is_accepted(tmp_path: Path) -> None:
    depth = limits().max_depth
    assert bounds.load_json("[" * depth + "]" * depth, "ok") is not None
    with pytest.raises(bounds.BoundsError):
        bounds.load_json("[" * (depth + 1) + "]" * (depth + 1), "deep")


def test_a_nested_json_config_value_is_bounded_too(gate: GateRunner, tmp_path: Path) -> None:
    document = plan_document(step("aws:s3/bucket:Bucket", "b"), config={"ai-platform:gate": "[" * 500 + "]" * 500})
    run = gate(plan=write_plan(tmp_path, document))
    assert run.exit_code == 2
    _bad_input(run.stderr, "/config/ai-platform:gate", "deeper than the limit")


def test_integers_python_will_not_convert_are_bad_input_not_a_traceback(gate: GateRunner, tmp_path: Path) -> None:
    digits = "9" * 5000
    plan = write(
        tmp_path / "plan.json", json.dumps(plan_document(step("aws:s3/bucket:Bucket", "b")))[:-1] + f', "n": {digits}}}'
    )
    run = gate(plan=plan)
    assert run.exit_code == 2
    _bad_input(run.stderr, str(plan), "value out of bounds")
    run = gate(manifests=write(tmp_path / "m" / "int.yaml", f"{CONFIG_MAP}data: {{n: {digits}}}\n").parent)
    assert run.exit_code == 2
    _bad_input(run.stderr, "int.yaml", "value out of bounds")


@pytest.mark.parametrize("kind", ["manifest", "plan", "waivers", "stack"])
def test_each_file_over_its_size_limit_exits_2_naming_the_file_and_the_limit(
    gate: GateRunner, tmp_path: Path, small_limits: Limits, kind: str
) -> None:
    padding = "#" * 5000 + "\n"
    ok_plan = write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b")))
    if kind == "manifest":
        target = write(tmp_path / "m" / "big.yaml", padding + CONFIG_MAP)
        run = gate(manifests=target.parent)
    elif kind == "plan":
        target = write(tmp_path / "big.json", " " * 5000 + ok_plan.read_text(encoding="utf-8"))
        run = gate(plan=target)
    elif kind == "waivers":
        target = write(tmp_path / "waivers.yaml", padding + "waivers: []\n")
        run = gate(plan=ok_plan, waivers=target)
    else:
        target = write(tmp_path / "Pulumi.test.yaml", padding + "config: {}\n")
        run = gate("--stack-file", str(target), plan=ok_plan)
    assert run.exit_code == 2
    _bad_input(run.stderr, target.name, f"{kind} file is", "over the limit of 4096 bytes")


def test_a_waiver_file_alias_bomb_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    waivers = write(tmp_path / "waivers.yaml", alias_bomb().replace("apiVersion: v1", "waivers: []"))
    run = gate(plan=write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b"))), waivers=waivers)
    assert run.exit_code == 2
    _bad_input(run.stderr, "waivers.yaml", "YAML aliases")


def test_a_ten_megabyte_stack_file_ends_in_seconds_in_the_gate_and_the_config_loader(
    gate: GateRunner, tmp_path: Path
) -> None:
    stack_file = write(tmp_path / "Pulumi.test.yaml", big_stack_file())
    start = time.perf_counter()
    run = gate(
        "--stack-file", str(stack_file), plan=write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b")))
    )
    assert run.exit_code == 2
    _bad_input(run.stderr, "Pulumi.test.yaml", "stack file is", "over the limit")
    with pytest.raises(ConfigError) as raised:
        load_stack_file(stack_file)
    assert "over the limit" in str(raised.value)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("case", ["bomb", "deep"])
def test_the_stack_config_loader_refuses_what_the_gate_refuses(tmp_path: Path, case: str) -> None:
    text = alias_bomb() if case == "bomb" else deep_yaml()
    stack_file = write(
        tmp_path / "Pulumi.test.yaml",
        "config:\n  ai-platform:x:\n" + "\n".join("    " + line for line in text.splitlines()) + "\n",
    )
    start = time.perf_counter()
    with pytest.raises(ConfigError) as raised:
        load_stack_file(stack_file)
    assert "YAML aliases" in str(raised.value) if case == "bomb" else "deeper than the limit" in str(raised.value)
    assert time.perf_counter() - start < 5
