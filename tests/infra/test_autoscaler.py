"""Cluster Autoscaler: the pinned release and its values, the least-privilege Pod Identity role, and the
node-template tags on every pool's Auto Scaling group that let GPU pools scale from zero."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from infra.components.monitoring import names
from infra.components.monitoring.alerts import metrics
from infra.components.nodes import autoscaler, autoscaler_versions, node_pools
from infra.components.nodes.autoscaler import MUTATING_ACTIONS, SERVICE_ACCOUNT, iam_policy, values
from infra.components.nodes.autoscaler_versions import autoscaler_version
from infra.components.nodes.spec import AUTOSCALER_GPU_LABEL, pool_specs, role_taints, tolerations
from infra.config import PlatformConfig, load_stack_file
from infra.config.errors import ConfigError
from infra.config.rules import check_platform
from infra.offline.fake_cloud import outputs_for
from tests.infra.component_harness import ROOT
from tests.infra.plan_view import PlanView, Resource

RELEASE = "kubernetes:helm.sh/v3:Release"
TAG = "aws:autoscaling/tag:Tag"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = "k8s.io/cluster-autoscaler/node-template"
# CA's GPU label (cluster-autoscaler/cloudprovider/aws/aws_cloud_provider.go GPULabel).
CA_AWS_GPU_LABEL = "k8s.amazonaws.com/accelerator"


def _config(stack: str) -> PlatformConfig:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    return config


def _releases(plan: PlanView) -> list[Resource]:
    return [r for r in plan.of_type(RELEASE) if r.inputs["chart"] == autoscaler.CHART]


def _asg_of(plan: PlanView, group: Resource) -> str:
    _, state = outputs_for(group.type, group.name, group.inputs, plan.region_of(group))
    name: str = state["resources"][0]["autoscalingGroups"][0]["name"]
    return name


def _asg_tags(plan: PlanView) -> dict[str, dict[str, str]]:
    """Tags on each node group's ASG, by node group URN."""
    groups = {_asg_of(plan, g): g.urn for g in plan.of_type(NODE_GROUP)}
    found: dict[str, dict[str, str]] = {urn: {} for urn in groups.values()}
    for tag in plan.of_type(TAG):
        urn = groups[tag.inputs["autoscalingGroupName"]]  # every tag lands on a node group's ASG
        found[urn][tag.inputs["tag"]["key"]] = tag.inputs["tag"]["value"]
    return found


def _cluster_of(group: Resource) -> str:
    cluster: str = group.inputs["clusterName"]
    return cluster


# The release --------------------------------------------------------------------------------------------


def test_one_pinned_release_per_cluster_in_kube_system(plan: PlanView) -> None:
    clusters = plan.of_type("aws:eks/cluster:Cluster")
    releases = _releases(plan)
    assert len(releases) == len(clusters) >= 1
    for release in releases:
        assert re.fullmatch(r"\d+\.\d+\.\d+", release.inputs["version"])
        assert release.inputs["repositoryOpts"]["repo"] == autoscaler.CHART_REPOSITORY
        assert release.inputs["namespace"] == autoscaler.NAMESPACE == "kube-system"


def test_release_values_name_the_cluster_and_region_of_its_provider(plan: PlanView) -> None:
    clusters = {plan.region_of(c): c.inputs["name"] for c in plan.of_type("aws:eks/cluster:Cluster")}
    seen = set()
    for release in _releases(plan):
        values_ = release.inputs["values"]
        region = values_["awsRegion"]
        assert values_["autoDiscovery"]["clusterName"] == clusters[region]
        seen.add(region)
    assert seen == set(clusters)


def test_metrics_reach_prometheus_and_the_alerts_read_that_job(plan: PlanView) -> None:
    # The chart's ServiceMonitor: next to Prometheus, with the label Prometheus selects; its targets' job is the
    # release's Service, the job the autoscaler alerts name.
    for release in _releases(plan):
        monitor = release.inputs["values"]["serviceMonitor"]
        assert monitor["enabled"] is True
        assert monitor["namespace"] == names.MONITORING_NAMESPACE
        assert monitor["selector"] == names.SELECTOR_LABELS
        assert release.inputs["values"]["fullnameOverride"] == release.inputs["name"] == metrics.AUTOSCALER_JOB


def test_image_tag_follows_the_kubernetes_version_and_registry_is_one_the_helm_pack_allows() -> None:
    config = _config("prod")
    rendered = values(config, cluster_name="c", region="eu-west-1")
    table = yaml.safe_load(autoscaler_versions.VERSIONS_FILE.read_text(encoding="utf-8"))
    assert rendered["image"]["tag"] == table[config.kubernetes_version]["image"]
    assert re.fullmatch(r"v1\.(\d+)\.\d+", rendered["image"]["tag"])
    # CA's minor matches the cluster's, for every row of the table.
    for minor, entry in table.items():
        assert entry["image"].startswith(f"v{minor}."), minor
    charts = (ROOT / "policies" / "packs" / "helm" / "charts.rego").read_text(encoding="utf-8")
    entry = re.search(r'"cluster-autoscaler": \{(.*?)\n\t\}', charts, re.DOTALL)
    assert entry, "the helm pack's chart table has no cluster-autoscaler entry"
    assert f'"{autoscaler.CHART_REPOSITORY}"' in entry.group(1)
    registries = re.findall(r'"(registry\.k8s\.io/[^"]*)"', entry.group(1))
    assert any(rendered["image"]["repository"].startswith(r) for r in registries)


