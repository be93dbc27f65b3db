"""One verdict per run: the stack's threshold decides what blocks; every control gets a verdict."""

from __future__ import annotations

import json
from pathlib import Path

from gate_support import GateRunner, plan_document, step, urn, write_plan

PUBLIC_BUCKET = step("aws:s3/bucket:Bucket", "public", {"acl": "public-read", "tags": {"ai-platform/team": "web"}})
SHORT_LOGS = step("aws:cloudwatch/logGroup:LogGroup", "logs", {"retentionInDays": 7})


def test_findings_at_or_above_the_threshold_block(gate: GateRunner, tmp_path: Path) -> None:
    run = gate("--fail-on", "medium", plan=write_plan(tmp_path, plan_document(SHORT_LOGS)))
    assert run.exit_code == 1
    assert run.policy_ids(blocking=True) == {"tiny.deny_short_log_retention"}


def test_findings_below_the_threshold_are_reported_without_blocking(gate: GateRunner, tmp_path: Path) -> None:
    run = gate("--fail-on", "high", plan=write_plan(tmp_path, plan_document(SHORT_LOGS)))
    assert run.exit_code == 0
    assert run.report["verdict"] == "pass"
    assert "tiny.deny_short_log_retention" in run.policy_ids("fail", blocking=False)


def test_the_threshold_comes_from_the_stack_config_then_the_environment(gate: GateRunner, tmp_path: Path) -> None:
    configured = plan_document(SHORT_LOGS, config={"ai-platform:gate": json.dumps({"failOn": "low"})})
    prod = plan_document(SHORT_LOGS, config={"ai-platform:environment": "prod"})
    dev = plan_document(SHORT_LOGS, config={"ai-platform:environment": "dev"})
    assert gate(plan=write_plan(tmp_path, configured, "c.json")).report["settings"]["failOn"] == "low"
    assert gate(plan=write_plan(tmp_path, prod, "p.json")).exit_code == 1  # prod blocks on medium
    assert gate(plan=write_plan(tmp_path, dev, "d.json")).exit_code == 0  # dev blocks on high


def test_warn_rules_are_advisory(gate: GateRunner, tmp_path: Path) -> None:
    untagged = step("aws:s3/bucket:Bucket", "untagged", {"acl": "private"})
    run = gate("--fail-on", "low", plan=write_plan(tmp_path, plan_document(untagged)))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.warn_missing_team_tag")
    assert finding["effect"] == "warn" and not finding["blocking"]


def test_stack_rule_messages_are_attributed_to_the_resource_whose_urn_they_start_with(
    gate: GateRunner, tmp_path: Path
) -> None:
    buckets = [step("aws:s3/bucket:Bucket", f"b{i}", {"acl": "private"}) for i in range(3)]
    run = gate(plan=write_plan(tmp_path, plan_document(*buckets)))
    attributed = [f for f in run.findings if f["policyId"] == "tiny.stack_deny_too_many_buckets"]
    assert sorted(f["resource"]["urn"] for f in attributed) == [urn("aws:s3/bucket:Bucket", f"b{i}") for i in range(3)]
    assert all(f["message"] == "one bucket too many (3 in the stack)" for f in attributed)


def test_stack_messages_about_the_whole_stack_point_at_the_stack(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=write_plan(tmp_path, plan_document(PUBLIC_BUCKET)))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.stack_warn_no_budget")
    assert finding["resource"] is None
    assert finding["location"] is not None


def test_each_control_gets_a_verdict_over_all_the_rules_serving_it(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=write_plan(tmp_path, plan_document(PUBLIC_BUCKET)))
    controls = {c["control"]: c for c in run.report["controls"]}
    assert controls["ISO-27001:A.8.3"]["verdict"] == "fail"
    assert controls["NIST-800-53:SC-28"]["verdict"] == "pass"
    assert controls["NIST-800-53:PM-3"]["verdict"] == "fail"  # advisory findings still fail their control
    assert set(controls["NIST-800-53:CM-6"]["rules"]) >= {"schema.kubernetes_schema"}


def test_counts_by_severity_and_status(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=write_plan(tmp_path, plan_document(PUBLIC_BUCKET, SHORT_LOGS)))
    counts = run.report["counts"]
    assert counts["bySeverity"]["high"]["fail"] == 1
    assert counts["bySeverity"]["medium"]["fail"] == 1
    assert counts["byStatus"]["fail"] == sum(level["fail"] for level in counts["bySeverity"].values())
