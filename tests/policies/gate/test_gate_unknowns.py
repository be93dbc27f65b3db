"""Values unknown before apply give an `unknown` verdict to the rules that read them, never a silent pass."""

from __future__ import annotations

from pathlib import Path

from gate_support import UNKNOWN, GateRunner, plan_document, step, write_plan

from policies.gate.unknowns import PROBES, contains_unknown, substitute, variants

CLUSTER = "aws:eks/cluster:Cluster"


def test_a_rule_reading_an_unknown_value_is_unknown_and_blocks(gate: GateRunner, tmp_path: Path) -> None:
    # tiny.deny_cluster_unencrypted accepts a KMS ARN or the sentinel itself: only probing reveals
    # that its verdict depends on the key ARN, which is unknown before apply.
    cluster = step(CLUSTER, "main", {"encryptionConfig": {"provider": {"keyArn": UNKNOWN}}})
    run = gate(plan=write_plan(tmp_path, plan_document(cluster)))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.deny_cluster_unencrypted")
    assert finding["status"] == "unknown" and finding["blocking"]
    assert run.report["verdict"] == "unknown"
    assert run.report["counts"]["byStatus"]["unknown"] >= 1
    assert run.exit_code == 1


def test_a_rule_that_does_not_read_the_unknown_value_passes(gate: GateRunner, tmp_path: Path) -> None:
    cluster = step(
        CLUSTER, "main", {"arn": UNKNOWN, "encryptionConfig": {"provider": {"keyArn": "arn:aws:kms:eu-west-1:1:key/k"}}}
    )
    run = gate(plan=write_plan(tmp_path, plan_document(cluster)))
    assert "tiny.deny_cluster_unencrypted" not in run.policy_ids()


def test_a_rule_failing_whatever_the_unknown_value_is_a_plain_failure(gate: GateRunner, tmp_path: Path) -> None:
    bucket = step("aws:s3/bucket:Bucket", "b", {"acl": "public-read", "arn": UNKNOWN})
    run = gate(plan=write_plan(tmp_path, plan_document(bucket)))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.deny_bucket_public")
    assert finding["status"] == "fail"


def test_allow_unknown_reports_without_blocking_and_never_claims_a_pass(gate: GateRunner, tmp_path: Path) -> None:
    cluster = step(CLUSTER, "main", {"encryptionConfig": {"provider": {"keyArn": UNKNOWN}}})
    run = gate("--allow-unknown", plan=write_plan(tmp_path, plan_document(cluster)))
    assert run.exit_code == 0
    assert run.report["verdict"] == "unknown"


def test_probes_replace_every_unknown_and_leave_the_rest() -> None:
    value = {"a": UNKNOWN, "b": [UNKNOWN, "x"], "c": {"d": 1}}
    assert contains_unknown(value)
    assert substitute(value, 0) == {"a": 0, "b": [0, "x"], "c": {"d": 1}}
    assert variants(value)[0] is value
    assert len(variants(value)) == 1 + len(PROBES)
    assert variants({"a": 1}) == [{"a": 1}]
