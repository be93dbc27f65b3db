"""The node-agents namespace's quota holds the GPU agents of every GPU node the pools can have: a DaemonSet pod
refused by the quota leaves a GPU node without its device plugin (no GPUs advertised) or its exporter."""

from __future__ import annotations

from typing import Any

import pulumi

from infra.components.access.namespaces import GovernedNamespace
from infra.components.gpu import footprint
from infra.components.gpu.footprint import BASE_QUOTA, CONTAINER_DEFAULT, Footprint, mebibytes, millicores
from infra.components.monitoring import names
from infra.config import PlatformConfig, load_stack_file
from infra.offline.plan import run_program
from tests.infra.component_harness import ROOT, record


def _config(stack: str) -> PlatformConfig:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    return config


def _node_agents_quotas(recorded: list[Any]) -> list[dict[str, str]]:
    """The node-agents quota of each cluster (one per region)."""
    return [
        r.inputs["spec"]["hard"]
        for r in recorded
        if r.type == "kubernetes:core/v1:ResourceQuota"
        and r.inputs["metadata"]["namespace"] == names.NODE_AGENTS_NAMESPACE
        and r.inputs["metadata"]["name"] == "compute"
    ]


def test_prod_quota_holds_both_agents_on_every_gpu_node_at_maximum_size() -> None:
    config = _config("prod")
    nodes = footprint.max_gpu_nodes(config)
    assert nodes == 20  # prod: inference maxSize 16 + training maxSize 4
    needed = footprint.per_node(config).times(nodes)
    recorded, _ = run_program("prod", ROOT)
    quotas = _node_agents_quotas(recorded)
    assert len(quotas) == len(config.regions)
    for hard in quotas:
        assert millicores(hard["limits.cpu"]) >= needed.millicores
        assert mebibytes(hard["limits.memory"]) >= needed.mebibytes
        assert int(hard["pods"]) >= footprint.AGENT_PODS_PER_NODE * nodes
    # The base quota alone would refuse the agents of the last GPU nodes.
    assert needed.mebibytes > mebibytes(BASE_QUOTA.memory)


def test_per_node_footprint_is_what_the_releases_set() -> None:
    # Unshared (prod): DCGM exporter 200m/512Mi + plugin 100m/256Mi, as in the values files.
    assert footprint.per_node(_config("prod")) == Footprint(300, 768)
    # Shared (staging): the config-manager sidecar gets the LimitRange default beside the plugin.
    assert footprint.per_node(_config("staging")) == Footprint(300 + CONTAINER_DEFAULT.millicores, 768 + 512)


def test_small_stacks_keep_the_base_quota() -> None:
    for stack in ("dev", "staging"):
        assert footprint.node_agents_quota(_config(stack)) == BASE_QUOTA


def test_quota_grows_with_a_pools_maximum_size() -> None:
    config = _config("dev")
    pools = dict(config.node_pools)
    pools["gpu"] = pools["gpu"].model_copy(update={"max_size": 100})
    quota = footprint.node_agents_quota(config.model_copy(update={"node_pools": pools}))
    assert millicores(quota.cpu) == 100 * 300
    assert quota.pods == 200


def test_container_default_is_the_namespaces_limit_range_default() -> None:
    def declare() -> None:
        GovernedNamespace(
            "ns", namespace="x", quota=BASE_QUOTA, labels={}, opts=pulumi.ResourceOptions(), pod_security="privileged"
        )

    (limit_range,) = [r for r in record("dev", declare) if r.type == "kubernetes:core/v1:LimitRange"]
    (container,) = [entry for entry in limit_range.inputs["spec"]["limits"] if entry["type"] == "Container"]
    default = container["default"]
    assert Footprint(millicores(default["cpu"]), mebibytes(default["memory"])) == CONTAINER_DEFAULT
