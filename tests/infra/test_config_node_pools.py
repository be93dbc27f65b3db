"""Node pools are named data: each pool's role and accelerator decide what it needs, and a pool the platform
could not schedule on (no system pool, GPUs never advertised, GPU counts the autoscaler cannot model) is refused
with the key path of the offending value."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.components.nodes.spec import accelerators, gpus_per_instance, pool_specs
from infra.config import ConfigError, load_stack_file, parse_platform_config

ROOT = Path(__file__).resolve().parents[2]


def _config(stack: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    config: dict[str, Any] = copy.deepcopy(document["config"])
    return config


def _pools(config: dict[str, Any]) -> dict[str, Any]:
    pools: dict[str, Any] = config["ai-platform:nodePools"]
    return pools


def _problems(config: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_platform_config(config)
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def test_pools_are_named_freely_and_keyed_on_their_accelerator() -> None:
    config = _config("dev")
    pools = _pools(config)
    pools["a100-train"] = pools.pop("gpu")
    parsed = parse_platform_config(config)
    (spec,) = [s for s in pool_specs(parsed) if s.name == "a100-train"]
    nvidia = accelerators()["nvidia"]
    assert spec.ami_type == nvidia.default_ami_type
    assert set(nvidia.taints) <= set(spec.taints)
    assert nvidia.labels.items() <= spec.labels.items()


def test_a_pool_named_gpu_without_an_accelerator_gets_no_gpu_behaviour() -> None:
    config = _config("dev")
    gpu = _pools(config)["gpu"]
    gpu["accelerator"] = "none"
    gpu["instanceTypes"] = ["m7i.xlarge"]
    (spec,) = [s for s in pool_specs(parse_platform_config(config)) if s.name == "gpu"]
    assert not spec.accelerated
    assert "NVIDIA" not in spec.ami_type
    assert all(t.key != "nvidia.com/gpu" for t in spec.taints)


def test_a_stack_needs_a_system_pool() -> None:
    config = _config("dev")
    _pools(config)["system"]["role"] = "general"
    assert "ai-platform:nodePools: no pool has role: system" in "\n".join(_problems(config))


def test_prod_keeps_two_system_nodes_across_its_system_pools() -> None:
    config = _config("prod")
    _pools(config)["system"] |= {"minSize": 1, "desiredSize": 1}
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.system.minSize: prod keeps at least two system nodes")


def test_system_pools_are_never_spot() -> None:
    config = _config("dev")
    _pools(config)["system"]["capacityType"] = "spot"
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.system.capacityType: system pools must be on-demand in dev")


def test_prod_inference_pools_are_on_demand_but_training_pools_may_be_spot() -> None:
    config = _config("prod")
    assert _pools(config)["training"]["capacityType"] == "spot"
    _pools(config)["gpu"]["capacityType"] = "spot"
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.gpu.capacityType: inference pools must be on-demand in prod")


def test_an_nvidia_pool_needs_an_nvidia_ami() -> None:
    config = _config("dev")
    _pools(config)["gpu"]["amiType"] = "AL2023_x86_64_STANDARD"
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.gpu.amiType: accelerator nvidia needs one of the AMI types")


def test_an_nvidia_ami_on_a_pool_without_accelerator_is_refused() -> None:
    config = _config("dev")
    _pools(config)["cpu"]["amiType"] = "AL2023_x86_64_NVIDIA"
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.cpu.amiType: accelerator none needs one of the AMI types")


def test_gpu_instances_in_a_pool_without_accelerator_are_refused() -> None:
    config = _config("dev")
    _pools(config)["cpu"]["instanceTypes"] = ["m7i.xlarge", "g6.xlarge"]
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.cpu.instanceTypes[1]: this instance type has GPUs")


def test_an_unknown_gpu_instance_type_names_the_table_to_extend() -> None:
    config = _config("dev")
    _pools(config)["gpu"]["instanceTypes"] = ["g6.xlarge", "g99.xlarge"]
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.gpu.instanceTypes[1]: no nvidia GPU count known")
    assert "infra/components/nodes/gpu_instance_types.yaml" in problem


def test_instance_types_with_different_gpu_counts_are_refused() -> None:
    config = _config("dev")
    _pools(config)["gpu"]["instanceTypes"] = ["g6.xlarge", "g6.12xlarge"]
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.gpu.instanceTypes: instance types with different GPU counts")


def test_gpu_sharing_needs_an_accelerator_and_one_mode() -> None:
    config = _config("dev")
    _pools(config)["cpu"]["gpuSharing"] = {"timeSlicingReplicas": 2}
    _pools(config)["gpu"]["gpuSharing"] = {"timeSlicingReplicas": 2, "migStrategy": "single"}
    problems = _problems(config)
    assert "ai-platform:nodePools.cpu.gpuSharing: GPU sharing needs an accelerator (accelerator: nvidia)" in problems
    assert "ai-platform:nodePools.gpu.gpuSharing: choose timeSlicingReplicas or migStrategy: the plugin does one" in (
        problems
    )


def test_a_pool_name_must_fit_node_group_names() -> None:
    config = _config("dev")
    _pools(config)["GPU_Pool"] = _pools(config).pop("gpu")
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.GPU_Pool")


def test_time_slicing_multiplies_what_a_node_advertises() -> None:
    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.staging.yaml")
    (gpu,) = [s for s in pool_specs(config) if s.name == "gpu"]
    physical = gpus_per_instance("nvidia", config.node_pools["gpu"].instance_types[0])
    assert physical == 1
    assert gpu.advertised_per_node == 4 * physical
    assert gpu.max_accelerators == 4 * physical * config.node_pools["gpu"].max_size
    assert gpu.labels["nvidia.com/device-plugin.config"] == "gpu"


def test_a_sharing_pool_named_default_would_replace_the_plugins_fallback() -> None:
    config = _config("staging")
    _pools(config)["default"] = _pools(config).pop("gpu")
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.default: a pool named 'default' cannot share its GPUs")


def test_sharing_on_an_ami_with_its_own_device_plugin_is_refused() -> None:
    config = _config("staging")
    _pools(config)["gpu"]["amiType"] = "BOTTLEROCKET_x86_64_NVIDIA"
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.gpu.gpuSharing: this AMI runs its own device plugin")


def test_mig_mixed_pools_cannot_scale_from_zero() -> None:
    config = _config("dev")
    _pools(config)["gpu"]["gpuSharing"] = {"migStrategy": "mixed"}
    (problem,) = _problems(config)
    assert problem.startswith("ai-platform:nodePools.gpu.minSize: MIG mixed advertises")
    _pools(config)["gpu"] |= {"minSize": 1, "desiredSize": 1}
    parse_platform_config(config)
