"""`make gate` and `make plan` exit with the tool's own code (mk/exit-code.mk), not make's 2 for any failed recipe.

Through the real make and the real gate: 0 compliant / plan written, 1 blocking findings, 2 bad input. The codes
are the gate's constants (policies/gate/verdict.py), so a renumbering there is checked here too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from policies.gate.verdict import EXIT_BAD_INPUT, EXIT_BLOCKING, EXIT_COMPLIANT

ROOT = Path(__file__).resolve().parents[1]
# The waiver expiry date the gate's tests pin; checkov is not what these tests are about.
GATE_ARGS = "GATE_ARGS=--no-checkov --today 2026-11-20"
PUBLIC_BUCKET_URN = "urn:pulumi:test::ai-platform::aws:s3/bucket:Bucket::public"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def make(*args: str) -> subprocess.CompletedProcess[str]:
    # A make that runs this test (`make test`) exports MAKEFLAGS/MAKELEVEL; the make under test must not see them.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKE_RESTARTS"}}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )


def write_bad_plan(path: Path) -> Path:
    """A plan with one public, unencrypted S3 bucket: blocking findings under the real packs."""
    step = {
        "op": "create",
        "urn": PUBLIC_BUCKET_URN,
        "newState": {
            "urn": PUBLIC_BUCKET_URN,
            "custom": True,
            "type": "aws:s3/bucket:Bucket",
            "inputs": {"acl": "public-read"},
            "dependencies": [],
        },
    }
    path.write_text(json.dumps({"config": {}, "steps": [step], "changeSummary": {"create": 1}}), encoding="utf-8")
    return path


def test_a_blocking_finding_is_exit_1(tmp_path: Path) -> None:
    run = make("gate", f"PLAN={write_bad_plan(tmp_path / 'plan.json')}", f"OUT={tmp_path / 'out'}", GATE_ARGS)
    assert run.returncode == EXIT_BLOCKING, run.stdout + run.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "fail"
    assert PUBLIC_BUCKET_URN in run.stdout  # the gate's own output reaches the caller


def test_a_missing_plan_is_exit_2(tmp_path: Path) -> None:
    run = make("gate", f"PLAN={tmp_path / 'absent.json'}", f"OUT={tmp_path / 'out'}", GATE_ARGS)
    assert run.returncode == EXIT_BAD_INPUT, run.stdout + run.stderr
    assert "absent.json" in run.stderr


@pytest.mark.parametrize("goal", ["gate", "plan"])
def test_an_unknown_stack_is_exit_2(goal: str, tmp_path: Path) -> None:
    run = make(goal, "STACK=no-such-stack", f"OUT={tmp_path / 'out'}", GATE_ARGS)
    assert run.returncode == EXIT_BAD_INPUT, run.stdout + run.stderr
    assert "no-such-stack" in run.stderr


@pytest.mark.slow
def test_a_written_plan_and_a_compliant_gate_are_exit_0(tmp_path: Path) -> None:
    plan = make("plan", "STACK=dev", f"OUT={tmp_path / 'plan'}")
    assert plan.returncode == EXIT_COMPLIANT, plan.stdout + plan.stderr
    gate = make(
        "gate",
        f"PLAN={tmp_path / 'plan' / 'plan.json'}",
        f"OUT={tmp_path / 'out'}",
        f"{GATE_ARGS} --stack-file stacks/Pulumi.dev.yaml",
    )
    assert gate.returncode == EXIT_COMPLIANT, gate.stdout + gate.stderr
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["verdict"] == "pass"


def test_two_tool_goals_stop_at_the_first_failure_with_its_code(tmp_path: Path) -> None:
    # gate (bad input, 2) then plan: plan does not run, make exits 2.
    run = make("gate", "plan", f"PLAN={tmp_path / 'absent.json'}", "STACK=dev", f"OUT={tmp_path / 'out'}", GATE_ARGS)
    assert run.returncode == EXIT_BAD_INPUT, run.stdout + run.stderr
    assert not (tmp_path / "out" / "plan.json").exists()


def test_dry_run_prints_the_commands_and_runs_nothing(tmp_path: Path) -> None:
    run = make("-n", "gate", "STACK=prod", f"OUT={tmp_path / 'out'}", GATE_ARGS)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "python -m policies.gate --stack prod" in run.stdout  # plan, placement and gate: one command
    assert not (tmp_path / "out").exists()


def test_a_failed_set_up_is_not_a_success(tmp_path: Path) -> None:
    # The tools run as the recipe of an included makefile; a failure before them must not end in the no-op goal.
    missing = tmp_path / "no-python3"
    run = make("gate", f"PLAN={write_bad_plan(tmp_path / 'plan.json')}", f"OUT={tmp_path / 'out'}", f"PYTHON={missing}")
    assert run.returncode == EXIT_BAD_INPUT, run.stdout + run.stderr
    assert str(missing) in run.stderr
    assert not (tmp_path / "out").exists()
