"""Fair use of the clusters (issue 9 item 4): priority classes and who may use them, team GPU quotas on the
scheduling contract's resource, and LimitRange defaults that never hand out a GPU."""

from __future__ import annotations

from pathlib import Path

import yaml

from infra.components.access import priority_classes
from infra.components.access.namespaces import gpu_quota_key
from infra.components.gpu.device_plugin import has_own_plugin
from infra.components.nodes.spec import accelerators, pool_spec
from infra.config.model import NodePoolConfig
from tests.infra.plan_view import PlanView, Resource

ROOT = Path(__file__).resolve().parents[2]
GPU_PACK_DATA = yaml.safe_load((ROOT / "policies" / "packs" / "gpu" / "gpu.data.yaml").read_text())["gpu_pack"]
TEAM_LABEL = GPU_PACK_DATA["teamLabel"]
PLATFORM_TEAM = GPU_PACK_DATA["platformTeam"]
# Kubernetes' own classes start at 2000000000; user classes may go up to 1000000000.
USER_CLASS_MAX = 1_000_000_000
# cluster-autoscaler's default --expendable-pods-priority-cutoff: pods below it never trigger a scale-up.
AUTOSCALER_EXPENDABLE_CUTOFF = -10
LIMIT_RANGE_SECTIONS = ("default", "defaultRequest", "max", "min", "maxLimitRequestRatio")


def _namespaces(plan: PlanView) -> list[Resource]:
    return plan.k8s_objects("Namespace")


def _team_namespaces(plan: PlanView) -> list[Resource]:
    teams = []
    for namespace in _namespaces(plan):
        team = namespace.inputs["metadata"]["labels"].get(TEAM_LABEL)
        if team is not None and team != PLATFORM_TEAM:
            teams.append(namespace)
    return teams


def _quotas(plan: PlanView, namespace: Resource) -> list[dict[str, object]]:
    """The quotas of this namespace in its own cluster (the same name exists in every region)."""
    name = namespace.inputs["metadata"]["name"]
    return [
        q.inputs["spec"]
        for q in plan.k8s_objects("ResourceQuota")
        if q.inputs["metadata"]["namespace"] == name and q.provider == namespace.provider
    ]


def test_every_cluster_has_the_three_classes_and_none_is_the_global_default(plan: PlanView) -> None:
    classes = plan.k8s_objects("PriorityClass")
    clusters = len(plan.of_type("pulumi:providers:kubernetes"))
    assert clusters > 0
    names = sorted(c.inputs["metadata"]["name"] for c in classes)
    assert names == sorted([priority_classes.SYSTEM, priority_classes.INFERENCE, priority_classes.BATCH] * clusters)
    assert all(c.inputs["globalDefault"] is False for c in classes)


def test_batch_is_lowest_never_preempts_and_every_class_can_scale_a_pool_up() -> None:
    specs = priority_classes.priority_classes()
    assert specs["system"].value > specs["inference"].value > specs["batch"].value
    assert specs["batch"].preemption_policy == "Never"
    assert specs["inference"].preemption_policy == "PreemptLowerPriority"
    for spec in specs.values():
        assert AUTOSCALER_EXPENDABLE_CUTOFF < spec.value <= USER_CLASS_MAX, spec.name


def test_drift_jobs_run_at_batch_priority(plan: PlanView) -> None:
    jobs = plan.k8s_objects("CronJob")
    for job in jobs:
        pod = job.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["priorityClassName"] == priority_classes.BATCH, job.name


def test_prometheus_alertmanager_and_grafana_run_at_system_priority(plan: PlanView) -> None:
    releases = [
        r for r in plan.of_type("kubernetes:helm.sh/v3:Release") if r.inputs["chart"] == "kube-prometheus-stack"
    ]
    assert releases
    for release in releases:
        values = release.inputs["values"]
        assert values["prometheus"]["prometheusSpec"]["priorityClassName"] == priority_classes.SYSTEM
        assert values["alertmanager"]["alertmanagerSpec"]["priorityClassName"] == priority_classes.SYSTEM
        assert values["grafana"]["priorityClassName"] == priority_classes.SYSTEM


def test_team_namespaces_refuse_the_platform_only_classes(plan: PlanView) -> None:
    teams = _team_namespaces(plan)
    assert teams
    refusal = {
        "hard": {"pods": "0"},
        "scopeSelector": {
            "matchExpressions": [
                {"scopeName": "PriorityClass", "operator": "In", "values": list(priority_classes.PLATFORM_ONLY)}
            ]
        },
    }
    for namespace in teams:
        assert refusal in _quotas(plan, namespace), namespace.name
    for namespace in _namespaces(plan):
        if namespace not in teams:
            assert all("scopeSelector" not in q for q in _quotas(plan, namespace)), namespace.name


def test_team_gpu_quota_is_on_the_contract_resource_and_requests_only(plan: PlanView) -> None:
    resource = accelerators()["nvidia"].resource
    assert gpu_quota_key() == f"requests.{resource}"
    for namespace in _team_namespaces(plan):
        unscoped = [q for q in _quotas(plan, namespace) if "scopeSelector" not in q]
        assert len(unscoped) == 1, namespace.name
        hard = unscoped[0]["hard"]
        assert isinstance(hard, dict)
        assert f"requests.{resource}" in hard, namespace.name
        # Kubernetes refuses limits.<extended resource> in a quota.
        assert f"limits.{resource}" not in hard and resource not in hard, namespace.name


def test_limit_ranges_never_name_an_accelerator(plan: PlanView) -> None:
    resources = {a.resource for a in accelerators().values() if a.resource}
    limit_ranges = plan.k8s_objects("LimitRange")
    assert limit_ranges
    for limit_range in limit_ranges:
        for item in limit_range.inputs["spec"]["limits"]:
            for section in LIMIT_RANGE_SECTIONS:
                assert not resources & set(item.get(section, {})), (limit_range.name, section)


def test_the_gpu_pack_reads_the_team_label_the_namespaces_carry(plan: PlanView) -> None:
    # The gpu pack finds team namespaces by this label: a renamed label would hide every team from it.
    for namespace in _namespaces(plan):
        assert TEAM_LABEL in namespace.inputs["metadata"]["labels"], namespace.name
    platform = [n for n in _namespaces(plan) if n.inputs["metadata"]["labels"][TEAM_LABEL] == PLATFORM_TEAM]
    assert platform


def test_the_gpu_pack_knows_the_gpu_charts_the_plan_installs(plan: PlanView) -> None:
    charts = {r.inputs["chart"] for r in plan.of_type("kubernetes:helm.sh/v3:Release")}
    gpu_charts = {c for c in charts if c.rsplit("/", 1)[-1] in {"dcgm-exporter", "nvidia-device-plugin"}}
    assert gpu_charts <= set(GPU_PACK_DATA["releases"])


def test_the_device_plugin_stays_off_exactly_the_ami_types_the_gpu_pack_exempts() -> None:
    # One list (the scheduling contract's amiTypesWithOwnDevicePlugin) decides both: the plugin release stays
    # off those pools, and the gpu pack demands no release for them.
    nvidia = accelerators()["nvidia"]
    assert nvidia.own_plugin_ami_types
    pool = NodePoolConfig(accelerator="nvidia", instance_types=["g6.xlarge"])
    for ami in nvidia.ami_types:
        spec = pool_spec("gpu", pool.model_copy(update={"ami_type": ami}))
        assert has_own_plugin(spec) is (ami in nvidia.own_plugin_ami_types), ami
