"""Acceptance: the real packs on the project's own stacks and on the corpus of deliberately bad inputs."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from gate_support import CORPUS, HERE, REAL_PACKS, REPO_ROOT, GateRunner, write_plan
from session_cache import OfflinePlans

STACKS = ("dev", "staging", "prod")
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((HERE / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
REPORTS = ("report.json", "report.sarif", "report.xml", "report.md", "report.html")


@pytest.fixture(scope="module")
def stack_plans(tmp_path_factory: pytest.TempPathFactory, offline_plans: OfflinePlans) -> dict[str, Path]:
    """Fresh offline plans of the project's stacks, as `make plan STACK=<stack>` writes them."""
    directory = tmp_path_factory.mktemp("plans")
    return {stack: write_plan(directory, offline_plans.document(stack), f"{stack}.json") for stack in STACKS}


@pytest.mark.parametrize("stack", STACKS)
def test_own_stack_passes_its_gate_and_writes_five_reports(
    stack: str, stack_plans: dict[str, Path], gate: GateRunner
) -> None:
    run = gate(
        "--stack-file",
        str(REPO_ROOT / "stacks" / f"Pulumi.{stack}.yaml"),
        plan=stack_plans[stack],
        packs=REAL_PACKS,
        waivers=REPO_ROOT / "policies" / "waivers.yaml",
    )
    blocking = [f for f in run.findings if f["blocking"]]
    assert run.exit_code == 0, json.dumps(blocking, indent=2)
    assert run.report["verdict"] == "pass"
    assert all((run.out / name).is_file() for name in REPORTS)
    assert run.report["waivers"]["malformed"] == []
    ET.parse(run.out / "report.xml")
    sarif = json.loads((run.out / "report.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)


def test_prod_threshold_is_medium_and_dev_threshold_is_high(stack_plans: dict[str, Path], gate: GateRunner) -> None:
    prod = gate(plan=stack_plans["prod"], packs=REAL_PACKS)
    dev = gate(plan=stack_plans["dev"], packs=REAL_PACKS)
    assert prod.report["settings"]["failOn"] == "medium"
    assert dev.report["settings"]["failOn"] == "high"


def test_bad_manifests_from_the_issue_fail_naming_each_object(gate: GateRunner) -> None:
    run = gate(manifests=CORPUS / "manifests" / "acceptance", packs=REAL_PACKS)
    assert run.exit_code == 1
    blocking = {(f["policyId"], f["resource"]["kind"], f["resource"]["name"]) for f in run.findings if f["blocking"]}
    assert ("kubernetes.deny_privileged_container", "Deployment", "debug-shell") in blocking
    assert ("kubernetes.deny_run_as_root", "CronJob", "nightly-export") in blocking
    assert ("kubernetes.deny_rbac_cluster_admin_binding", "ClusterRoleBinding", "everyone-is-admin") in blocking
    assert ("kubernetes.deny_rbac_broad_subject_binding", "ClusterRoleBinding", "everyone-is-admin") in blocking
    for name in ("debug-shell", "nightly-export", "everyone-is-admin"):
        assert name in run.stdout


def test_a_manifests_only_run_does_not_claim_the_cloud_and_governance_controls_pass(gate: GateRunner) -> None:
    run = gate(manifests=CORPUS / "manifests" / "acceptance", packs=REAL_PACKS)
    controls = {c["control"]: c["verdict"] for c in run.report["controls"]}
    assert controls["CIS-EKS-5.3.1"] == "not-evaluated"  # aws.deny_eks_secrets_encryption: no cluster here
    assert controls["EU-AI-Act:Art.14"] == "not-evaluated"  # ai_governance: no stack here
    assert controls["CIS-EKS-4.2.1"] == "fail"  # kubernetes rules did run
    assert controls["CIS-EKS-4.2.2"] == "pass"
    assert "not-evaluated" in (run.out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(EXPECTED["manifests"]))
def test_bad_manifest_corpus_fails_with_expected_policy_ids(case: str, gate: GateRunner) -> None:
    run = gate(manifests=CORPUS / "manifests" / case, packs=REAL_PACKS)
    assert run.exit_code == 1
    assert set(EXPECTED["manifests"][case]) <= run.policy_ids(blocking=True)


def _resources(plan: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [s["newState"]["inputs"] for s in plan["steps"] if s["newState"]["type"] == type_]


def _without_kms_encryption(plan: dict[str, Any]) -> None:
    for cluster in _resources(plan, "aws:eks/cluster:Cluster"):
        cluster.pop("encryptionConfig")


def _public_api_endpoint(plan: dict[str, Any]) -> None:
    cluster = _resources(plan, "aws:eks/cluster:Cluster")[0]
    cluster["vpcConfig"].update({"endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})


def _imdsv1_launch_template(plan: dict[str, Any]) -> None:
    _resources(plan, "aws:ec2/launchTemplate:LaunchTemplate")[0]["metadataOptions"]["httpTokens"] = "optional"


def _ssh_open_to_world(plan: dict[str, Any]) -> None:
    provider = next(s["newState"]["provider"] for s in plan["steps"] if s["newState"]["type"] == "aws:ec2/vpc:Vpc")
    rule_urn = "urn:pulumi:prod::ai-platform::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::ssh-anywhere"
    plan["steps"].append(
        {
            "op": "create",
            "urn": rule_urn,
            "newState": {
                "urn": rule_urn,
                "custom": True,
                "type": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "provider": provider,
                "inputs": {
                    "securityGroupId": "sg-0123",
                    "cidrIpv4": "0.0.0.0/0",
                    "fromPort": 22,
                    "toPort": 22,
                    "ipProtocol": "tcp",
                },
            },
        }
    )


def _backup_bucket_unencrypted(plan: dict[str, Any]) -> None:
    sse = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    plan["steps"] = [s for s in plan["steps"] if s["newState"]["type"] != sse]


def _kms_rotation_off(plan: dict[str, Any]) -> None:
    _resources(plan, "aws:kms/key:Key")[0]["enableKeyRotation"] = False


MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "prod_without_kms_encryption": _without_kms_encryption,
    "prod_public_api_endpoint": _public_api_endpoint,
    "prod_imdsv1_launch_template": _imdsv1_launch_template,
    "prod_ssh_open_to_world": _ssh_open_to_world,
    "prod_backup_bucket_unencrypted": _backup_bucket_unencrypted,
    "prod_kms_rotation_off": _kms_rotation_off,
}


def test_every_plan_case_of_the_corpus_has_a_mutation() -> None:
    assert set(EXPECTED["plans"]) == set(MUTATIONS)


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_bad_plan_corpus_fails_with_expected_policy_ids(
    case: str, stack_plans: dict[str, Path], gate: GateRunner, tmp_path: Path
) -> None:
    plan = copy.deepcopy(json.loads(stack_plans["prod"].read_text(encoding="utf-8")))
    MUTATIONS[case](plan)
    run = gate(plan=write_plan(tmp_path, plan, f"{case}.json"), packs=REAL_PACKS)
    assert run.exit_code == 1
    assert set(EXPECTED["plans"][case]) <= run.policy_ids(blocking=True)


def test_removing_kms_encryption_names_the_encryption_rule_for_each_cluster(
    stack_plans: dict[str, Path], gate: GateRunner, tmp_path: Path
) -> None:
    plan = json.loads(stack_plans["prod"].read_text(encoding="utf-8"))
    _without_kms_encryption(plan)
    run = gate(plan=write_plan(tmp_path, plan), packs=REAL_PACKS)
    failing = [f for f in run.findings if f["policyId"] == "aws.deny_eks_secrets_encryption"]
    assert run.exit_code == 1
    assert len(failing) == 2  # one cluster per region
    assert all(f["blocking"] and f["status"] == "fail" for f in failing)
    assert "aws.deny_eks_secrets_encryption" in run.stdout
