"""The NVIDIA device plugin release: pinned chart from NVIDIA's repository, in the node-agents namespace, on
every NVIDIA pool and no other (placement derived from the pools' labels and taints), per-pool GPU sharing
from config, and no plugin in a stack without NVIDIA pools."""

from __future__ import annotations

import re
from typing import Any

import kubernetes_validate
import pytest
import yaml

from infra.components.gpu import device_plugin
from infra.components.gpu.charts import pin
from infra.components.gpu.device_plugin import DEFAULT_CONFIG, DevicePlugin
from infra.components.monitoring import names
from infra.components.nodes.spec import DEVICE_PLUGIN_CONFIG_LABEL, accelerated_pools, pool_specs
from infra.config import PlatformConfig, load_stack_file
from infra.config.model import GpuSharingConfig, Taint
from infra.context import StackContext
from infra.offline.plan import run_program, run_with_config
from tests.infra.component_harness import ROOT, record

RELEASE_TYPE = "kubernetes:helm.sh/v3:Release"
POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
VPC_CIDR = "10.30.0.0/16"


def _config(stack: str = "prod") -> PlatformConfig:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    return config


def _with_pool(config: PlatformConfig, pool: str, **update: Any) -> PlatformConfig:
    pools = dict(config.node_pools)
    pools[pool] = pools[pool].model_copy(update=update)
    return config.model_copy(update={"node_pools": pools})


def _recorded(config: PlatformConfig, stack: str = "prod") -> list[Any]:
    ctx = StackContext(project="ai-platform", stack=stack, config=config)
    return record(stack, lambda: DevicePlugin("device-plugin", ctx=ctx, vpc_cidr=VPC_CIDR))


def _release(config: PlatformConfig, stack: str = "prod") -> Any:
    (release,) = [r for r in _recorded(config, stack) if r.type == RELEASE_TYPE]
    return release


def _values(config: PlatformConfig, stack: str = "prod") -> dict[str, Any]:
    values: dict[str, Any] = _release(config, stack).inputs["values"]
    return values


def _tolerates(tolerations: list[dict[str, str]], taint: Taint) -> bool:
    """Kubernetes' ToleratesTaint: key, effect (empty matches all) and, for Equal, value must match."""
    for t in tolerations:
        if t.get("effect") and t["effect"] != taint.effect:
            continue
        if t.get("operator", "Equal") == "Exists":
            if not t.get("key") or t["key"] == taint.key:
                return True
        elif t.get("key") == taint.key and t.get("value", "") == taint.value:
            return True
    return False


def _affinity_admits(affinity: dict[str, Any], labels: dict[str, str]) -> bool:
    terms = affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    for term in terms:
        expressions = term["matchExpressions"]
        assert all(e["operator"] == "In" for e in expressions), "only In expressions are expected here"
        if all(labels.get(e["key"]) in e["values"] for e in expressions):
            return True
    return False


def _lands_on(values: dict[str, Any], spec: Any) -> bool:
    """Whether the plugin's pod can be scheduled on a node of this pool: selector, affinity and every taint."""
    return (
        values["nodeSelector"].items() <= spec.labels.items()
        and _affinity_admits(values["affinity"], spec.labels)
        and all(_tolerates(values["tolerations"], t) for t in spec.taints if t.effect != "PreferNoSchedule")
    )


def test_chart_is_pinned_and_from_the_repository_and_registry_the_helm_pack_knows() -> None:
    release = _release(_config())
    assert release.inputs["chart"] == "nvidia-device-plugin"
    assert re.fullmatch(r"\d+\.\d+\.\d+", release.inputs["version"])
    assert release.inputs["version"] == pin("nvidia-device-plugin").version
    charts = (ROOT / "policies" / "packs" / "helm" / "charts.rego").read_text(encoding="utf-8")
    entry = re.search(r'"nvidia-device-plugin": \{(.*?)\n\t\}', charts, re.DOTALL)
    assert entry, "the helm pack's chart table has no nvidia-device-plugin entry"
    assert f'"{release.inputs["repositoryOpts"]["repo"]}"' in entry.group(1)
    image = release.inputs["values"]["image"]
    assert any(image["repository"].startswith(r) for r in re.findall(r'"(nvcr\.io/[^"]*)"', entry.group(1)))
    # The image is the chart's own appVersion (the chart's default tag is v<appVersion>), pinned.
    assert image["tag"] == f"v{release.inputs['version']}"


def test_runs_in_the_node_agents_namespace_as_a_node_critical_pod() -> None:
    release = _release(_config())
    assert release.inputs["name"] == device_plugin.RELEASE
    assert release.inputs["namespace"] == names.NODE_AGENTS_NAMESPACE
    assert release.inputs["values"]["priorityClassName"] == "system-node-critical"


