"""The offline plan has the `pulumi preview --json` shape, and its graph is whole and deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.offline.plan import plan_document, run_program
from tests.infra.plan_view import PlanView

ROOT = Path(__file__).resolve().parents[2]
STEP_KEYS = {"op", "urn", "provider", "newState"}
STATE_KEYS = {"urn", "custom", "type", "inputs", "parent", "provider", "dependencies", "propertyDependencies"}


def test_document_has_the_preview_shape(plan: PlanView) -> None:
    assert set(plan.document) == {"config", "steps", "changeSummary"}
    for step in plan.document["steps"]:
        assert set(step) == STEP_KEYS
        assert set(step["newState"]) >= STATE_KEYS
        assert step["op"] == "create"
    assert plan.document["changeSummary"] == {"create": len(plan.document["steps"])}


def test_config_is_passed_as_the_engine_passes_it(plan: PlanView) -> None:
    assert all(isinstance(v, str) for v in plan.document["config"].values())
    assert plan.document["config"]["ai-platform:environment"] in {"dev", "staging", "prod"}


def test_urns_are_unique(plan: PlanView) -> None:
    urns = [r.urn for r in plan.resources]
    assert len(urns) == len(set(urns))


def test_every_parent_dependency_and_provider_exists(plan: PlanView) -> None:
    for resource in plan.resources:
        if resource.type != "pulumi:pulumi:Stack":
            assert resource.parent in plan.by_urn, resource.urn
        for dependency in resource.dependencies:
            assert dependency in plan.by_urn, (resource.urn, dependency)
        if resource.provider:
            assert resource.provider.rsplit("::", 1)[0] in plan.by_urn, resource.urn


def test_every_cloud_resource_names_an_explicit_provider_of_its_package(plan: PlanView) -> None:
    for resource in plan.resources:
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            continue
        package = resource.type.split(":")[0]
        provider = plan.by_urn[resource.provider.rsplit("::", 1)[0]]
        assert provider.type == f"pulumi:providers:{package}", resource.urn


def test_children_of_a_region_use_that_regions_provider(plan: PlanView) -> None:
    for resource in plan.resources:
        if resource.type.startswith("aws:") and resource.type != "aws:budgets/budget:Budget":
            region = plan.region_of(resource)
            region_tag = resource.inputs.get("tags", {}).get("ai-platform/region")
            if region_tag is not None:
                assert region_tag == region, resource.urn


def test_secrets_are_redacted_and_integers_are_integers(plan: PlanView) -> None:
    text = json.dumps(plan.document)
    kubeconfigs = [p.inputs["kubeconfig"] for p in plan.of_type("pulumi:providers:kubernetes")]
    assert kubeconfigs and set(kubeconfigs) == {"[secret]"}
    assert "certificate-authority-data" not in text

    def floats(value: object) -> list[float]:
        if isinstance(value, dict):
            return [f for v in value.values() for f in floats(v)]
        if isinstance(value, list):
            return [f for v in value for f in floats(v)]
        return [value] if isinstance(value, float) and value.is_integer() else []

    assert floats(plan.document) == []


def test_outputs_link_resources(plan: PlanView) -> None:
    """A node group's clusterName is the mocked cluster's name, and it depends on that cluster."""
    clusters = {c.inputs["name"]: c.urn for c in plan.of_type("aws:eks/cluster:Cluster")}
    for group in plan.of_type("aws:eks/nodeGroup:NodeGroup"):
        assert clusters[group.inputs["clusterName"]] in group.dependencies


@pytest.mark.parametrize("stack", ["dev"])
def test_the_same_config_gives_the_same_plan(stack: str) -> None:
    first = plan_document(*run_program(stack, ROOT))
    second = plan_document(*run_program(stack, ROOT))
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_prod_spans_two_regions_with_gpu_pools_in_each(plans: dict[str, PlanView]) -> None:
    prod = plans["prod"]
    regions_with_gpu = {
        prod.region_of(g)
        for g in prod.of_type("aws:eks/nodeGroup:NodeGroup")
        if g.inputs["amiType"] == "AL2023_x86_64_NVIDIA"
        and {"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"} in g.inputs["taints"]
    }
    assert len(regions_with_gpu) >= 2
