"""Unknown and secret values: evaluated under the worst case, and --allow-unknown lifts only legitimate unknowns.

The adversarial cases under tests/policies/adversarial/unknowns/ each passed the gate at f7cb41e; here they
must block on both engines, with and without --allow-unknown.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_support import REAL_PACKS, REPO_ROOT, UNKNOWN, GateRunner, k8s_step, plan_document, step, write_plan

from policies.gate.inputs.plan import load_plan
from policies.gate.inputs.secrets import SECRET_SIGNATURE, SIGNATURE_KEY, unwrap
from policies.gate.unknowns import (
    SECRET,
    contains_unknown,
    depends_on_other,
    is_legitimate,
    max_refined_paths,
    split,
    unread_keys,
)

CASES = REPO_ROOT / "tests" / "policies" / "adversarial" / "unknowns"
ENGINES = ("regorus", "regopy")
CLUSTER = "aws:eks/cluster:Cluster"


def envelope(value: Any) -> dict[str, Any]:
    return {SIGNATURE_KEY: SECRET_SIGNATURE, "value": value}


def _cases() -> list[Path]:
    return sorted(CASES.glob("*.json"))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.stem)
def test_adversarial_unknowns_block_on_both_engines_even_with_allow_unknown(
    gate: GateRunner, case: Path, engine: str
) -> None:
    # Without --allow-unknown the lead's corpus runner covers them; allowed unknowns block less, never more.
    expected = yaml.safe_load(case.with_suffix("").with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    run = gate("--allow-unknown", plan=case, packs=REAL_PACKS, engine=engine)
    assert run.exit_code == expected["exit"], run.stderr
    blocking = run.policy_ids(blocking=True)
    assert set(expected["policy_ids"]) <= blocking
    for finding in run.findings:
        if finding["policyId"] in expected["policy_ids"]:
            assert finding["legitimatelyUnknown"] is False


def _cluster(public_cidrs: Any, key_arn: Any = "arn:aws:kms:eu-west-1:1:key/k") -> dict[str, Any]:
    return step(
        CLUSTER,
        "main",
        {
            "vpcConfig": {
                "endpointPrivateAccess": True,
                "endpointPublicAccess": True,
                "publicAccessCidrs": public_cidrs,
            },
            "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": key_arn}},
            "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        },
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "cidrs",
    [UNKNOWN, [UNKNOWN], SECRET, [SECRET], [envelope("0.0.0.0/0")], envelope(["0.0.0.0/0"])],
    ids=["unknown-list", "unknown-element", "secret-list", "secret-element", "envelope-element", "envelope-list"],
)
def test_an_opaque_public_access_cidr_list_blocks_even_with_allow_unknown(
    gate: GateRunner, tmp_path: Path, engine: str, cidrs: Any
) -> None:
    plan = write_plan(tmp_path, plan_document(_cluster(cidrs)))
    run = gate("--allow-unknown", plan=plan, packs=REAL_PACKS, engine=engine)
    assert run.exit_code == 1
    assert "aws.deny_eks_endpoint_access" in run.policy_ids(blocking=True)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_known_allow_list_passes_the_endpoint_rule(gate: GateRunner, tmp_path: Path, engine: str) -> None:
    # The control for the test above: the same cluster with a readable, narrow allow-list is compliant.
    plan = write_plan(tmp_path, plan_document(_cluster(["203.0.113.0/24"])))
    run = gate("--allow-unknown", plan=plan, packs=REAL_PACKS, engine=engine)
    assert "aws.deny_eks_endpoint_access" not in run.policy_ids()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_secret_ingress_list_blocks_even_with_allow_unknown(gate: GateRunner, tmp_path: Path, engine: str) -> None:
    group = step("aws:ec2/securityGroup:SecurityGroup", "sg", {"vpcId": UNKNOWN, "ingress": SECRET})
    run = gate("--allow-unknown", plan=write_plan(tmp_path, plan_document(group)), packs=REAL_PACKS, engine=engine)
    assert run.exit_code == 1
    # The rule itself reads an unreadable ingress list as open to the world (fail), or the probes
    # find a value that opens it (unknown): either way it blocks, --allow-unknown or not.
    assert "aws.deny_security_group_open_admin_ports" in run.policy_ids(blocking=True)


BINDING = {
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "kind": "ClusterRoleBinding",
    "metadata": {"name": "ops"},
    "roleRef": SECRET,
    "subjects": [{"kind": "Group", "name": "ops", "apiGroup": "rbac.authorization.k8s.io"}],
}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_secret_role_ref_blocks_in_a_plan_even_with_allow_unknown(
    gate: GateRunner, tmp_path: Path, engine: str
) -> None:
    run = gate(
        "--allow-unknown", plan=write_plan(tmp_path, plan_document(k8s_step(BINDING))), packs=REAL_PACKS, engine=engine
    )
    assert run.exit_code == 1
    assert "kubernetes.deny_rbac_cluster_admin_binding" in run.policy_ids("unknown", blocking=True)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_secret_role_ref_blocks_in_manifests_even_with_allow_unknown(
    gate: GateRunner, tmp_path: Path, engine: str
) -> None:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "binding.yaml").write_text(yaml.safe_dump(BINDING), encoding="utf-8")
    run = gate("--allow-unknown", manifests=manifests, packs=REAL_PACKS, engine=engine)
    assert run.exit_code == 1
    assert "kubernetes.deny_rbac_cluster_admin_binding" in run.policy_ids("unknown", blocking=True)


# --allow-unknown scope, on the tiny test pack: tiny.deny_cluster_unencrypted reads the key ARN.
def _tiny_cluster(key_arn: Any, **extra: Any) -> dict[str, Any]:
    return step(CLUSTER, "main", {"encryptionConfig": {"provider": {"keyArn": key_arn}}, **extra})


def test_allow_unknown_lifts_a_finding_that_depends_only_on_an_unknown_arn(gate: GateRunner, tmp_path: Path) -> None:
    run = gate("--allow-unknown", plan=write_plan(tmp_path, plan_document(_tiny_cluster(UNKNOWN))))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.deny_cluster_unencrypted")
    assert finding["status"] == "unknown" and finding["legitimatelyUnknown"] and not finding["blocking"]
    assert run.exit_code == 0 and run.report["verdict"] == "unknown"


def test_allow_unknown_never_lifts_a_secret(gate: GateRunner, tmp_path: Path) -> None:
    run = gate("--allow-unknown", plan=write_plan(tmp_path, plan_document(_tiny_cluster(SECRET))))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.deny_cluster_unencrypted")
    # No probe makes "[secret]" a KMS ARN, so the rule fires under every variant: a plain failure.
    assert finding["blocking"] and not finding["legitimatelyUnknown"]
    assert run.exit_code == 1


def test_allow_unknown_lifts_when_the_other_unknowns_do_not_change_the_verdict(
    gate: GateRunner, tmp_path: Path
) -> None:
    # A non-legitimate unknown the rule does not read (per-path refinement shows it changes nothing).
    cluster = _tiny_cluster(UNKNOWN, description=UNKNOWN)
    run = gate("--allow-unknown", plan=write_plan(tmp_path, plan_document(cluster)))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.deny_cluster_unencrypted")
    assert finding["legitimatelyUnknown"] and run.exit_code == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_allow_unknown_keeps_blocking_when_a_non_legitimate_unknown_changes_the_verdict(
    gate: GateRunner, tmp_path: Path, engine: str
) -> None:
    # Legitimate unknowns (the role ARN, subnet ids) next to an unknown allow-list entry: the verdict
    # changes with the allow-list entry, so the refinement must keep the finding blocking.
    cluster = _cluster([UNKNOWN])
    cluster["newState"]["inputs"] |= {"roleArn": UNKNOWN}
    cluster["newState"]["inputs"]["vpcConfig"]["subnetIds"] = [UNKNOWN]
    run = gate("--allow-unknown", plan=write_plan(tmp_path, plan_document(cluster)), packs=REAL_PACKS, engine=engine)
    finding = next(f for f in run.findings if f["policyId"] == "aws.deny_eks_endpoint_access")
    assert finding["status"] in ("fail", "unknown") and not finding["legitimatelyUnknown"] and finding["blocking"]
    assert run.exit_code == 1


def test_too_many_other_unknowns_are_not_refined_and_stay_blocking(gate: GateRunner, tmp_path: Path) -> None:
    # Same shape as the lifted case above, with more non-legitimate unknowns than are probed one by one.
    extra = {f"note{index}": UNKNOWN for index in range(max_refined_paths() + 1)}
    run = gate("--allow-unknown", plan=write_plan(tmp_path, plan_document(_tiny_cluster(UNKNOWN, **extra))))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.deny_cluster_unencrypted")
    assert finding["status"] == "unknown" and not finding["legitimatelyUnknown"] and run.exit_code == 1


def test_legitimate_paths_are_ids_arns_and_names_of_the_sentinel_only() -> None:
    document = {
        "vpcId": UNKNOWN,
        "roleArn": UNKNOWN,
        "subnetIds": [UNKNOWN],
        "secretArn": SECRET,
        "vpcConfig": {"publicAccessCidrs": [UNKNOWN]},
        "roleRef": {"name": UNKNOWN},
        "policy": UNKNOWN,
        "statement": {"policyArn": UNKNOWN},
    }
    parts = split(document)
    assert parts.legitimate == {("vpcId",), ("roleArn",), ("subnetIds", 0)}
    assert parts.other == {
        ("secretArn",),
        ("vpcConfig", "publicAccessCidrs", 0),
        ("roleRef", "name"),
        ("policy",),
        ("statement", "policyArn"),
    }
    assert not is_legitimate(document, ("policy",))


def test_a_refinement_without_evidence_never_lifts() -> None:
    assert depends_on_other([True, False], [None, None])


def test_no_rule_reads_a_key_the_gate_does_not_probe() -> None:
    # Opaque values under unreadKeys are not probed; that is sound only while no rule names the key.
    sources = [path.read_text(encoding="utf-8") for path in REAL_PACKS.rglob("*.rego")]
    assert sources
    for key in unread_keys():
        assert not any(key in text for text in sources), key
    assert not contains_unknown({"kubeconfig": SECRET}) and contains_unknown({"config": SECRET})


def test_secret_envelopes_read_as_the_cli_prints_them(tmp_path: Path) -> None:
    document = plan_document(_cluster([envelope("0.0.0.0/0")]))
    plan = load_plan(write_plan(tmp_path, document))
    cidrs = plan.resources[0].inputs["vpcConfig"]["publicAccessCidrs"]
    assert cidrs == [SECRET]
    assert "0.0.0.0/0" not in json.dumps(plan.resources[0].inputs)  # the plaintext never reaches the gate
    assert unwrap({"a": [envelope(1)], "b": 2}) == {"a": [SECRET], "b": 2}
