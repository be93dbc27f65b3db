"""Kubernetes objects are validated in strict mode for the stack's Kubernetes version; errors are findings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml
from gate_support import UNKNOWN, GateRunner, k8s_step, plan_document, write_plan

from policies.gate.sources.schema import resolve_version

CONFIG_MAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "c", "namespace": "apps"},
    "data": {"k": "v"},
}


def _manifests(tmp_path: Path, *objects: Mapping[str, object]) -> Path:
    directory = tmp_path / "manifests"
    directory.mkdir(exist_ok=True)
    (directory / "objects.yaml").write_text(yaml.safe_dump_all(objects), encoding="utf-8")
    return directory


def test_unknown_field_is_a_blocking_schema_finding(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(manifests=_manifests(tmp_path, {**CONFIG_MAP, "spec": {"oops": 1}}))
    finding = next(f for f in run.findings if f["policyId"] == "schema.kubernetes_schema")
    assert finding["engine"] == "schema" and finding["status"] == "fail" and finding["blocking"]
    assert "'spec' was unexpected" in finding["message"]
    assert run.exit_code == 1


def test_every_schema_error_of_an_object_is_reported(gate: GateRunner, tmp_path: Path) -> None:
    bad = {**CONFIG_MAP, "data": {"k": 1}, "immutable": "yes"}
    run = gate(manifests=_manifests(tmp_path, bad))
    messages = [f["message"] for f in run.findings if f["policyId"] == "schema.kubernetes_schema"]
    assert len(messages) == 2
    assert any("data[k]" in m or "data.k" in m for m in messages)
    assert any("immutable" in m for m in messages)


def test_valid_objects_produce_no_schema_finding(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(manifests=_manifests(tmp_path, CONFIG_MAP))
    assert not [f for f in run.findings if f["engine"] == "schema"]
    assert run.report["validation"]["objectsValidated"] == 1


def test_custom_resources_are_reported_as_not_validated_info(gate: GateRunner, tmp_path: Path) -> None:
    rule = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "r", "namespace": "m"},
        "spec": {"groups": []},
    }
    run = gate(manifests=_manifests(tmp_path, rule))
    note = next(f for f in run.findings if f["policyId"] == "schema.not_validated")
    assert note["status"] == "info" and not note["blocking"]
    assert run.exit_code == 0
    assert run.report["validation"]["objectsNotValidated"] == 1


def test_a_value_unknown_before_apply_is_an_unknown_schema_verdict(gate: GateRunner, tmp_path: Path) -> None:
    quota = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "a"}, "immutable": UNKNOWN}
    run = gate(plan=write_plan(tmp_path, plan_document(k8s_step(quota))))
    finding = next(f for f in run.findings if f["policyId"] == "schema.kubernetes_schema")
    assert finding["status"] == "unknown"


def test_the_stack_kubernetes_version_selects_the_schemas(gate: GateRunner, tmp_path: Path) -> None:
    document = plan_document(k8s_step(CONFIG_MAP), config={"ai-platform:kubernetesVersion": "1.30"})
    run = gate(plan=write_plan(tmp_path, document))
    assert run.report["validation"]["kubernetesVersionValidated"] == "1.30"
    assert run.report["validation"]["kubernetesVersionFallback"] is False


def test_a_version_newer_than_shipped_falls_back_to_the_newest_and_says_so() -> None:
    version = resolve_version("9.99")
    assert version.fallback
    assert version.used == resolve_version("1.999").used


def test_a_secrets_hidden_payload_is_valid_but_the_rest_of_it_is_still_validated(
    gate: GateRunner, tmp_path: Path
) -> None:
    # Pulumi marks a Secret's whole stringData secret: the plan shows "[secret]" where a map is expected.
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "a"}, "type": "Opaque"}
    hidden = gate(plan=write_plan(tmp_path, plan_document(k8s_step({**secret, "stringData": "[secret]"}))))
    assert not [f for f in hidden.findings if f["engine"] == "schema"]
    broken = {**secret, "stringData": "[secret]", "immutable": "yes"}
    run = gate(plan=write_plan(tmp_path, plan_document(k8s_step(broken)), name="broken.json"))
    messages = [f["message"] for f in run.findings if f["policyId"] == "schema.kubernetes_schema"]
    assert len(messages) == 1 and "immutable" in messages[0]


def test_a_hidden_map_outside_a_secrets_payload_stays_an_unknown_verdict(gate: GateRunner, tmp_path: Path) -> None:
    config_map = {**CONFIG_MAP, "data": "[secret]"}
    run = gate(plan=write_plan(tmp_path, plan_document(k8s_step(config_map))))
    finding = next(f for f in run.findings if f["policyId"] == "schema.kubernetes_schema")
    assert finding["status"] == "unknown"
