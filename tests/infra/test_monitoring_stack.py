"""The monitoring stack of every cluster (issue 8 items 1-2): kube-prometheus-stack and the Pushgateway,
pinned, configured from the stack file, secure by default, and joined to the drift jobs through names.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pulumi
import pytest
import yaml

from infra.components.continuity import restore_check, velero
from infra.components.models.model_cards import DRIFT_JOB_POD_LABELS
from infra.components.models.names import MODELS_NAMESPACE
from infra.components.monitoring import names, network
from infra.components.monitoring.stack import AWS_NODE_METRICS_PORT, AWS_NODE_POD_LABELS, MonitoringStack
from infra.components.monitoring.values import (
    GRAFANA_ADMIN_SECRET,
    GRAFANA_PASSWORD_KEY,
    SELECTORS,
    STORAGE_CLASS,
    chart_pins,
)
from infra.config import load_stack_file
from infra.context import StackContext
from infra.offline.fake_cloud import outputs_for
from infra.offline.normalize import normalize
from infra.offline.plan import plan_document, run_with_config
from infra.offline.recorder import install
from tests.infra.plan_view import PlanView, Resource

ROOT = Path(__file__).resolve().parents[2]
RELEASE = "kubernetes:helm.sh/v3:Release"
KPS = names.KUBE_PROMETHEUS_RELEASE
# The prometheus-pushgateway chart (3.8.0, templates/_helpers.tpl) hard-codes its container port.
PUSHGATEWAY_CHART_POD_PORT = 9091


def k8s_region(plan: PlanView, resource: Resource) -> str:
    return resource.provider.rsplit("::", 1)[0].rsplit("::", 1)[1].removeprefix("k8s-")


def releases(plan: PlanView, release_name: str) -> dict[str, Resource]:
    found = [r for r in plan.of_type(RELEASE) if r.inputs["name"] == release_name]
    by_region = {k8s_region(plan, r): r for r in found}
    assert len(by_region) == len(found)
    return by_region


def prometheus_spec(release: Resource) -> dict[str, Any]:
    spec: dict[str, Any] = release.inputs["values"]["prometheus"]["prometheusSpec"]
    return spec


def named(plan: PlanView, kind: str, name: str) -> list[Resource]:
    return [r for r in plan.k8s_objects(kind) if r.inputs["metadata"]["name"] == name]


def test_every_cluster_runs_both_releases_pinned_from_the_chart_table(plan: PlanView) -> None:
    regions = {r["name"] for r in plan.config("regions")}
    pins = chart_pins()
    for release_name, chart in ((KPS, "kube-prometheus-stack"), (names.PUSHGATEWAY_RELEASE, "prometheus-pushgateway")):
        by_region = releases(plan, release_name)
        assert set(by_region) == regions, release_name
        for release in by_region.values():
            assert release.inputs["chart"] == chart
            assert release.inputs["namespace"] == names.MONITORING_NAMESPACE
            assert release.inputs["version"] == pins[chart]["version"]
            assert re.fullmatch(r"\d+\.\d+\.\d+", release.inputs["version"])
            assert release.inputs["repositoryOpts"] == {"repo": pins[chart]["repository"]}
            assert "valueYamlFiles" not in release.inputs  # the helm pack must see every value


def test_prod_runs_two_prometheus_and_alertmanager_across_zones_on_storage(plans: dict[str, PlanView]) -> None:
    for release in releases(plans["prod"], KPS).values():
        values = release.inputs["values"]
        for spec, storage_key in (
            (values["prometheus"]["prometheusSpec"], "storageSpec"),
            (values["alertmanager"]["alertmanagerSpec"], "storage"),
        ):
            assert spec["replicas"] == 2
            assert spec["podAntiAffinity"] == "hard"
            assert spec["podAntiAffinityTopologyKey"] == "topology.kubernetes.io/zone"
            claim = spec[storage_key]["volumeClaimTemplate"]["spec"]
            assert claim["storageClassName"] == STORAGE_CLASS
            assert claim["resources"]["requests"]["storage"].endswith("Gi")


def test_dev_keeps_single_replicas_without_volumes(plans: dict[str, PlanView]) -> None:
    for release in releases(plans["dev"], KPS).values():
        spec = prometheus_spec(release)
        assert spec.get("replicas", 1) == 1 and "storageSpec" not in spec


def test_every_volume_of_the_stack_is_on_the_encrypted_gp3_class_with_the_regions_storage_key(
    plan: PlanView,
) -> None:
    classes = {k8s_region(plan, c): c for c in named(plan, "StorageClass", STORAGE_CLASS)}
    assert set(classes) == {r["name"] for r in plan.config("regions")}
    for region, storage_class in classes.items():
        assert storage_class.inputs["provisioner"] == "ebs.csi.aws.com"
        parameters = storage_class.inputs["parameters"]
        assert parameters["type"] == "gp3" and parameters["encrypted"] == "true"
        key = plan.find_by_output("aws:kms/key:Key", "arn", parameters["kmsKeyId"])
        assert key.name.endswith("-storage") and plan.region_of(key) == region
    for release in releases(plan, names.PUSHGATEWAY_RELEASE).values():
        volume = release.inputs["values"]["persistentVolume"]
        assert volume["enabled"] is True and volume["storageClass"] == STORAGE_CLASS
        # The Pushgateway writes its volume only when told to.
        assert f"--persistence.file={volume['mountPath']}/pushgateway.data" in release.inputs["values"]["extraArgs"]


def test_retention_and_intervals_come_from_the_monitoring_config(plan: PlanView) -> None:
    monitoring = plan.config("monitoring") if "ai-platform:monitoring" in plan.document["config"] else {}
    retention = monitoring.get("retentionDays", 15)
    interval = f"{monitoring.get('scrapeIntervalSeconds', 30)}s"
    for release in releases(plan, KPS).values():
        spec = prometheus_spec(release)
        assert spec["retention"] == f"{retention}d"
        assert spec["scrapeInterval"] == interval and spec["evaluationInterval"] == interval


def test_changing_retention_days_in_the_stack_file_changes_prometheus_retention() -> None:
    config, config_map = load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    monitoring = config.monitoring.model_copy(update={"retention_days": 77, "scrape_interval_seconds": 13})
    changed = config.model_copy(update={"monitoring": monitoring})
    recorded, strings = run_with_config("dev", changed, config_map, ROOT)
    plan = PlanView(plan_document(recorded, strings))
    for release in releases(plan, KPS).values():
        spec = prometheus_spec(release)
        assert (spec["retention"], spec["scrapeInterval"], spec["evaluationInterval"]) == ("77d", "13s", "13s")


def test_every_series_carries_stack_region_and_cluster_external_labels(plan: PlanView) -> None:
    stack = plan.document["steps"][0]["urn"].split("::")[0].removeprefix("urn:pulumi:")
    clusters = {plan.region_of(c): c.inputs["name"] for c in plan.of_type("aws:eks/cluster:Cluster")}
    for region, release in releases(plan, KPS).items():
        assert prometheus_spec(release)["externalLabels"] == {
            "stack": stack,
            "region": region,
            "cluster": clusters[region],
        }


def test_prometheus_selects_exactly_what_carries_the_selector_label(plan: PlanView) -> None:
    for release in releases(plan, KPS).values():
        values = release.inputs["values"]
        spec = prometheus_spec(release)
        for selector in SELECTORS:
            assert spec[selector] == {"matchLabels": names.SELECTOR_LABELS}, selector
            assert spec[f"{selector}NilUsesHelmValues"] is False, selector
        assert values["commonLabels"] == names.SELECTOR_LABELS  # the chart's own rules and monitors
    for release in releases(plan, names.PUSHGATEWAY_RELEASE).values():
        monitor = release.inputs["values"]["serviceMonitor"]
        assert monitor["enabled"] is True and monitor["honorLabels"] is True
        assert monitor["additionalLabels"] == names.SELECTOR_LABELS
        assert monitor["namespace"] == names.MONITORING_NAMESPACE


def test_no_permanent_control_plane_alerts_on_eks(plan: PlanView) -> None:
    for release in releases(plan, KPS).values():
        values = release.inputs["values"]
        operator = values["prometheusOperator"]
        assert operator["admissionWebhooks"]["enabled"] is False and operator["tls"]["enabled"] is False
        for component in ("kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"):
            assert values[component]["enabled"] is False, component
        rules = values["defaultRules"]["rules"]
        for group in ("etcd", "kubeControllerManager", "kubeSchedulerAlerting", "kubeProxy", "nodeExporterAlerting"):
            assert rules[group] is False, group


def test_the_subcharts_service_monitors_carry_the_selector_label(plan: PlanView) -> None:
    # commonLabels reaches only the parent chart's own objects: without these, Prometheus would select
    # neither kube-state-metrics (node, job and GPU-request alerts) nor node-exporter nor Grafana.
    for release in releases(plan, KPS).values():
        values = release.inputs["values"]
        assert values["kube-state-metrics"]["prometheus"]["monitor"]["additionalLabels"] == names.SELECTOR_LABELS
        exporter = values["prometheus-node-exporter"]
        assert exporter["prometheus"]["monitor"]["additionalLabels"] == names.SELECTOR_LABELS
        assert values["grafana"]["serviceMonitor"]["labels"] == names.SELECTOR_LABELS


def test_node_exporter_runs_in_the_node_agents_namespace(plan: PlanView) -> None:
    # Its host access is refused by the monitoring namespace's restricted level.
    for release in releases(plan, KPS).values():
        values = release.inputs["values"]
        assert values["nodeExporter"]["enabled"] is True
        assert values["prometheus-node-exporter"]["namespaceOverride"] == names.NODE_AGENTS_NAMESPACE


def test_the_vpc_cni_metrics_are_scraped_through_a_selected_pod_monitor(plan: PlanView) -> None:
    monitors = named(plan, "PodMonitor", "aws-node")
    assert len(monitors) == len(plan.config("regions"))
    for monitor in monitors:
        assert monitor.inputs["metadata"]["namespace"] == names.MONITORING_NAMESPACE
        assert names.SELECTOR_LABELS.items() <= monitor.inputs["metadata"]["labels"].items()
        spec = monitor.inputs["spec"]
        assert spec["namespaceSelector"] == {"matchNames": ["kube-system"]}
        assert spec["selector"] == {"matchLabels": AWS_NODE_POD_LABELS}
        assert spec["podMetricsEndpoints"] == [{"port": AWS_NODE_METRICS_PORT}]


def test_grafana_admin_password_is_generated_and_never_in_the_plan(plan: PlanView) -> None:
    text = json.dumps(plan.document)
    # Other components generate credentials too (the MinIO Tenant's users): this test is about Grafana's.
    passwords = [p for p in plan.of_type("random:index/randomPassword:RandomPassword") if "grafana" in p.name]
    assert len(passwords) == len(plan.config("regions"))
    for password in passwords:
        assert password.inputs["length"] >= 24
        _, state = outputs_for(password.type, password.name, password.inputs, "")
        assert state["result"] not in text, "the generated Grafana password is in the plan in plain text"
    secrets = named(plan, "Secret", GRAFANA_ADMIN_SECRET)
    assert len(secrets) == len(plan.config("regions"))
    for secret in secrets:
        assert secret.inputs["metadata"]["namespace"] == names.MONITORING_NAMESPACE
        assert secret.inputs["stringData"] == "[secret]"
    for release in releases(plan, KPS).values():
        grafana = release.inputs["values"]["grafana"]
        assert grafana["admin"]["existingSecret"] == GRAFANA_ADMIN_SECRET
        assert grafana["admin"]["passwordKey"] == GRAFANA_PASSWORD_KEY
        assert "adminPassword" not in json.dumps(release.inputs["values"])


def test_only_drift_jobs_the_restore_check_and_prometheus_reach_the_pushgateway(plan: PlanView) -> None:
    policies = named(plan, "NetworkPolicy", "pushgateway-ingress")
    assert len(policies) == len(plan.config("regions"))
    for policy in policies:
        assert policy.inputs["metadata"]["namespace"] == names.MONITORING_NAMESPACE
        spec = policy.inputs["spec"]
        assert spec["policyTypes"] == ["Ingress"]
        (rule,) = spec["ingress"]
        assert rule["ports"] == [{"protocol": "TCP", "port": names.PUSHGATEWAY_PORT}]
        assert rule["from"] == [
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MODELS_NAMESPACE}},
                "podSelector": {"matchLabels": DRIFT_JOB_POD_LABELS},
            },
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": velero.namespace()}},
                "podSelector": {"matchLabels": restore_check.JOB_POD_LABELS},
            },
            {"podSelector": {"matchLabels": network.PROMETHEUS_POD_LABELS}},
        ]


def test_pushgateway_policy_drift_egress_and_drift_pods_meet_on_the_same_names(plan: PlanView) -> None:
    """Joins the three sides: the drift pods' labels, their egress policy, the Pushgateway's ingress policy,
    and the chart's service and pod port."""
    (ingress, *_) = named(plan, "NetworkPolicy", "pushgateway-ingress")
    (egress, *_) = named(plan, "NetworkPolicy", "drift-jobs-egress")
    ingress_from = ingress.inputs["spec"]["ingress"][0]["from"][0]
    assert egress.inputs["metadata"]["namespace"] == MODELS_NAMESPACE
    assert ingress_from["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == MODELS_NAMESPACE
    assert egress.inputs["spec"]["podSelector"] == ingress_from["podSelector"]
    to_monitoring = [
        rule
        for rule in egress.inputs["spec"]["egress"]
        if {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": names.MONITORING_NAMESPACE}}}
        in rule["to"]
    ]
    assert [rule["ports"] for rule in to_monitoring] == [ingress.inputs["spec"]["ingress"][0]["ports"]]
    for job in plan.k8s_objects("CronJob"):
        if job.inputs["metadata"]["namespace"] != MODELS_NAMESPACE:
            continue  # not a drift job: the bucket reconciler, or the restore check (test_backups_velero.py)
        pod_labels = job.inputs["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
        assert ingress_from["podSelector"]["matchLabels"].items() <= pod_labels.items()
    assert ingress.inputs["spec"]["podSelector"]["matchLabels"] == network.PUSHGATEWAY_POD_LABELS
    for release in releases(plan, names.PUSHGATEWAY_RELEASE).values():
        service = release.inputs["values"]["service"]
        assert service["port"] == names.PUSHGATEWAY_PORT == service["targetPort"] == PUSHGATEWAY_CHART_POD_PORT


def test_drift_jobs_push_to_the_deployed_pushgateway(plan: PlanView) -> None:
    url = names.pushgateway_url()
    assert url == (
        f"http://{names.PUSHGATEWAY_RELEASE}.{names.MONITORING_NAMESPACE}.svc:{names.PUSHGATEWAY_PORT}"
    )  # the chart names the service after the release
    configs = [
        json.loads(c.inputs["data"]["config.json"])
        for c in plan.k8s_objects("ConfigMap")
        if c.inputs["metadata"]["name"].startswith("drift-config-")
    ]
    assert configs
    assert {config["pushgateway"] for config in configs} == {url}


def test_monitoring_namespace_is_governed(plan: PlanView) -> None:
    (namespace, *_) = named(plan, "Namespace", names.MONITORING_NAMESPACE)
    assert namespace.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    quotas = [q for q in plan.k8s_objects("ResourceQuota") if q.inputs["metadata"]["namespace"] == "monitoring"]
    assert len(quotas) == len(plan.config("regions"))


@pytest.mark.parametrize("kind", ["StorageClass", "NetworkPolicy", "Secret", "Namespace"])
def test_the_objects_the_stack_creates_are_valid_kubernetes(plans: dict[str, PlanView], kind: str) -> None:
    plan = plans["prod"]
    objects = [
        r
        for r in plan.k8s_objects(kind)
        if "MonitoringStack" in r.urn
        or names.MONITORING_NAMESPACE in (r.inputs["metadata"].get("namespace"), r.inputs["metadata"].get("name"))
    ]
    assert objects
    for resource in objects:
        body = dict(resource.inputs)
        if body.get("stringData") == "[secret]":  # the payload is hidden in any plan; its shape is known
            body["stringData"] = {"admin-user": "x", GRAFANA_PASSWORD_KEY: "x"}
        kubernetes_validate.validate(body, str(plan.config("kubernetesVersion")), strict=True)


def test_chart_table_matches_the_helm_packs_known_repositories() -> None:
    charts_rego = (ROOT / "policies" / "packs" / "helm" / "charts.rego").read_text(encoding="utf-8")
    for chart, pin in yaml.safe_load((ROOT / "infra/components/monitoring/charts.yaml").read_text()).items():
        block = charts_rego.split(f'"{chart}": {{', 1)[1].split("},", 1)[0]
        assert f'"{pin["repository"]}"' in block, chart


def test_the_ebs_csi_driver_may_use_the_key_the_storage_class_names(plan: PlanView) -> None:
    """The StorageClass and the CSI driver's role meet on the storage key: the role's KMS statements select
    it by the alias the storage key carries (the managed CSI policy covers AWS-managed keys only)."""
    aliases = {a.inputs["targetKeyId"]: a.inputs["name"] for a in plan.of_type("aws:kms/alias:Alias")}
    policies = {plan.region_of(p): p for p in plan.of_type("aws:iam/rolePolicy:RolePolicy") if "ebs-csi-kms" in p.name}
    for storage_class in named(plan, "StorageClass", STORAGE_CLASS):
        region = k8s_region(plan, storage_class)
        key = plan.find_by_output("aws:kms/key:Key", "arn", storage_class.inputs["parameters"]["kmsKeyId"])
        _, state = outputs_for(key.type, key.name, key.inputs, region)
        document = json.loads(policies[region].inputs["policy"])
        for statement in document["Statement"]:
            assert statement["Effect"] == "Allow"
            assert statement["Resource"].startswith(f"arn:aws:kms:{region}:")
            chosen = statement["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"]
            assert chosen == aliases[state["keyId"]]
        actions = {action for statement in document["Statement"] for action in statement["Action"]}
        assert {"kms:CreateGrant", "kms:GenerateDataKey*", "kms:Decrypt", "kms:DescribeKey"} <= actions


def test_the_component_stands_alone_and_merges_overlays_in_order() -> None:
    """How the lead plugs in the global view and Alertmanager overlays: later overlays win key by key,
    lists are replaced, and the config-derived values stay where no overlay touches them."""
    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    ctx = StackContext("ai-platform", "dev", config)
    first = {"alertmanager": {"config": {"route": {"receiver": "a"}, "receivers": [{"name": "a"}]}}}
    second = pulumi.Output.from_input({"alertmanager": {"config": {"receivers": [{"name": "b"}]}}})

    def program() -> None:
        MonitoringStack(
            "alone",
            ctx=ctx,
            region=config.regions[0],
            storage_key_arn="arn:aws:kms:eu-west-1:123456789012:key/x",
            values_overlays=[first, second],
        )

    monitor = install("ai-platform", "dev", ROOT)
    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call,operator]
    (release,) = [
        r for r in monitor.recorded if r.type == RELEASE and r.inputs["name"] == names.KUBE_PROMETHEUS_RELEASE
    ]
    values = normalize(release.inputs["values"])
    assert values["alertmanager"]["config"] == {"route": {"receiver": "a"}, "receivers": [{"name": "b"}]}
    assert values["prometheus"]["prometheusSpec"]["retention"] == f"{config.monitoring.retention_days}d"


def test_with_a_global_view_only_prometheus_and_grafana_may_leave_on_https() -> None:
    # Remote write to the primary's workspace crosses the VPC boundary; a default-deny namespace would
    # drop it silently without this policy.
    spec = network.global_view_egress()
    (selector,) = spec["podSelector"]["matchExpressions"]
    assert set(selector["values"]) == {"prometheus", "grafana"}
    assert spec["egress"] == [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}]


@pytest.mark.parametrize(("stack", "expected"), [("dev", 0), ("prod", 2)])
def test_the_global_view_egress_exists_exactly_where_there_is_a_global_view(
    plans: dict[str, PlanView], stack: str, expected: int
) -> None:
    assert len(named(plans[stack], "NetworkPolicy", "global-view-egress")) == expected
