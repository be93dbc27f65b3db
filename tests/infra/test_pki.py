"""The platform PKI and the default StorageClass in every cluster: pinned cert-manager and trust-manager whose
values the charts' own schemas accept, a self-signed bootstrap -> CA -> ClusterIssuer chain, the CA bundle
distributed to the object-store users' namespaces, and gp3 volumes encrypted with the region's storage key."""

from __future__ import annotations

from typing import Any

import pytest

from infra.components.security.pki import component as pki_component
from infra.components.security.pki import names as pki_names
from infra.components.storage.contract import ca_bundle, cluster_issuer, namespace
from infra.components.storage.storage_class import DEFAULT_CLASS_ANNOTATION, DEFAULT_STORAGE_CLASS
from infra.components.storage.users import object_store_users
from infra.config import load_stack_file
from tests.infra.component_harness import ROOT
from tests.infra.plan_view import PlanView, Resource
from tests.infra.schemas import crd_problems, values_problems

RELEASE = "kubernetes:helm.sh/v3:Release"


def _regions(plan: PlanView) -> list[str]:
    return [r["name"] for r in plan.config("regions")]


def _of_kind(plan: PlanView, stack: str, region: str, kind: str) -> list[Resource]:
    return [r for r in plan.k8s_objects(kind) if r.name.startswith(f"{stack}-{region}-")]


def _stack(plan: PlanView) -> str:
    stack: str = plan.document["steps"][0]["urn"].split("::")[0].removeprefix("urn:pulumi:")
    return stack


def test_every_cluster_installs_cert_manager_then_trust_manager_pinned(plan: PlanView) -> None:
    stack = _stack(plan)
    for region in _regions(plan):
        releases = {
            r.inputs["chart"]: r for r in plan.of_type(RELEASE) if r.name.startswith(f"{stack}-{region}-k8s-pki-")
        }
        assert set(releases) == {"cert-manager", "trust-manager"}
        for chart, release in releases.items():
            pin = pki_component.pin(chart)
            assert release.inputs["version"] == pin.version
            assert release.inputs["repositoryOpts"]["repo"] == pin.repository
            assert release.inputs["namespace"] == namespace("certManager")
        assert releases["cert-manager"].inputs["values"]["crds"]["enabled"] is True
        # trust-manager's webhook certificate is a cert-manager Certificate.
        assert releases["cert-manager"].urn in releases["trust-manager"].dependencies


@pytest.mark.parametrize(
    ("chart", "values"),
    [("cert-manager", pki_component.cert_manager_values), ("trust-manager", pki_component.trust_manager_values)],
)
def test_chart_values_match_the_pinned_charts_schema(chart: str, values: Any) -> None:
    schema = f"{chart}-{pki_component.pin(chart).version}.values.schema.json"
    assert values_problems(schema, values()) == []


def test_ca_chain_ends_in_the_contracts_cluster_issuer(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    for region in _regions(plan):
        (bootstrap,) = _of_kind(plan, "prod", region, "Issuer")
        assert bootstrap.inputs["spec"] == {"selfSigned": {}}
        (ca,) = [c for c in _of_kind(plan, "prod", region, "Certificate") if c.inputs["spec"].get("isCA")]
        assert ca.inputs["spec"]["issuerRef"]["name"] == bootstrap.inputs["metadata"]["name"]
        assert ca.inputs["spec"]["privateKey"]["algorithm"] == "ECDSA"
        (issuer,) = _of_kind(plan, "prod", region, "ClusterIssuer")
        assert issuer.inputs["metadata"]["name"] == cluster_issuer()
        assert issuer.inputs["spec"]["ca"]["secretName"] == ca.inputs["spec"]["secretName"]
        assert ca.urn in issuer.dependencies


def test_the_bundle_writes_the_contracts_configmap_into_labelled_user_namespaces(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.prod.yaml")
    namespaces = {r.inputs["metadata"]["name"]: r for r in plan.k8s_objects("Namespace")}
    for region in _regions(plan):
        (bundle,) = _of_kind(plan, "prod", region, "Bundle")
        spec = bundle.inputs["spec"]
        assert (bundle.inputs["metadata"]["name"], spec["target"]["configMap"]["key"]) == ca_bundle()
        selector = spec["target"]["namespaceSelector"]["matchLabels"]
        assert selector == pki_names.TRUST_BUNDLE_LABELS
        (ca,) = [c for c in _of_kind(plan, "prod", region, "Certificate") if c.inputs["spec"].get("isCA")]
        assert spec["sources"] == [{"secret": {"name": ca.inputs["spec"]["secretName"], "key": "tls.crt"}}]
    # The bucket reconciler's namespace (storage jobs) is created by the bucket-contract component.
    for user in object_store_users(config):
        if user.namespace == namespace("jobs"):
            continue
        labels = namespaces[user.namespace].inputs["metadata"]["labels"]
        assert labels.items() >= pki_names.TRUST_BUNDLE_LABELS.items(), user


@pytest.mark.parametrize("kind", ["Certificate", "ClusterIssuer", "Issuer", "Bundle"])
def test_pki_objects_match_the_pinned_crds(plans: dict[str, PlanView], kind: str) -> None:
    objects = plans["prod"].k8s_objects(kind)
    assert objects
    for resource in objects:
        api_version = resource.type.removeprefix("kubernetes:").rsplit(":", 1)[0]
        body = {"metadata": resource.inputs["metadata"], "spec": resource.inputs["spec"]}
        assert crd_problems(api_version, kind, body) == []


def test_each_cluster_has_one_default_class_gp3_encrypted_with_its_storage_key(plan: PlanView) -> None:
    stack = _stack(plan)
    for region in _regions(plan):
        classes = _of_kind(plan, stack, region, "StorageClass")
        defaults = [
            c for c in classes if c.inputs["metadata"].get("annotations", {}).get(DEFAULT_CLASS_ANNOTATION) == "true"
        ]
        (default,) = defaults
        assert default.inputs["metadata"]["name"] == DEFAULT_STORAGE_CLASS
        assert default.inputs["provisioner"] == "ebs.csi.aws.com"
        assert default.inputs["volumeBindingMode"] == "WaitForFirstConsumer"
        assert default.inputs["allowVolumeExpansion"] is True
        parameters = default.inputs["parameters"]
        assert parameters["type"] == "gp3" and parameters["encrypted"] == "true"
        key = plan.find_by_output("aws:kms/key:Key", "arn", parameters["kmsKeyId"])
        assert key.name.endswith("-storage") and plan.region_of(key) == region
