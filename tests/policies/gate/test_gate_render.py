"""The plan's Kubernetes resources are written as plain manifests, one file per object, secrets redacted."""

from __future__ import annotations

from pathlib import Path

import yaml
from gate_support import GateRunner, k8s_step, plan_document, step, urn, write_plan

SECRET = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {"name": "db", "namespace": "apps"},
    "data": {"password": "[secret]"},
    "stringData": {"token": "plain-text"},
}
NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}}


def test_one_file_per_object_named_kind_namespace_name(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=write_plan(tmp_path, plan_document(k8s_step(SECRET), k8s_step(NAMESPACE))))
    names = sorted(p.name for p in (run.out / "manifests").iterdir())
    assert names == ["namespace-apps.yaml", "secret-apps-db.yaml"]


def test_secret_values_are_redacted(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=write_plan(tmp_path, plan_document(k8s_step(SECRET))))
    text = (run.out / "manifests" / "secret-apps-db.yaml").read_text(encoding="utf-8")
    written = yaml.safe_load(text)
    assert written["data"] == {"password": "[redacted]"}
    assert written["stringData"] == {"token": "[redacted]"}
    assert "plain-text" not in text


def test_api_version_and_kind_come_from_the_type_token(gate: GateRunner, tmp_path: Path) -> None:
    body = {"metadata": {"name": "np", "namespace": "apps"}, "spec": {"podSelector": {}}}
    document = plan_document(step("kubernetes:networking.k8s.io/v1:NetworkPolicy", "np", body))
    run = gate(plan=write_plan(tmp_path, document))
    written = yaml.safe_load((run.out / "manifests" / "networkpolicy-apps-np.yaml").read_text(encoding="utf-8"))
    assert (written["apiVersion"], written["kind"]) == ("networking.k8s.io/v1", "NetworkPolicy")


def test_integers_that_arrive_as_floats_are_written_as_integers(gate: GateRunner, tmp_path: Path) -> None:
    quota = {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": {"name": "l", "namespace": "a"},
        "spec": {"limits": []},
    }
    quota["spec"] = {"limits": [{"type": "Container", "maxLimitRequestRatio": {"cpu": 2.0}}]}
    run = gate(plan=write_plan(tmp_path, plan_document(k8s_step(quota))))
    assert "cpu: 2\n" in (run.out / "manifests" / "limitrange-a-l.yaml").read_text(encoding="utf-8")


def test_each_cluster_of_a_multi_region_plan_gets_its_own_folder(gate: GateRunner, tmp_path: Path) -> None:
    providers = [
        step("pulumi:providers:kubernetes", f"k8s-{region}", {"kubeconfig": "[secret]"}) for region in ("a", "b")
    ]
    objects = [
        k8s_step(NAMESPACE, f"ns-{region}", provider=urn("pulumi:providers:kubernetes", f"k8s-{region}") + "::id")
        for region in ("a", "b")
    ]
    run = gate(plan=write_plan(tmp_path, plan_document(*providers, *objects)))
    assert sorted(p.relative_to(run.out / "manifests").as_posix() for p in (run.out / "manifests").rglob("*.yaml")) == [
        "k8s-a/namespace-apps.yaml",
        "k8s-b/namespace-apps.yaml",
    ]


def test_helm_releases_are_reported_as_not_rendered(gate: GateRunner, tmp_path: Path) -> None:
    release = step(
        "kubernetes:helm.sh/v3:Release", "monitoring", {"chart": "kube-prometheus-stack", "version": "65.1.0"}
    )
    run = gate(plan=write_plan(tmp_path, plan_document(release)))
    notes = [f for f in run.findings if f["policyId"] == "gate.helm_release_not_rendered"]
    assert len(notes) == 1
    assert notes[0]["status"] == "info" and not notes[0]["blocking"]
    assert "kube-prometheus-stack" in notes[0]["message"]
    assert not list((run.out / "manifests").glob("*.yaml"))
