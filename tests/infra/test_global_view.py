"""The global metrics view (docs/adr/0002-global-metrics-view.md), as the plan and the Helm values show it.

One AMP workspace per multi-region stack, in the primary region, encrypted with its own rotating key and
logging to CloudWatch; every cluster's Prometheus may only remote-write to it, the primary's Grafana may only
read it; single-region stacks have none.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from drift_jobs import contract
from infra.components.monitoring import names
from infra.components.monitoring.global_view import (
    GLOBAL_VIEW_TAG,
    GRAFANA_SERVICE_ACCOUNT,
    PROMETHEUS_SERVICE_ACCOUNT,
    QUERY_ACTIONS,
    REMOTE_WRITE_ACTIONS,
    ClusterMetricsAccess,
    GlobalMetricsStore,
    kept_metrics,
)
from infra.config import load_stack_file
from infra.context import StackContext
from infra.offline.fake_cloud import outputs_for
from infra.offline.recorder import install
from tests.infra.plan_view import PlanView, Resource

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "ai-platform"
WORKSPACE = "aws:amp/workspace:Workspace"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
MULTI_REGION = ("staging", "prod")


def _state(plan: PlanView, resource: Resource) -> dict[str, Any]:
    return outputs_for(resource.type, resource.name, resource.inputs, plan.region_of(resource))[1]


def _workspace(plan: PlanView) -> Resource:
    workspaces = plan.of_type(WORKSPACE)
    assert len(workspaces) == 1
    return workspaces[0]


def _monitoring_associations(plan: PlanView, service_account: str) -> list[Resource]:
    return [
        r
        for r in plan.of_type(ASSOCIATION)
        if r.inputs["namespace"] == names.MONITORING_NAMESPACE and r.inputs["serviceAccount"] == service_account
    ]


def _role_of(plan: PlanView, association: Resource) -> Resource:
    return plan.find_by_output("aws:iam/role:Role", "arn", association.inputs["roleArn"])


def _policy_of(plan: PlanView, role: Resource) -> dict[str, Any]:
    role_name = _state(plan, role)["name"]
    (policy,) = [p for p in plan.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role_name]
    document: dict[str, Any] = json.loads(policy.inputs["policy"])
    return document


def _regions(plan: PlanView) -> dict[str, str]:
    return {r["name"]: r["role"] for r in plan.config("regions")}


@pytest.mark.parametrize("stack", MULTI_REGION)
def test_one_workspace_in_the_primary_region(plans: dict[str, PlanView], stack: str) -> None:
    plan = plans[stack]
    primary = next(name for name, role in _regions(plan).items() if role == "primary")
    assert plan.region_of(_workspace(plan)) == primary


def test_the_store_outlives_a_move_of_the_primary(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    workspace = _workspace(plan)
    key = plan.find_by_output("aws:kms/key:Key", "arn", workspace.inputs["kmsKeyArn"])
    step = {s["urn"]: s for s in plan.document["steps"]}
    assert all(step[r.urn]["newState"].get("retainOnDelete") for r in (workspace, key))


def test_a_single_region_stack_has_no_global_store(plans: dict[str, PlanView]) -> None:
    # ADR 0002: the dev cluster's own Prometheus is its whole view; nothing is written anywhere else.
    plan = plans["dev"]
    assert len(_regions(plan)) == 1
    assert plan.of_type(WORKSPACE) == []
    assert _monitoring_associations(plan, PROMETHEUS_SERVICE_ACCOUNT) == []


@pytest.mark.parametrize("stack", MULTI_REGION)
def test_the_workspace_is_encrypted_with_a_rotating_customer_key(plans: dict[str, PlanView], stack: str) -> None:
    plan = plans[stack]
    workspace = _workspace(plan)
    key = plan.find_by_output("aws:kms/key:Key", "arn", workspace.inputs["kmsKeyArn"])
    assert key.inputs["enableKeyRotation"] is True
    assert plan.region_of(key) == plan.region_of(workspace)


@pytest.mark.parametrize("stack", MULTI_REGION)
def test_the_workspace_logs_to_an_encrypted_log_group_with_retention(plans: dict[str, PlanView], stack: str) -> None:
    plan = plans[stack]
    arn = _workspace(plan).inputs["loggingConfiguration"]["logGroupArn"]
    assert arn.endswith(":*")
    group = plan.find_by_output("aws:cloudwatch/logGroup:LogGroup", "arn", arn.removesuffix(":*"))
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    assert group.inputs["retentionInDays"] == config.cluster.log_retention_days
    assert group.inputs["kmsKeyId"].startswith("arn:aws:kms:")


@pytest.mark.parametrize("stack", MULTI_REGION)
def test_every_cluster_prometheus_may_only_remote_write_to_the_workspace(
    plans: dict[str, PlanView], stack: str
) -> None:
    plan = plans[stack]
    workspace = _workspace(plan)
    workspace_arn = _state(plan, workspace)["arn"]
    tag = workspace.inputs["tags"][GLOBAL_VIEW_TAG]
    associations = _monitoring_associations(plan, PROMETHEUS_SERVICE_ACCOUNT)
    assert sorted(plan.region_of(a) for a in associations) == sorted(_regions(plan))
    for association in associations:
        trust = json.loads(_role_of(plan, association).inputs["assumeRolePolicy"])
        conditions = trust["Statement"][0]["Condition"]["StringEquals"]
        assert conditions["aws:RequestTag/kubernetes-service-account"] == PROMETHEUS_SERVICE_ACCOUNT
        assert conditions["aws:RequestTag/kubernetes-namespace"] == names.MONITORING_NAMESPACE
        (statement,) = _policy_of(plan, _role_of(plan, association))["Statement"]
        assert statement["Effect"] == "Allow"
        assert statement["Action"] == list(REMOTE_WRITE_ACTIONS) == ["aps:RemoteWrite"]
        # The pattern covers the workspace, and the tag condition singles it out among the region's workspaces.
        assert fnmatch.fnmatchcase(workspace_arn, statement["Resource"])
        assert statement["Resource"].startswith(f"arn:aws:aps:{plan.region_of(workspace)}:")
        assert statement["Condition"] == {"StringEquals": {f"aws:ResourceTag/{GLOBAL_VIEW_TAG}": tag}}


@pytest.mark.parametrize("stack", MULTI_REGION)
def test_only_the_primary_grafana_may_read_the_workspace(plans: dict[str, PlanView], stack: str) -> None:
    plan = plans[stack]
    associations = _monitoring_associations(plan, GRAFANA_SERVICE_ACCOUNT)
    assert [_regions(plan)[plan.region_of(a)] for a in associations] == ["primary"]
    (statement,) = _policy_of(plan, _role_of(plan, associations[0]))["Statement"]
    assert statement["Action"] == list(QUERY_ACTIONS)
    assert not any("Write" in action or action.endswith("*") for action in statement["Action"])


@pytest.mark.parametrize("stack", MULTI_REGION)
def test_no_monitoring_policy_grants_aps_on_everything(plans: dict[str, PlanView], stack: str) -> None:
    plan = plans[stack]
    for policy in plan.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in json.loads(policy.inputs["policy"])["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if any(action.startswith("aps:") for action in actions):
                assert "aps:*" not in actions and statement["Resource"] != "*"
                assert "Condition" in statement


# --- The Helm values overlay, from the components alone under the mock engine. ---


def _output_leaves(value: Any, path: str = "") -> list[str]:
    if isinstance(value, pulumi.Output):
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _output_leaves(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _output_leaves(item, f"{path}[{index}]")]
    return []


def _capture(captured: dict[str, Any], key: str) -> Callable[[Any], None]:
    def capture(value: Any) -> None:
        captured[key] = value

    return capture


def _overlays(stack: str) -> tuple[str, dict[str, dict[str, Any]]]:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    install(PROJECT, stack, ROOT)
    captured: dict[str, Any] = {}
    output_paths: dict[str, list[str]] = {}

    def program() -> None:
        ctx = StackContext(project=PROJECT, stack=stack, config=config)
        store = GlobalMetricsStore("global-view", ctx=ctx)
        store.endpoint.apply(_capture(captured, "endpoint"))
        for region in config.regions:
            provider = aws.Provider(f"aws-{region.name}", region=region.name)
            cluster = aws.eks.Cluster(
                f"eks-{region.name}",
                name=ctx.cluster_name(region.name),
                role_arn="arn:aws:iam::123456789012:role/eks",
                vpc_config={"subnet_ids": ["subnet-1"]},
                opts=pulumi.ResourceOptions(provider=provider),
            )
            access = ClusterMetricsAccess(
                f"access-{region.name}", ctx=ctx, region=region, cluster=cluster, provider=provider, store=store
            )
            pulumi.Output.from_input(access.values_overlay).apply(_capture(captured, region.name))
            output_paths[region.name] = _output_leaves(access.values_overlay)

    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
    endpoint = captured.pop("endpoint")
    captured["output paths"] = output_paths
    return endpoint, captured


@pytest.fixture(scope="module")
def prod_overlays() -> tuple[str, dict[str, dict[str, Any]]]:
    return _overlays("prod")


def test_only_the_workspace_urls_are_unknown_before_apply(
    prod_overlays: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    # The helm pack cannot assess values it cannot read: everything but the generated endpoint is known, so
    # a first preview shows unknowns at these leaves only (and never makes the whole values unknown).
    _, overlays = prod_overlays
    assert overlays["output paths"] == {
        "eu-central-1": [".prometheus.prometheusSpec.remoteWrite[0].url"],
        "eu-west-1": [".prometheus.prometheusSpec.remoteWrite[0].url", ".grafana.additionalDataSources[0].url"],
    }


def test_every_cluster_remote_writes_to_the_workspace_in_its_region(
    prod_overlays: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    endpoint, all_overlays = prod_overlays
    overlays = {region: values for region, values in all_overlays.items() if region != "output paths"}
    assert sorted(overlays) == ["eu-central-1", "eu-west-1"]
    assert endpoint.startswith("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-")
    for values in overlays.values():
        prometheus = values["prometheus"]
        assert prometheus["serviceAccount"] == {"create": True, "name": PROMETHEUS_SERVICE_ACCOUNT}
        (remote_write,) = prometheus["prometheusSpec"]["remoteWrite"]
        assert remote_write["url"] == endpoint.rstrip("/") + "/api/v1/remote_write"
        # SigV4 signs for the workspace's region, not the cluster's: the standby writes cross-region.
        assert remote_write["sigv4"] == {"region": "eu-west-1"}
        assert remote_write["queueConfig"]["maxSamplesPerSend"] <= 1000


def test_the_global_datasource_is_on_the_primary_grafana_only(
    prod_overlays: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    endpoint, overlays = prod_overlays
    assert "grafana" not in overlays["eu-central-1"]
    grafana = overlays["eu-west-1"]["grafana"]
    assert grafana["serviceAccount"]["name"] == GRAFANA_SERVICE_ACCOUNT
    (datasource,) = grafana["additionalDataSources"]
    assert datasource["url"] == endpoint
    assert datasource["jsonData"]["sigV4Auth"] is True
    assert datasource["jsonData"]["sigV4Region"] == "eu-west-1"
    assert datasource["jsonData"]["sigV4AuthType"] == "default"
    assert any(plugin.split()[0] == datasource["type"] for plugin in grafana["plugins"])


def test_the_service_accounts_in_the_values_are_those_pod_identity_serves(
    plans: dict[str, PlanView], prod_overlays: tuple[str, dict[str, dict[str, Any]]]
) -> None:
    plan = plans["prod"]
    _, overlays = prod_overlays
    for region in ("eu-central-1", "eu-west-1"):
        values = overlays[region]
        accounts = {a.inputs["serviceAccount"] for a in plan.of_type(ASSOCIATION) if plan.region_of(a) == region}
        assert values["prometheus"]["serviceAccount"]["name"] in accounts
        if "grafana" in values:
            assert values["grafana"]["serviceAccount"]["name"] in accounts


def _kept(values: dict[str, Any], metric: str) -> bool:
    (remote_write,) = values["prometheus"]["prometheusSpec"]["remoteWrite"]
    (relabel,) = remote_write["writeRelabelConfigs"]
    assert relabel["action"] == "keep" and relabel["sourceLabels"] == ["__name__"]
    # Prometheus anchors relabel regexes at both ends.
    return re.fullmatch(relabel["regex"], metric) is not None


def test_the_global_store_keeps_the_drift_and_serving_series_and_drops_the_rest(
    prod_overlays: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    _, overlays = prod_overlays
    values = overlays["eu-central-1"]
    for metric in contract.METRICS:
        assert _kept(values, metric), metric
    assert _kept(values, names.INFERENCE_REQUESTS_METRIC)
    assert _kept(values, f"{names.INFERENCE_DURATION_METRIC}_bucket")
    assert _kept(values, "DCGM_FI_DEV_GPU_UTIL")
    for noise in ("apiserver_request_duration_seconds_bucket", "container_cpu_usage_seconds_total", "model_drift"):
        assert not _kept(values, noise), noise


def test_kept_metric_patterns_are_valid_regexes() -> None:
    for pattern in kept_metrics():
        re.compile(pattern)