def test_runs_on_the_system_pools_as_a_critical_addon() -> None:
    for stack in ("dev", "staging", "prod"):
        config = _config(stack)
        rendered = values(config, cluster_name="c", region="eu-west-1")
        assert rendered["priorityClassName"] == "system-cluster-critical"
        system = [spec for spec in pool_specs(config) if spec.role == "system"]
        assert system, stack
        # Exactly the system pools' taints: CA tolerates no GPU taint, so it never runs on a node it may remove.
        assert rendered["tolerations"] == tolerations(t for spec in system for t in spec.taints)
        assert tolerations(role_taints("system"))[0] in rendered["tolerations"]
        assert not any(t["key"] == "nvidia.com/gpu" for t in rendered["tolerations"])
        for spec in pool_specs(config):
            lands = rendered["nodeSelector"].items() <= spec.labels.items()
            assert lands is (spec.role == "system"), (stack, spec.name)


def test_flags_for_gpu_pools() -> None:
    args = values(_config("prod"), cluster_name="c", region="eu-west-1")["extraArgs"]
    assert args["expander"] == "least-waste"
    assert args["balance-similar-node-groups"] is True
    assert args["skip-nodes-with-local-storage"] is False
    assert args["scale-down-unneeded-time"] == "10m0s"
    assert "gpu-total" not in args  # CA's FAQ: that flag only works on GKE


def test_missing_autoscaler_version_is_a_config_error_naming_the_table() -> None:
    config = _config("dev").model_copy(update={"kubernetes_version": "1.29"})
    with pytest.raises(ConfigError) as raised:
        autoscaler_version(config.kubernetes_version)
    assert "infra/components/nodes/autoscaler_versions.yaml" in str(raised.value)
    assert "ai-platform:kubernetesVersion" in str(raised.value)
    problems = [p for p in check_platform(config) if "Cluster Autoscaler" in p.message]
    assert len(problems) == 1 and "autoscaler_versions.yaml" in problems[0].message
    assert not [p for p in check_platform(_config("dev")) if "Cluster Autoscaler" in p.message]


# IAM and Pod Identity -------------------------------------------------------------------------------------


def _policies(plan: PlanView) -> list[dict[str, Any]]:
    documents = []
    for policy in plan.of_type("aws:iam/rolePolicy:RolePolicy"):
        document = json.loads(policy.inputs["policy"])
        actions = {a for s in document["Statement"] for a in _list(s["Action"])}
        if actions & set(MUTATING_ACTIONS):
            documents.append(document)
    return documents


def _list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_scaling_actions_only_on_groups_the_cluster_owns(plan: PlanView) -> None:
    documents = _policies(plan)
    assert len(documents) == len(_releases(plan))
    clusters = {c.inputs["name"] for c in plan.of_type("aws:eks/cluster:Cluster")}
    for document in documents:
        for statement in document["Statement"]:
            actions = _list(statement["Action"])
            assert statement["Effect"] == "Allow"
            assert not any("*" in a for a in actions), actions
            if set(actions) & set(MUTATING_ACTIONS):
                ((key, value),) = statement["Condition"]["StringEquals"].items()
                cluster = key.removeprefix("aws:ResourceTag/k8s.io/cluster-autoscaler/")
                assert cluster in clusters and value == "owned"
                assert ":autoScalingGroup:" in statement["Resource"]
            else:
                assert all(a.split(":")[1].startswith(("Describe", "Get")) for a in actions), actions


def test_the_iam_condition_tag_is_the_one_on_the_auto_scaling_groups(plan: PlanView) -> None:
    tags = _asg_tags(plan)
    for group in plan.of_type(NODE_GROUP):
        cluster = _cluster_of(group)
        document = json.loads(iam_policy("aws", "eu-west-1", "1", cluster))
        (scale,) = [s for s in document["Statement"] if s["Sid"] == "ScaleOwnGroups"]
        ((key, value),) = scale["Condition"]["StringEquals"].items()
        assert tags[group.urn][key.removeprefix("aws:ResourceTag/")] == value


