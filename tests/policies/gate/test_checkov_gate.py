"""Acceptance of issue 11 for checkov in the gate, on the prod stack's offline plan with the real checkov:
`make gate STACK=prod` equivalent (four targets, counts per target, exit 0), a bucket stripped of its encryption,
versioning and public-access block (CKV_AWS findings with our table's severity and controls, exit 1), and a public
EKS endpoint (the Rego rule and the checkov checks under one control)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from gate_support import HERE, REAL_PACKS, REPO_ROOT, GateRun, GateRunner, write_plan
from session_cache import OfflinePlans

from policies.gate.checkov.mapping import checkov_mapping

pytestmark = pytest.mark.slow  # each gate run of the prod plan with checkov takes 15-30 s here

SARIF_SCHEMA = json.loads((HERE / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
TARGETS = ("manifests", "dockerfiles", "workflows", "plan")
BUCKET = (
    "urn:pulumi:prod::ai-platform::ai-platform:backups:BackupVault$"
    + "aws:s3/bucket:Bucket::prod-eu-central-1-vault-backups"
)
STRIPPED = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
)
# checkov's checks for what was stripped: encryption with KMS, versioning, a public-access block. CKV_AWS_19
# (any default encryption) passes without the resource: checkov takes S3's default SSE-S3 encryption as met.
BUCKET_CHECKS = ("CKV_AWS_145", "CKV_AWS_21", "CKV2_AWS_6")
REGO_ENCRYPTION_RULE = "aws.stack_deny_s3_encryption"
ENDPOINT_RULE = "aws.deny_eks_endpoint_access"
ENDPOINT_CHECKS = ("CKV_AWS_38", "CKV_AWS_39")
ENDPOINT_CONTROL = "CIS-EKS-5.4.2"


@pytest.fixture(scope="module")
def prod_plan(offline_plans: OfflinePlans) -> dict[str, Any]:
    """A fresh offline plan of prod, as `make plan STACK=prod` writes it."""
    return offline_plans.document("prod")


def _gate(gate: GateRunner, tmp_path: Path, plan: dict[str, Any], name: str) -> GateRun:
    return gate(
        "--stack-file",
        str(REPO_ROOT / "stacks" / "Pulumi.prod.yaml"),
        plan=write_plan(tmp_path, plan, name),
        packs=REAL_PACKS,
        waivers=REPO_ROOT / "policies" / "waivers.yaml",
        checkov=True,
    )


def test_the_prod_gate_runs_checkov_on_four_targets_and_passes(
    prod_plan: dict[str, Any], gate: GateRunner, tmp_path: Path
) -> None:
    run = _gate(gate, tmp_path, prod_plan, "prod.json")
    checkov = run.report["checkov"]
    assert checkov["ran"] is True
    assert tuple(checkov["targets"]) == TARGETS
    for target in TARGETS:
        counts = checkov["targets"][target]
        assert counts["files"] > 0 and counts["passed"] > 0, (target, counts)
    assert (run.out / "checkov" / "tfplan.json").is_file()
    sarif = json.loads((run.out / "report.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)  # checkov's rules and results keep it valid
    blocking = [f for f in run.findings if f["blocking"]]
    assert run.exit_code == 0, json.dumps(blocking[:5], indent=2)


def _strip_bucket(plan: dict[str, Any]) -> dict[str, Any]:
    """The bucket keeps its policy, lifecycle and object lock; its encryption, versioning and access block go."""
    stripped = copy.deepcopy(plan)

    def configures_bucket(state: dict[str, Any]) -> bool:
        return state["type"] in STRIPPED and BUCKET in (state.get("propertyDependencies") or {}).get("bucket", [])

    removed = [s for s in stripped["steps"] if configures_bucket(s["newState"])]
    assert len(removed) == len(STRIPPED)
    stripped["steps"] = [s for s in stripped["steps"] if not configures_bucket(s["newState"])]
    return stripped


def test_a_bucket_stripped_of_encryption_versioning_and_access_block_fails_checkov_on_its_urn(
    prod_plan: dict[str, Any], gate: GateRunner, tmp_path: Path
) -> None:
    run = _gate(gate, tmp_path, _strip_bucket(prod_plan), "prod-bucket-stripped.json")
    assert run.exit_code == 1
    table = checkov_mapping()
    on_bucket = {
        f["policyId"]: f
        for f in run.findings
        if f["engine"] == "checkov" and (f["resource"] or {}).get("urn") == BUCKET
    }
    for check_id in BUCKET_CHECKS:
        rule = table.rule(check_id)
        assert rule.mapped, check_id
        finding = on_bucket.get(check_id)
        assert finding is not None, (check_id, sorted(on_bucket))
        assert (finding["severity"], tuple(finding["controls"])) == (rule.severity, rule.controls)
        # A check the table does not adopt (CKV_AWS_145: access-log buckets keep S3-managed keys) is an info note
        # carrying the table's reason; the adopted ones block.
        assert (finding["status"], finding["blocking"]) == (("fail", True) if rule.adopted else ("info", False))
        if not rule.adopted:
            assert str(rule.reason) in finding["message"]
        # The bucket derives from the stack's storage section: the stack line first, the code that registers it beside.
        assert finding["location"]["file"] == "stacks/Pulumi.prod.yaml"
        assert finding["codeLocation"]["file"].startswith("infra/")
    assert sum(table.rule(check_id).adopted for check_id in BUCKET_CHECKS) >= 2
    rego_on_bucket = {f["policyId"] for f in run.findings if f["engine"] == "rego" and f["blocking"]}
    assert REGO_ENCRYPTION_RULE in rego_on_bucket  # the encryption itself is enforced by the Rego rule


def test_a_public_eks_endpoint_gives_the_rego_and_the_checkov_finding_under_one_control(
    prod_plan: dict[str, Any], gate: GateRunner, tmp_path: Path
) -> None:
    plan = copy.deepcopy(prod_plan)
    cluster = next(s["newState"] for s in plan["steps"] if s["newState"]["type"] == "aws:eks/cluster:Cluster")
    cluster["inputs"]["vpcConfig"].update({"endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})
    run = _gate(gate, tmp_path, plan, "prod-public-endpoint.json")
    assert run.exit_code == 1
    on_cluster = {
        f["policyId"]: f
        for f in run.findings
        if (f["resource"] or {}).get("urn") == cluster["urn"] and ENDPOINT_CONTROL in f["controls"]
    }
    assert ENDPOINT_RULE in on_cluster
    assert on_cluster[ENDPOINT_RULE]["engine"] == "rego"
    assert {check for check in ENDPOINT_CHECKS if check in on_cluster}, sorted(on_cluster)
    row = next(c for c in run.report["controls"] if c["control"] == ENDPOINT_CONTROL)
    assert row["verdict"] == "fail"
    assert {ENDPOINT_RULE, *ENDPOINT_CHECKS} <= set(row["rules"])
    markdown = (run.out / "report.md").read_text(encoding="utf-8")
    line = next(text for text in markdown.splitlines() if text.startswith(f"| {ENDPOINT_CONTROL} |"))
    assert f"`{ENDPOINT_RULE}` (rego)" in line and "`CKV_AWS_38` (checkov)" in line