def test_no_feature_discovery_and_no_driver_install() -> None:
    values = _values(_config())
    assert values["gfd"]["enabled"] is False
    assert values["nfd"]["enabled"] is False
    assert values["devicePlugin"]["enabled"] is True
    assert not {"driver", "toolkit", "operator"} & set(values)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_lands_on_every_nvidia_pool_and_on_no_other_pool(stack: str) -> None:
    config = _config(stack)
    values = _values(config, stack)
    assert accelerated_pools(config, "nvidia"), f"{stack} has no nvidia pool: the test would be vacuous"
    for spec in pool_specs(config):
        assert _lands_on(values, spec) is (spec.accelerator.name == "nvidia"), f"placement on {spec.name} is wrong"


def test_stays_off_a_pool_whose_ami_runs_its_own_device_plugin() -> None:
    # Bottlerocket's NVIDIA variants run the plugin as a host service: a second one would compete with it.
    config = _with_pool(_config(), "training", ami_type="BOTTLEROCKET_x86_64_NVIDIA")
    values = _values(config)
    landing = {spec.name for spec in pool_specs(config) if _lands_on(values, spec)}
    assert landing == {"gpu"}
    assert [spec.name for spec in device_plugin.plugin_pools(config)] == ["gpu"]


def test_gpu_sharing_on_an_ami_with_its_own_plugin_is_refused() -> None:
    config = _with_pool(
        _config(),
        "training",
        ami_type="BOTTLEROCKET_x86_64_NVIDIA",
        gpu_sharing=GpuSharingConfig(time_slicing_replicas=2),
    )
    with pytest.raises(ValueError, match="runs its own device plugin"):
        device_plugin.values(config)


def test_tolerations_are_exactly_the_taints_of_the_nvidia_pools_not_the_charts_defaults() -> None:
    config = _config()
    values = _values(config)
    expected = []
    for spec in accelerated_pools(config, "nvidia"):
        for t in spec.taints:
            toleration = {"key": t.key, "operator": "Equal", "value": t.value, "effect": t.effect}
            if toleration not in expected:
                expected.append(toleration)
    assert values["tolerations"] == expected
    # The chart's defaults (CriticalAddonsOnly and nvidia.com/gpu with Exists) would let it onto system nodes.
    assert all(t["operator"] == "Equal" for t in values["tolerations"])


def test_changing_a_gpu_pools_taint_in_the_config_moves_the_tolerations() -> None:
    moved = Taint(key="nvidia.com/gpu", value="present", effect="NoExecute")
    extra = Taint(key="example.com/dedicated", value="training", effect="NoSchedule")
    config = _with_pool(_config("dev"), "gpu", taints=[moved, extra])
    values = _values(config, "dev")
    assert values["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoExecute"},
        {"key": "example.com/dedicated", "operator": "Equal", "value": "training", "effect": "NoSchedule"},
    ]
    (gpu,) = accelerated_pools(config, "nvidia")
    assert _lands_on(values, gpu)


def test_a_toleration_that_misses_a_pools_taint_is_seen_as_not_landing() -> None:
    # Guards the placement test: a stale toleration (the mutation the issue names) must be caught.
    config = _config("dev")
    values = _values(config)
    (gpu,) = accelerated_pools(config, "nvidia")
    stale = {**values, "tolerations": [{**t, "value": "present"} for t in values["tolerations"]]}
    assert not _lands_on(stale, gpu)


def test_staging_time_slicing_is_the_config_map_entry_of_its_pool_and_its_nodes_select_it() -> None:
    config = _config("staging")
    values = _values(config, "staging")
    (gpu,) = accelerated_pools(config, "nvidia")
    assert gpu.name == "gpu" and gpu.config.gpu_sharing is not None
    assert gpu.labels[DEVICE_PLUGIN_CONFIG_LABEL] == "gpu"
    assert values["config"]["default"] == DEFAULT_CONFIG
    entries = {name: yaml.safe_load(text) for name, text in values["config"]["map"].items()}
    assert set(entries) == {DEFAULT_CONFIG, "gpu"}
    (resource,) = entries["gpu"]["sharing"]["timeSlicing"]["resources"]
    assert resource == {"name": "nvidia.com/gpu", "replicas": 4}
    assert entries["gpu"]["sharing"]["timeSlicing"]["renameByDefault"] is False
    assert entries[DEFAULT_CONFIG]["flags"]["migStrategy"] == "none"
    assert "sharing" not in entries[DEFAULT_CONFIG]
    # What the plan says the pool advertises is what the plugin will advertise.
    assert gpu.advertised_per_node == resource["replicas"] * gpu.gpus_per_node