def test_pod_identity_association_is_for_the_charts_service_account(plan: PlanView) -> None:
    releases = _releases(plan)
    associations = [
        a
        for a in plan.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
        if a.inputs["serviceAccount"] == SERVICE_ACCOUNT
    ]
    assert len(associations) == len(releases)
    for release, association in zip(releases, associations, strict=True):
        assert release.inputs["values"]["rbac"]["serviceAccount"]["name"] == association.inputs["serviceAccount"]
        assert release.inputs["values"]["rbac"]["serviceAccount"]["create"] is True
        assert association.inputs["namespace"] == release.inputs["namespace"]
        role = plan.find_by_output("aws:iam/role:Role", "arn", association.inputs["roleArn"])
        trust = json.loads(role.inputs["assumeRolePolicy"])
        (statement,) = trust["Statement"]
        assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
        condition = statement["Condition"]["StringEquals"]
        assert condition["aws:RequestTag/kubernetes-service-account"] == SERVICE_ACCOUNT
        assert condition["aws:RequestTag/kubernetes-namespace"] == association.inputs["namespace"]
        assert condition["aws:SourceAccount"]


# Node-template tags on the Auto Scaling groups -------------------------------------------------------------


def test_every_pool_of_every_region_has_its_template_on_its_auto_scaling_group(plan: PlanView) -> None:
    tags = _asg_tags(plan)
    groups = plan.of_type(NODE_GROUP)
    assert len(groups) == len(plan.config("nodePools")) * len(plan.of_type("aws:eks/cluster:Cluster"))
    for group in groups:
        on_asg = tags[group.urn]
        cluster = _cluster_of(group)
        assert on_asg["k8s.io/cluster-autoscaler/enabled"] == "true"
        assert on_asg[f"k8s.io/cluster-autoscaler/{cluster}"] == "owned"
        # The same labels and taints as the node group gives its nodes, in CA's formats.
        assert {k.removeprefix(f"{TEMPLATE}/label/"): v for k, v in on_asg.items() if "/label/" in k} == group.inputs[
            "labels"
        ]
        effects = {"NO_SCHEDULE": "NoSchedule", "PREFER_NO_SCHEDULE": "PreferNoSchedule", "NO_EXECUTE": "NoExecute"}
        assert {k.removeprefix(f"{TEMPLATE}/taint/"): v for k, v in on_asg.items() if "/taint/" in k} == {
            t["key"]: f"{t['value']}:{effects[t['effect']]}" for t in group.inputs.get("taints", [])
        }


def test_gpu_pools_advertise_gpus_times_time_slicing_on_their_auto_scaling_group(plans: dict[str, PlanView]) -> None:
    expected = {stack: {spec.name: spec for spec in pool_specs(_config(stack)) if spec.accelerated} for stack in plans}
    # staging's GPU pool: one GPU per g6/g5.2xlarge, advertised four times (time-slicing replicas 4).
    assert expected["staging"]["gpu"].advertised_per_node == 4
    for stack, plan in plans.items():
        tags = _asg_tags(plan)
        for group in plan.of_type(NODE_GROUP):
            pool = group.inputs["labels"]["ai-platform/pool"]
            resource = tags[group.urn].get(f"{TEMPLATE}/resources/nvidia.com/gpu")
            if pool in expected[stack]:
                assert resource == str(expected[stack][pool].advertised_per_node), (stack, pool)
            else:
                assert resource is None, (stack, pool)


def test_gpu_pools_scale_from_zero_with_a_template_ca_can_use(plan: PlanView) -> None:
    tags = _asg_tags(plan)
    gpu_groups = [g for g in plan.of_type(NODE_GROUP) if "nvidia.com/gpu.present" in g.inputs["labels"]]
    assert gpu_groups
    for group in gpu_groups:
        on_asg = tags[group.urn]
        assert group.inputs["scalingConfig"]["minSize"] == 0
        assert int(on_asg[f"{TEMPLATE}/resources/nvidia.com/gpu"]) >= 1
        assert on_asg[f"{TEMPLATE}/taint/nvidia.com/gpu"].endswith(":NoSchedule")
        # CA's GPU label: a joining node whose GPUs are not advertised yet counts as unready, not as empty.
        assert on_asg[f"{TEMPLATE}/label/{CA_AWS_GPU_LABEL}"].startswith("nvidia-")
        assert on_asg[f"{TEMPLATE}/autoscaling-options/scaledownunneededtime"] == "5m0s"


def test_gpu_label_is_cas_and_only_on_accelerated_pools() -> None:
    assert AUTOSCALER_GPU_LABEL == CA_AWS_GPU_LABEL
    for stack in ("dev", "staging", "prod"):
        for spec in pool_specs(_config(stack)):
            assert (AUTOSCALER_GPU_LABEL in spec.labels) is spec.accelerated, (stack, spec.name)


def test_gpu_ceiling_per_pool_is_its_max_size_times_what_a_node_advertises() -> None:
    for stack in ("dev", "staging", "prod"):
        for spec in pool_specs(_config(stack)):
            tags = node_pools.autoscaler_tags("c", spec)
            if spec.accelerated:
                per_node = int(tags[f"{TEMPLATE}/resources/nvidia.com/gpu"])
                assert per_node * spec.config.max_size == spec.max_accelerators
