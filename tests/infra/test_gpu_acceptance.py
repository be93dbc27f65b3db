"""Issue 9's acceptance on the prod plan: in each region, the device plugin, the DCGM exporter with its
ServiceMonitor, the autoscaler with GPU pools able to scale from zero, and the three priority classes."""

from __future__ import annotations

import pytest

from infra.components.access import priority_classes
from infra.components.gpu import dcgm_exporter, device_plugin
from infra.components.monitoring import names
from infra.components.nodes import autoscaler
from infra.components.nodes.spec import accelerators
from tests.infra.plan_view import PlanView, Resource

RELEASE = "kubernetes:helm.sh/v3:Release"
ASG_TAG = "aws:autoscaling/tag:Tag"
TEMPLATE = "k8s.io/cluster-autoscaler/node-template"


def _in_region(resources: list[Resource], stack: str, region: str) -> list[Resource]:
    # Every per-region resource is named after its RegionalPlatform, `<stack>-<region>-...`.
    return [r for r in resources if r.name.startswith(f"{stack}-{region}-")]


def _regions(plan: PlanView) -> list[str]:
    return [r["name"] for r in plan.config("regions")]


@pytest.fixture
def prod(plans: dict[str, PlanView]) -> PlanView:
    return plans["prod"]


def _releases(plan: PlanView, region: str) -> dict[str, Resource]:
    return {r.inputs["name"]: r for r in _in_region(plan.of_type(RELEASE), "prod", region)}


def test_every_prod_region_runs_the_device_plugin_and_the_dcgm_exporter_with_its_service_monitor(
    prod: PlanView,
) -> None:
    for region in _regions(prod):
        releases = _releases(prod, region)
        plugin = releases[device_plugin.RELEASE]
        assert plugin.inputs["chart"] == device_plugin.CHART
        exporter = releases[names.DCGM_EXPORTER_RELEASE]
        assert exporter.inputs["chart"] == dcgm_exporter.CHART
        monitor = exporter.inputs["values"]["serviceMonitor"]
        assert monitor["enabled"] is True
        assert monitor["additionalLabels"] == names.SELECTOR_LABELS


def test_every_prod_region_runs_the_autoscaler_and_its_gpu_pools_scale_from_zero(prod: PlanView) -> None:
    resource = accelerators()["nvidia"].resource
    gpu_pools = {name for name, pool in prod.config("nodePools").items() if pool.get("accelerator") == "nvidia"}
    assert len(gpu_pools) == 2
    for region in _regions(prod):
        assert autoscaler.CHART in {r.inputs["chart"] for r in _releases(prod, region).values()}
        tags = _in_region(prod.of_type(ASG_TAG), "prod", region)
        for pool in gpu_pools:
            (group,) = [
                g
                for g in _in_region(prod.of_type("aws:eks/nodeGroup:NodeGroup"), "prod", region)
                if g.inputs["labels"]["ai-platform/pool"] == pool
            ]
            assert group.inputs["scalingConfig"]["minSize"] == 0
            advertised = [
                t.inputs["tag"]["value"]
                for t in tags
                if t.name.startswith(f"prod-{region}-nodes-{pool}-")
                and t.inputs["tag"]["key"] == f"{TEMPLATE}/resources/{resource}"
            ]
            assert advertised and int(advertised[0]) >= 1, f"{region}/{pool} cannot scale from zero"


def test_every_prod_region_has_the_three_priority_classes(prod: PlanView) -> None:
    expected = {priority_classes.SYSTEM, priority_classes.INFERENCE, priority_classes.BATCH}
    for region in _regions(prod):
        declared = {r.inputs["metadata"]["name"] for r in _in_region(prod.k8s_objects("PriorityClass"), "prod", region)}
        assert declared == expected
