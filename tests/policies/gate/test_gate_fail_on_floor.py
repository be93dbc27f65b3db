"""prod's blocking threshold cannot be weaker than its floor (medium) without an exception record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_support import GateRunner, plan_document, step, write_plan

PRIVATE_BUCKET = ("aws:s3/bucket:Bucket", "b", {"acl": "private"})
SAYS_WHY = "Migration window: medium findings of the legacy buckets are tracked in PLAT-7 and fixed by March."


def _plan(tmp_path: Path, *, environment: str = "prod", fail_on: str | None = None, stack: str = "test") -> Path:
    config: dict[str, Any] = {"ai-platform:environment": environment}
    if fail_on:
        config["ai-platform:gate"] = {"failOn": fail_on}
    plan: Path = write_plan(tmp_path, plan_document(step(*PRIVATE_BUCKET, stack=stack), config=config))
    return plan


def _exception(**overrides: Any) -> dict[str, Any]:
    exception = {
        "id": "EXC-1",
        "setting": "failOn",
        "environment": "prod",
        "value": "high",
        "owner": "platform-team@example.com",
        "justification": SAYS_WHY,
        "ticket": "PLAT-7",
        "expires": "2027-03-31",
    }
    exception.update(overrides)
    return exception


def _waivers(tmp_path: Path, *exceptions: dict[str, Any]) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": [], "exceptions": list(exceptions)}, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize("fail_on", ["high", "critical"])
def test_prod_config_cannot_lower_fail_on_below_medium(gate: GateRunner, tmp_path: Path, fail_on: str) -> None:
    run = gate(plan=_plan(tmp_path, fail_on=fail_on))
    assert run.exit_code == 2
    assert "ai-platform:gate.failOn" in run.stderr and "floor 'medium' of prod" in run.stderr
    assert not (run.out / "report.json").exists()  # refused before evaluation


def test_the_error_names_the_stack_file_line(gate: GateRunner, tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.test.yaml"
    stack_file.write_text(
        "config:\n  ai-platform:environment: prod\n  ai-platform:gate:\n    failOn: critical\n", encoding="utf-8"
    )
    run = gate("--stack-file", str(stack_file), plan=_plan(tmp_path, fail_on="critical"))
    assert run.exit_code == 2
    assert f"{stack_file}:4: ai-platform:gate.failOn" in run.stderr


def test_prod_command_line_cannot_lower_fail_on_below_medium(gate: GateRunner, tmp_path: Path) -> None:
    run = gate("--fail-on", "critical", plan=_plan(tmp_path))
    assert run.exit_code == 2
    assert "--fail-on" in run.stderr and "floor" in run.stderr


@pytest.mark.parametrize("fail_on", ["low", "medium"])
def test_prod_may_be_stricter_than_its_floor(gate: GateRunner, tmp_path: Path, fail_on: str) -> None:
    assert gate("--fail-on", fail_on, plan=_plan(tmp_path)).exit_code == 0


def test_other_environments_have_no_floor(gate: GateRunner, tmp_path: Path) -> None:
    assert gate(plan=_plan(tmp_path, environment="dev", fail_on="critical")).exit_code == 0


def test_a_stack_named_prod_keeps_the_floor_whatever_environment_it_claims(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path, environment="dev", fail_on="critical", stack="prod"))
    assert run.exit_code == 2


def test_an_exception_record_allows_it_and_is_shown_in_every_report(gate: GateRunner, tmp_path: Path) -> None:
    run = gate("--fail-on", "high", plan=_plan(tmp_path), waivers=_waivers(tmp_path, _exception()))
    assert run.exit_code == 0
    assert run.report["settings"]["failOn"] == "high"
    assert [e["id"] for e in run.report["waivers"]["exceptions"]] == ["EXC-1"]
    assert "EXC-1" in (run.out / "report.md").read_text(encoding="utf-8")
    assert "EXC-1" in (run.out / "report.html").read_text(encoding="utf-8")


def test_an_exception_also_covers_the_stack_config(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path, fail_on="high"), waivers=_waivers(tmp_path, _exception()))
    assert run.exit_code == 0


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"value": "high"}, "allows failOn down to high only"),  # asked for critical
        ({"value": "critical", "expires": "2026-11-19"}, "expired"),
        ({"value": "critical", "expires": "2099-01-01"}, "beyond the cap"),
        ({"value": "critical", "environment": "staging"}, "no `exceptions:` record"),
        ({"value": "critical", "stacks": ["other"]}, "no `exceptions:` record"),
    ],
)
def test_an_exception_that_does_not_cover_the_request_is_refused(
    gate: GateRunner, tmp_path: Path, overrides: dict[str, Any], reason: str
) -> None:
    run = gate("--fail-on", "critical", plan=_plan(tmp_path), waivers=_waivers(tmp_path, _exception(**overrides)))
    assert run.exit_code == 2
    assert reason in run.stderr


@pytest.mark.parametrize(
    "overrides",
    [{"owner": ""}, {"justification": "TODO"}, {"setting": "allowedRegistries"}, {"expires": "someday"}, {"x": 1}],
)
def test_a_malformed_exception_record_is_a_malformed_waiver_file(
    gate: GateRunner, tmp_path: Path, overrides: dict[str, Any]
) -> None:
    run = gate(plan=_plan(tmp_path, environment="dev"), waivers=_waivers(tmp_path, _exception(**overrides)))
    assert run.exit_code == 2
    assert run.report["waivers"]["malformed"][0]["id"] == "EXC-1"


def test_a_value_only_in_the_plan_config_points_at_the_plan_not_a_stack_file_line(
    gate: GateRunner, tmp_path: Path
) -> None:
    stack_file = tmp_path / "Pulumi.test.yaml"
    stack_file.write_text("config:\n  ai-platform:environment: prod\n", encoding="utf-8")
    plan = _plan(tmp_path, fail_on="critical")
    run = gate("--stack-file", str(stack_file), plan=plan)
    assert run.exit_code == 2
    assert f"{plan} at /config/ai-platform:gate/failOn" in run.stderr
