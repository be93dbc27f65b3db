"""Node pools: IMDSv2-only, encrypted gp3, GPU pool tainted and labelled, scale from zero, tagged for cost."""

from __future__ import annotations

from tests.infra.plan_view import PlanView, Resource

COST_TAGS = {"ai-platform/stack", "ai-platform/region", "ai-platform/team", "ai-platform/pool"}


def _template_of(plan: PlanView, group: Resource) -> Resource:
    return plan.find_by_output("aws:ec2/launchTemplate:LaunchTemplate", "id", group.inputs["launchTemplate"]["id"])


def _pool(group: Resource) -> str:
    pool: str = group.inputs["labels"]["ai-platform/pool"]
    return pool


def test_every_cluster_has_one_node_group_per_configured_pool(plan: PlanView) -> None:
    for cluster in plan.of_type("aws:eks/cluster:Cluster"):
        groups = [
            g for g in plan.of_type("aws:eks/nodeGroup:NodeGroup") if g.inputs["clusterName"] == cluster.inputs["name"]
        ]
        assert sorted(_pool(g) for g in groups) == sorted(plan.config("nodePools"))


def test_every_launch_template_requires_imdsv2_with_hop_limit_one(plan: PlanView) -> None:
    for group in plan.of_type("aws:eks/nodeGroup:NodeGroup"):
        options = _template_of(plan, group).inputs["metadataOptions"]
        assert options["httpTokens"] == "required"
        assert options["httpPutResponseHopLimit"] == 1
        assert options["httpEndpoint"] == "enabled"


def test_every_node_volume_is_encrypted_gp3_with_a_platform_key(plan: PlanView) -> None:
    for group in plan.of_type("aws:eks/nodeGroup:NodeGroup"):
        (mapping,) = _template_of(plan, group).inputs["blockDeviceMappings"]
        ebs = mapping["ebs"]
        assert ebs["encrypted"] == "true"
        assert ebs["volumeType"] == "gp3"
        key = plan.find_by_output("aws:kms/key:Key", "arn", ebs["kmsKeyId"])
        assert key.inputs["enableKeyRotation"] is True


def test_gpu_pool_has_nvidia_ami_taint_label_and_scales_from_zero(plan: PlanView) -> None:
    gpu_config = plan.config("nodePools")["gpu"]
    gpu_groups = [g for g in plan.of_type("aws:eks/nodeGroup:NodeGroup") if _pool(g) == "gpu"]
    assert gpu_groups
    for group in gpu_groups:
        assert group.inputs["amiType"] == "AL2023_x86_64_NVIDIA"
        assert {"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"} in group.inputs["taints"]
        assert group.inputs["labels"]["nvidia.com/gpu.present"] == "true"
        assert group.inputs["scalingConfig"]["minSize"] == gpu_config["minSize"] == 0
        assert group.inputs["tags"]["k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu"] == "true:NoSchedule"


def test_system_pool_is_reserved_for_critical_addons(plan: PlanView) -> None:
    for group in plan.of_type("aws:eks/nodeGroup:NodeGroup"):
        critical = {"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"} in group.inputs["taints"]
        assert critical is (_pool(group) == "system")


def test_exactly_the_nvidia_pools_use_an_nvidia_ami(plan: PlanView) -> None:
    pools = plan.config("nodePools")
    for group in plan.of_type("aws:eks/nodeGroup:NodeGroup"):
        nvidia = pools[_pool(group)].get("accelerator") == "nvidia"
        assert ("NVIDIA" in group.inputs["amiType"]) is nvidia


def test_node_groups_and_templates_carry_cost_allocation_tags(plan: PlanView) -> None:
    for group in plan.of_type("aws:eks/nodeGroup:NodeGroup"):
        assert set(group.inputs["tags"]) >= COST_TAGS, group.urn
        template = _template_of(plan, group)
        for spec in template.inputs["tagSpecifications"]:
            assert set(spec["tags"]) >= COST_TAGS, template.urn


def test_capacity_types_follow_the_stack(plans: dict[str, PlanView]) -> None:
    capacity = {
        (stack, _pool(g)): g.inputs["capacityType"]
        for stack, view in plans.items()
        for g in view.of_type("aws:eks/nodeGroup:NodeGroup")
    }
    assert capacity[("dev", "gpu")] == "SPOT"
    assert capacity[("prod", "system")] == "ON_DEMAND"
    assert capacity[("prod", "gpu")] == "ON_DEMAND"
