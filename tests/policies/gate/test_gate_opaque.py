"""Resources the gate cannot see into are explicit not-assessable findings, blocking in prod only.

Patch resources, ConfigGroups/ConfigFiles/Charts/kustomize Directories and components with no child
in the plan each get a finding; Helm releases go through the helm pack (known charts by their values,
unknown charts and opaque values not assessable). How much "not assessable" weighs per environment is
data (policies/gate/data/opaque.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_support import REAL_PACKS, GateRun, GateRunner, plan_document, step, urn, write_plan

from policies.engines import load_packs
from policies.gate.catalog import gate_rules
from policies.gate.opaque import GATE_POLICIES, opaque_table

PROD = {"ai-platform:environment": "prod"}
DEV = {"ai-platform:environment": "dev"}
PATCH_BODY = {
    "metadata": {"name": "coredns", "namespace": "kube-system"},
    "spec": {"template": {"spec": {"containers": [{"name": "coredns", "image": "registry.k8s.io/coredns:v1.11.1"}]}}},
}
# Values that also satisfy the helm pack's monitoring rules (Grafana admin Secret, prod replicas and
# storage, critical alerts routed; `routes: []` replaces the chart default Watchdog route to "null"),
# so that only what this file is about can fail.
CLAIM = {"volumeClaimTemplate": {"spec": {"resources": {"requests": {"storage": "10Gi"}}}}}
ROUTED = {
    "route": {"receiver": "oncall", "routes": []},
    "receivers": [{"name": "oncall", "webhook_configs": [{"url_file": "/etc/alertmanager/secrets/receivers/url"}]}],
}
KNOWN_RELEASE = {
    "chart": "kube-prometheus-stack",
    "version": "65.1.0",
    "repositoryOpts": {"repo": "https://prometheus-community.github.io/helm-charts"},
    "values": {
        "prometheus-node-exporter": {"hostNetwork": True, "hostPID": True},
        "grafana": {"admin": {"existingSecret": "grafana-admin"}},
        "prometheus": {"prometheusSpec": {"replicas": 2, "storageSpec": CLAIM}},
        "alertmanager": {"config": ROUTED, "alertmanagerSpec": {"replicas": 2, "storage": CLAIM}},
    },
}


def _only(run: GateRun, policy_id: str) -> dict[str, Any]:
    found = [f for f in run.findings if f["policyId"] == policy_id]
    assert len(found) == 1, [(f["policyId"], f["message"]) for f in run.findings]
    return found[0]


def _rule(run: GateRun, policy_id: str) -> dict[str, Any]:
    return next(rule for rule in run.report["rules"] if rule["policyId"] == policy_id)


@pytest.fixture
def helm_packs(tmp_path: Path) -> Path:
    """Only the helm pack, so that the verdict is about Helm releases alone."""
    root = tmp_path / "helm-packs"
    root.mkdir()
    (root / "helm").symlink_to(REAL_PACKS / "helm", target_is_directory=True)
    return root


def test_every_weighed_policy_is_a_rule_that_exists() -> None:
    # A misspelt id would leave that rule's findings unweighed (a deny rule blocking everywhere).
    known = set(gate_rules()) | {rule.policy_id for pack in load_packs(REAL_PACKS) for rule in pack.rules}
    assert opaque_table().policies <= known
    assert set(GATE_POLICIES) <= opaque_table().policies


def test_a_patch_blocks_in_prod(gate: GateRunner, tmp_path: Path) -> None:
    patch = step("kubernetes:apps/v1:DeploymentPatch", "coredns", PATCH_BODY)
    run = gate(plan=write_plan(tmp_path, plan_document(patch, config=PROD)))
    finding = _only(run, "gate.patch_not_assessable")
    assert finding["blocking"] and finding["status"] == "fail"
    assert "Deployment" in finding["message"]
    assert run.exit_code == 1


def test_a_patch_body_is_rendered_under_its_own_kind(gate: GateRunner, tmp_path: Path) -> None:
    # Pod rules that find pod specs by shape see what the patch sets, and the patch never counts as
    # the object itself (a NetworkPolicyPatch is no NetworkPolicy in the namespace inventory).
    patch = step("kubernetes:apps/v1:DeploymentPatch", "coredns", PATCH_BODY)
    run = gate(plan=write_plan(tmp_path, plan_document(patch, config=DEV)))
    written = list((run.out / "manifests").glob("*.yaml"))
    assert [p.name for p in written] == ["deploymentpatch-kube-system-coredns.yaml"]
    assert yaml.safe_load(written[0].read_text(encoding="utf-8"))["kind"] == "DeploymentPatch"


def test_a_patch_is_a_warning_outside_prod(gate: GateRunner, tmp_path: Path) -> None:
    patch = step("kubernetes:apps/v1:DeploymentPatch", "coredns", PATCH_BODY)
    run = gate(plan=write_plan(tmp_path, plan_document(patch, config=DEV)))
    finding = _only(run, "gate.patch_not_assessable")
    assert not finding["blocking"] and finding["status"] == "fail"
    assert run.exit_code == 0


def test_a_patch_without_environment_is_a_warning(gate: GateRunner, tmp_path: Path) -> None:
    patch = step("kubernetes:core/v1:ServiceAccountPatch", "default", {"metadata": {"name": "default"}})
    run = gate(plan=write_plan(tmp_path, plan_document(patch)))
    assert not _only(run, "gate.patch_not_assessable")["blocking"]


@pytest.mark.parametrize("type_", sorted(opaque_table().opaque_types))
def test_every_opaque_type_blocks_in_prod_and_is_never_rendered(gate: GateRunner, tmp_path: Path, type_: str) -> None:
    # custom: true would otherwise make a v2 ConfigGroup look like a native object of kind ConfigGroup.
    resource = step(type_, "addons", {"files": ["addons/*.yaml"]}, custom=True)
    run = gate(plan=write_plan(tmp_path, plan_document(resource, config=PROD)))
    finding = _only(run, "gate.opaque_resource_not_assessable")
    assert finding["blocking"] and type_ in finding["message"]
    assert not list((run.out / "manifests").rglob("*.yaml"))
    assert run.exit_code == 1


def test_a_component_without_children_blocks_in_prod(gate: GateRunner, tmp_path: Path) -> None:
    component = step("ai-platform:monitoring:Stack", "observability")
    run = gate(plan=write_plan(tmp_path, plan_document(component, config=PROD)))
    finding = _only(run, "gate.component_children_missing")
    assert finding["blocking"] and "observability" in finding["message"]
    assert run.exit_code == 1


def test_a_component_with_a_child_and_the_stack_itself_are_silent(gate: GateRunner, tmp_path: Path) -> None:
    stack = step("pulumi:pulumi:Stack", "ai-platform-test", custom=False)
    component = step("ai-platform:network:Vpc", "vpc")
    child = step("random:index/randomId:RandomId", "suffix", parent=urn("ai-platform:network:Vpc", "vpc"))
    run = gate(plan=write_plan(tmp_path, plan_document(stack, component, child, config=PROD)))
    assert "gate.component_children_missing" not in run.policy_ids()
    assert run.exit_code == 0


def test_an_argo_application_in_a_prod_plan_blocks(gate: GateRunner, tmp_path: Path) -> None:
    body = {
        "metadata": {"name": "addons", "namespace": "argocd"},
        "spec": {"source": {"repoURL": "https://git.example.org/addons", "path": "prod"}},
    }
    application = step("kubernetes:argoproj.io/v1alpha1:Application", "addons", body)
    run = gate(plan=write_plan(tmp_path, plan_document(application, config=PROD)))
    finding = _only(run, "gate.opaque_resource_not_assessable")
    assert finding["blocking"] and "Application addons" in finding["message"]


def test_a_kustomization_among_manifests_is_reported(gate: GateRunner, tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata: {name: overlay}\n"
        "resources: [https://git.example.org/base]\n",
        encoding="utf-8",
    )
    run = gate(manifests=manifests)
    finding = _only(run, "gate.opaque_resource_not_assessable")
    # A manifests directory has no environment: reported as a warning.
    assert not finding["blocking"] and finding["location"]["file"].endswith("kustomization.yaml")


def test_a_waiver_accepts_a_not_assessable_finding_in_prod(gate: GateRunner, tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - id: WVR-900\n"
        "    policy: gate.patch_not_assessable\n"
        "    resource: {name: coredns}\n"
        "    owner: platform-team@example.com\n"
        "    justification: CoreDNS is an EKS add-on; only its replica count is patched.\n"
        "    ticket: PLAT-900\n"
        "    expires: 2027-01-31\n",
        encoding="utf-8",
    )
    patch = step("kubernetes:apps/v1:DeploymentPatch", "coredns", PATCH_BODY)
    run = gate(plan=write_plan(tmp_path, plan_document(patch, config=PROD)), waivers=waivers)
    assert run.exit_code == 0
    assert _only(run, "gate.patch_not_assessable")["waiver"]["id"] == "WVR-900"


def test_an_unknown_chart_blocks_in_prod_and_warns_in_dev(gate: GateRunner, tmp_path: Path, helm_packs: Path) -> None:
    release = step("kubernetes:helm.sh/v3:Release", "ops", {"chart": "some-operator", "version": "1.0.0"})
    prod = gate(plan=write_plan(tmp_path, plan_document(release, config=PROD), "prod.json"), packs=helm_packs)
    dev = gate(plan=write_plan(tmp_path, plan_document(release, config=DEV), "dev.json"), packs=helm_packs)
    assert _only(prod, "helm.deny_chart_not_known")["blocking"] and prod.exit_code == 1
    assert not _only(dev, "helm.deny_chart_not_known")["blocking"] and dev.exit_code == 0
    # Reports list the rule with the effect the environment gave it.
    assert _rule(prod, "helm.deny_chart_not_known")["effect"] == "deny"
    assert _rule(dev, "helm.deny_chart_not_known")["effect"] == "warn"


def test_a_known_chart_with_plain_values_passes_in_prod(gate: GateRunner, tmp_path: Path, helm_packs: Path) -> None:
    release = step("kubernetes:helm.sh/v3:Release", "monitoring", KNOWN_RELEASE)
    run = gate(plan=write_plan(tmp_path, plan_document(release, config=PROD)), packs=helm_packs)
    assert run.exit_code == 0, [(f["policyId"], f["message"]) for f in run.findings]
    # gate.checkov_not_run: the note GateRunner's --no-checkov adds to every run.
    assert run.policy_ids() - {"gate.checkov_not_run"} == {"gate.helm_release_not_rendered"}


def test_secret_values_make_a_known_chart_not_assessable_in_prod(
    gate: GateRunner, tmp_path: Path, helm_packs: Path
) -> None:
    release = step("kubernetes:helm.sh/v3:Release", "monitoring", {**KNOWN_RELEASE, "values": "[secret]"})
    run = gate(plan=write_plan(tmp_path, plan_document(release, config=PROD)), packs=helm_packs)
    assert _only(run, "helm.deny_values_not_assessable")["blocking"]
    assert run.exit_code == 1


def test_privileged_values_block_everywhere(gate: GateRunner, tmp_path: Path, helm_packs: Path) -> None:
    values = {"prometheusOperator": {"securityContext": {"privileged": True}}}
    release = step("kubernetes:helm.sh/v3:Release", "monitoring", {**KNOWN_RELEASE, "values": values})
    run = gate(plan=write_plan(tmp_path, plan_document(release, config=DEV)), packs=helm_packs)
    assert _only(run, "helm.deny_host_access_in_values")["blocking"]
    assert run.exit_code == 1