def test_replicas_follow_the_config() -> None:
    config = _with_pool(_config("staging"), "gpu", gpu_sharing=GpuSharingConfig(time_slicing_replicas=8))
    entry = yaml.safe_load(_values(config, "staging")["config"]["map"]["gpu"])
    assert entry["sharing"]["timeSlicing"]["resources"][0]["replicas"] == 8


def test_a_mig_pool_gets_its_strategy_and_other_gpu_pools_the_default() -> None:
    config = _with_pool(_config(), "training", gpu_sharing=GpuSharingConfig(mig_strategy="mixed"))
    entries = {k: yaml.safe_load(v) for k, v in _values(config)["config"]["map"].items()}
    assert entries["training"] == {"version": "v1", "flags": {"migStrategy": "mixed"}}
    assert "gpu" not in entries  # prod's inference pool shares nothing: it falls back to the default


def test_stacks_without_sharing_run_the_plugin_without_a_config_map() -> None:
    # No config map: the chart then runs no config-manager sidecar and grants no SYS_ADMIN capability.
    for stack in ("dev", "prod"):
        assert "config" not in _values(_config(stack), stack)
        assert not [r for r in _recorded(_config(stack), stack) if r.type == POLICY_TYPE]


def test_the_config_manager_may_reach_the_api_server_and_nothing_else() -> None:
    (policy,) = [r for r in _recorded(_config("staging"), "staging") if r.type == POLICY_TYPE]
    assert policy.inputs["metadata"]["namespace"] == names.NODE_AGENTS_NAMESPACE
    spec = policy.inputs["spec"]
    assert spec["policyTypes"] == ["Egress"]
    assert spec["podSelector"]["matchLabels"] == {
        "app.kubernetes.io/name": "nvidia-device-plugin",
        "app.kubernetes.io/instance": device_plugin.RELEASE,
    }
    assert spec["egress"] == [{"to": [{"ipBlock": {"cidr": VPC_CIDR}}], "ports": [{"protocol": "TCP", "port": 443}]}]


def test_a_shared_pool_named_like_the_default_entry_is_refused() -> None:
    config = _config("staging")
    pools = dict(config.node_pools)
    pools[DEFAULT_CONFIG] = pools.pop("gpu")
    with pytest.raises(ValueError, match="rename the pool"):
        device_plugin.values(config.model_copy(update={"node_pools": pools}))


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_values_make_a_valid_daemonset_pod_spec(stack: str) -> None:
    # The fields the chart copies verbatim into the DaemonSet's pod spec (daemonset-device-plugin.yml).
    values = _values(_config(stack), stack)
    labels = {"app.kubernetes.io/name": "nvidia-device-plugin"}
    body = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": device_plugin.RELEASE, "namespace": names.NODE_AGENTS_NAMESPACE},
        "spec": {
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "priorityClassName": values["priorityClassName"],
                    "nodeSelector": values["nodeSelector"],
                    "affinity": values["affinity"],
                    "tolerations": values["tolerations"],
                    "containers": [
                        {
                            "name": "nvidia-device-plugin-ctr",
                            "image": f"{values['image']['repository']}:{values['image']['tag']}",
                            "resources": values["resources"],
                        }
                    ],
                },
            },
        },
    }
    kubernetes_validate.validate(body, str(_config(stack).kubernetes_version), strict=True)


def _plugin_releases(recorded: list[Any]) -> list[Any]:
    return [r for r in recorded if r.type == RELEASE_TYPE and r.inputs.get("chart") == "nvidia-device-plugin"]


def test_every_region_of_prod_has_the_device_plugin() -> None:
    recorded, _ = run_program("prod", ROOT)
    assert len(_plugin_releases(recorded)) == len(_config().regions)


def test_no_device_plugin_in_a_stack_without_nvidia_pools() -> None:
    stack_file = ROOT / "stacks" / "Pulumi.dev.yaml"
    config, config_map = load_stack_file(stack_file)
    pools = {name: pool for name, pool in config.node_pools.items() if pool.accelerator != "nvidia"}
    assert pools and len(pools) < len(config.node_pools)
    recorded, _ = run_with_config("dev", config.model_copy(update={"node_pools": pools}), config_map, ROOT)
    assert _plugin_releases(recorded) == []
    assert [r for r in recorded if r.type == RELEASE_TYPE], "the program declared no release at all"


def test_no_device_plugin_where_every_gpu_pools_ami_runs_its_own() -> None:
    config, config_map = load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    config = _with_pool(config, "gpu", ami_type="BOTTLEROCKET_x86_64_NVIDIA")
    recorded, _ = run_with_config("dev", config, config_map, ROOT)
    assert _plugin_releases(recorded) == []
    assert [r for r in recorded if r.type == RELEASE_TYPE and r.inputs.get("chart") == "dcgm-exporter"]
