"""Plan sanity (issue 7): a plan with nothing to assess, or a resource hidden in a removing step, is exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gate_support import GateRunner, plan_document, step, urn, write_plan

PRIVILEGED = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "hidden"},
    "spec": {"containers": [{"name": "c", "image": "x", "securityContext": {"privileged": True}}]},
}


def _one_line(stderr: str, *fragments: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert all(fragment in lines[0] for fragment in fragments), lines[0]


def test_a_plan_with_no_steps_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    plan = write_plan(tmp_path, plan_document())
    run = gate(plan=plan)
    assert run.exit_code == 2
    _one_line(run.stderr, str(plan), "no steps")


@pytest.mark.parametrize(
    "steps",
    [
        [{"op": "delete", "urn": urn("aws:s3/bucket:Bucket", "old"), "oldState": {}}],
        [step("pulumi:pulumi:Stack", "ai-platform-test"), step("pulumi:providers:aws", "default")],
    ],
    ids=["only-removals", "only-stack-and-providers"],
)
def test_a_plan_with_no_assessable_resource_is_bad_input(
    gate: GateRunner, tmp_path: Path, steps: list[dict[str, Any]]
) -> None:
    run = gate(plan=write_plan(tmp_path, plan_document(*steps)))
    assert run.exit_code == 2
    _one_line(run.stderr, "no resource to assess")


@pytest.mark.parametrize("op", ["delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"])
def test_a_removing_step_that_carries_a_new_state_is_named_by_its_pointer(
    gate: GateRunner, tmp_path: Path, op: str
) -> None:
    hidden = step("kubernetes:core/v1:Pod", "hidden", PRIVILEGED, op=op)
    run = gate(plan=write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "ok"), hidden)))
    assert run.exit_code == 2
    _one_line(run.stderr, "at /steps/1/newState", f"'{op}' step carries a `newState`")


def test_a_removing_step_with_a_null_new_state_is_fine(gate: GateRunner, tmp_path: Path) -> None:
    gone = {"op": "delete", "urn": urn("aws:s3/bucket:Bucket", "old"), "oldState": {}, "newState": None}
    run = gate(plan=write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "ok"), gone)))
    assert run.exit_code == 0, run.stderr


def test_an_unknown_step_op_is_bad_input(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b", op="Delete"))))
    assert run.exit_code == 2
    _one_line(run.stderr, "at /steps/0/op", "unknown step op 'Delete'")
