"""Plan documents and manifest directories become the resources and objects the gate evaluates."""

from __future__ import annotations

import json
from pathlib import Path

from gate_support import UNKNOWN, GateRunner, k8s_step, plan_document, step, urn, write_plan

from policies.gate.inputs.manifests import load_manifests
from policies.gate.inputs.plan import load_plan


def test_config_values_are_accepted_as_json_strings_or_objects(tmp_path: Path) -> None:
    document = plan_document(
        step("aws:s3/bucket:Bucket", "b"),
        config={"ai-platform:gate": json.dumps({"failOn": "low"}), "ai-platform:regions": [{"name": "eu-west-1"}]},
    )
    plan = load_plan(write_plan(tmp_path, document))
    assert plan.config["ai-platform:gate"] == {"failOn": "low"}
    assert plan.config["ai-platform:regions"] == [{"name": "eu-west-1"}]


def test_stack_name_comes_from_the_urns(tmp_path: Path) -> None:
    plan = load_plan(write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b", stack="prod"))))
    assert plan.stack == "prod"


def test_deleted_resources_are_not_assessed(tmp_path: Path) -> None:
    gone = {"op": "delete", "urn": urn("aws:s3/bucket:Bucket", "old"), "oldState": {}}
    plan = load_plan(write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "new"), gone)))
    assert [r.name for r in plan.resources] == ["new"]


def test_source_position_recorded_in_state_becomes_the_location(tmp_path: Path) -> None:
    document = plan_document(
        step("aws:s3/bucket:Bucket", "b", sourcePosition="project:///infra/components/continuity/backups.py#26,0")
    )
    resource = load_plan(write_plan(tmp_path, document)).resources[0]
    assert resource.source_position is not None
    assert (resource.source_position.file, resource.source_position.line) == (
        "infra/components/continuity/backups.py",
        26,
    )


def test_plan_findings_point_at_the_stack_file_key_that_drives_the_resource(gate: GateRunner, tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.test.yaml"
    stack_file.write_text(
        "config:\n  ai-platform:environment: dev\n  ai-platform:storage:\n    backend: minio\n", encoding="utf-8"
    )
    document = plan_document(step("aws:s3/bucket:Bucket", "public", {"acl": "public-read"}))
    run = gate("--stack-file", str(stack_file), plan=write_plan(tmp_path, document))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.deny_bucket_public")
    assert finding["location"]["file"].endswith("Pulumi.test.yaml")
    assert finding["location"]["line"] == 3


def test_multi_document_files_and_list_objects_are_expanded_with_their_lines(tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n"
        "  - apiVersion: v1\n    kind: Secret\n    metadata: {name: c}\n",
        encoding="utf-8",
    )
    files, objects = load_manifests(tmp_path, tmp_path)
    assert [(o.kind, o.name, o.location.line) for o in objects] == [
        ("ConfigMap", "a", 1),
        ("ConfigMap", "b", 9),
        ("Secret", "c", 12),
    ]
    assert objects[0].location.file == "all.yaml"
    assert files == [tmp_path / "all.yaml"]


def test_plan_kubernetes_objects_and_manifests_share_one_evaluation_path(gate: GateRunner, tmp_path: Path) -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "apps"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "c", "image": "registry.k8s.io/pause:3.9", "securityContext": {"privileged": True}}
                    ]
                },
            },
        },
    }
    from_plan = gate(plan=write_plan(tmp_path, plan_document(k8s_step(deployment))))
    from_manifests = gate(manifests=from_plan.out / "manifests")
    kubernetes_ids = {i for i in from_plan.policy_ids("fail") if i.startswith("tiny_k8s.")}
    assert kubernetes_ids == from_manifests.policy_ids("fail") == {"tiny_k8s.deny_privileged"}


def test_unknown_sentinel_survives_rendering_so_both_inputs_agree(gate: GateRunner, tmp_path: Path) -> None:
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "x"},
        "data": {"arn": UNKNOWN},
    }
    run = gate(plan=write_plan(tmp_path, plan_document(k8s_step(config_map))))
    assert UNKNOWN in (run.out / "manifests" / "configmap-x-c.yaml").read_text(encoding="utf-8")
