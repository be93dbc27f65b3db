"""Bad input ends with exit 2 and one line on stderr naming the file and what is wrong, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate_support import GateRunner, plan_document, step, write_plan

from policies.gate.cli import main


def _assert_bad_input(run_exit: int, stderr: str, *fragments: str) -> None:
    assert run_exit == 2
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_malformed_json_names_file_line_and_column(gate: GateRunner, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"steps": [\n  {"op": "create",,}\n]}', encoding="utf-8")
    run = gate(plan=plan)
    _assert_bad_input(run.exit_code, run.stderr, f"{plan}:2:", "malformed JSON")


def test_json_that_is_not_a_preview_document_is_rejected(gate: GateRunner, tmp_path: Path) -> None:
    plan = write_plan(tmp_path, {"resources": []})
    run = gate(plan=plan)
    _assert_bad_input(run.exit_code, run.stderr, str(plan), "not a pulumi preview document", "steps")


def test_a_top_level_array_is_not_a_preview_document(gate: GateRunner, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text("[1, 2]", encoding="utf-8")
    run = gate(plan=plan)
    _assert_bad_input(run.exit_code, run.stderr, str(plan), "top level is an array")


def test_a_step_without_new_state_is_named_by_its_json_pointer(gate: GateRunner, tmp_path: Path) -> None:
    document = plan_document(step("aws:s3/bucket:Bucket", "ok"))
    document["steps"].append({"op": "create", "urn": "urn:pulumi:test::ai-platform::aws:s3/bucket:Bucket::b"})
    run = gate(plan=write_plan(tmp_path, document))
    _assert_bad_input(run.exit_code, run.stderr, "at /steps/1/newState", "no `newState`")


def test_unknown_resource_type_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    document = plan_document(step("gcp:storage/bucket:Bucket", "elsewhere"))
    run = gate(plan=write_plan(tmp_path, document))
    _assert_bad_input(
        run.exit_code, run.stderr, "at /steps/0/newState/type", "unknown resource type 'gcp:storage/bucket:Bucket'"
    )


def test_malformed_type_token_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    document = plan_document(step("aws:s3/bucket:Bucket", "b"))
    document["steps"][0]["newState"]["type"] = "Bucket"
    run = gate(plan=write_plan(tmp_path, document))
    _assert_bad_input(run.exit_code, run.stderr, "/steps/0/newState/type", "malformed resource type")


def test_missing_plan_file_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=tmp_path / "nowhere.json")
    _assert_bad_input(run.exit_code, run.stderr, "nowhere.json", "does not exist")


def test_directory_without_yaml_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    empty = tmp_path / "manifests"
    empty.mkdir()
    (empty / "README.md").write_text("no manifests here", encoding="utf-8")
    run = gate(manifests=empty)
    _assert_bad_input(run.exit_code, run.stderr, str(empty), "no YAML files")


def test_invalid_yaml_names_file_and_line(gate: GateRunner, tmp_path: Path) -> None:
    directory = tmp_path / "manifests"
    directory.mkdir()
    broken = directory / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n", encoding="utf-8")
    run = gate(manifests=directory)
    _assert_bad_input(run.exit_code, run.stderr, "broken.yaml:", "invalid YAML")


def test_yaml_document_that_is_not_a_kubernetes_object_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    directory = tmp_path / "manifests"
    directory.mkdir()
    (directory / "values.yaml").write_text("ok: true\n---\nreplicas: 3\n", encoding="utf-8")
    run = gate(manifests=directory)
    _assert_bad_input(run.exit_code, run.stderr, "values.yaml:1:1", "not a Kubernetes object")


def test_missing_manifests_directory_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(manifests=tmp_path / "absent")
    _assert_bad_input(run.exit_code, run.stderr, "absent", "does not exist")


def test_bad_fail_on_in_stack_config_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    document = plan_document(
        step("aws:s3/bucket:Bucket", "b"), config={"ai-platform:gate": json.dumps({"failOn": "severe"})}
    )
    run = gate(plan=write_plan(tmp_path, document))
    _assert_bad_input(run.exit_code, run.stderr, "/config/ai-platform:gate/failOn", "severe")


@pytest.mark.parametrize("argv", [[], ["--plan", "x.json"], ["--plan", "a.json", "--manifests", "d", "--out", "o"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2


def test_a_missing_waiver_file_given_explicitly_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(
        plan=write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b"))), waivers=tmp_path / "gone.yaml"
    )
    _assert_bad_input(run.exit_code, run.stderr, "gone.yaml", "waiver file does not exist")
