"""The DCGM exporter release: pinned chart from NVIDIA's repository, GPU nodes only (placement derived from
the GPU pool's labels and taints), scraped through the platform's ServiceMonitor selector, with the counters
the GPU alerts need."""

from __future__ import annotations

import re
from typing import Any

import yaml

from infra.components.gpu import dcgm_exporter
from infra.components.gpu.dcgm_exporter import DcgmExporter, metrics_port
from infra.components.monitoring import catalog, names
from infra.components.monitoring.alerts import rule_groups
from infra.components.monitoring.promql import metric_names
from infra.components.nodes.spec import accelerated_pools, pool_specs
from infra.config import PlatformConfig, load_stack_file
from infra.config.model import Taint
from infra.context import StackContext
from tests.infra.component_harness import ROOT, record

RELEASE_TYPE = "kubernetes:helm.sh/v3:Release"
# What the GPU alerts and the GPU fleet dashboard read (issue 8: XID, ECC, row remap, throttling,
# temperature, power, framebuffer, utilisation).
GPU_ALERT_FIELDS = {
    "DCGM_FI_DEV_XID_ERRORS",
    "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",
    "DCGM_FI_DEV_ROW_REMAP_FAILURE",
    "DCGM_FI_DEV_POWER_VIOLATION",
    "DCGM_FI_DEV_THERMAL_VIOLATION",
    "DCGM_FI_DEV_GPU_TEMP",
    "DCGM_FI_DEV_POWER_USAGE",
    "DCGM_FI_DEV_FB_USED",
    "DCGM_FI_DEV_FB_FREE",
    "DCGM_FI_DEV_GPU_UTIL",
}


def _config(stack: str = "prod") -> PlatformConfig:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    return config


def _with_pool_taints(config: PlatformConfig, pool: str, taints: list[Taint]) -> PlatformConfig:
    pools = dict(config.node_pools)
    pools[pool] = pools[pool].model_copy(update={"taints": taints})
    return config.model_copy(update={"node_pools": pools})


def _release_values(config: PlatformConfig, stack: str = "prod") -> dict[str, Any]:
    ctx = StackContext(project="ai-platform", stack=stack, config=config)
    recorded = record(stack, lambda: DcgmExporter("dcgm", ctx=ctx))
    (release,) = [r for r in recorded if r.type == RELEASE_TYPE]
    assert release.inputs["name"] == names.DCGM_EXPORTER_RELEASE
    assert release.inputs["namespace"] == names.NODE_AGENTS_NAMESPACE
    values: dict[str, Any] = release.inputs["values"]
    return values


def _nvidia_taints(config: PlatformConfig) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for spec in accelerated_pools(config, "nvidia"):
        for t in spec.taints:
            toleration = {"key": t.key, "operator": "Equal", "value": t.value, "effect": t.effect}
            if toleration not in found:
                found.append(toleration)
    return found


def test_tolerations_are_exactly_the_taints_of_the_nvidia_pools() -> None:
    config = _config()
    assert len(accelerated_pools(config, "nvidia")) == 2  # prod: an inference and a training GPU pool
    values = _release_values(config)
    assert values["tolerations"] == _nvidia_taints(config)
    assert {"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"} in values[
        "tolerations"
    ]


def test_changing_a_gpu_pools_taints_in_the_config_moves_the_tolerations() -> None:
    extra = Taint(key="example.com/dedicated", value="training", effect="NoExecute")
    overridden = Taint(key="nvidia.com/gpu", value="present", effect="NoExecute")
    config = _with_pool_taints(_config("dev"), "gpu", [overridden, extra])
    values = _release_values(config, "dev")
    assert values["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoExecute"},
        {"key": "example.com/dedicated", "operator": "Equal", "value": "training", "effect": "NoExecute"},
    ]


def test_runs_on_every_nvidia_pool_and_on_no_other_pool() -> None:
    config = _config()
    selector = _release_values(config)["nodeSelector"]
    assert selector
    for spec in pool_specs(config):
        lands = selector.items() <= spec.labels.items()
        assert lands is (spec.accelerator.name == "nvidia"), f"placement on the {spec.name} pool is wrong"


def test_chart_is_pinned_and_from_the_repository_the_helm_pack_knows() -> None:
    ctx = StackContext(project="ai-platform", stack="prod", config=_config())
    (release,) = [r for r in record("prod", lambda: DcgmExporter("dcgm", ctx=ctx)) if r.type == RELEASE_TYPE]
    assert re.fullmatch(r"\d+\.\d+\.\d+", release.inputs["version"])
    charts = (ROOT / "policies" / "packs" / "helm" / "charts.rego").read_text(encoding="utf-8")
    entry = re.search(r'"dcgm-exporter": \{(.*?)\n\t\}', charts, re.DOTALL)
    assert entry, "the helm pack's chart table has no dcgm-exporter entry"
    assert release.inputs["chart"] == "dcgm-exporter"
    assert f'"{release.inputs["repositoryOpts"]["repo"].rstrip("/")}"' in entry.group(1)
    registries = re.findall(r'"(nvcr\.io/[^"]*)"', entry.group(1))
    assert any(release.inputs["values"]["image"]["repository"].startswith(r) for r in registries)
    assert release.inputs["values"]["image"]["tag"]


def test_service_monitor_carries_the_platform_selector_and_the_release_names_the_job() -> None:
    values = _release_values(_config())
    monitor = values["serviceMonitor"]
    assert monitor["enabled"] is True
    assert monitor["additionalLabels"] == names.SELECTOR_LABELS
    assert values["fullnameOverride"] == names.DCGM_EXPORTER_RELEASE


def test_scrape_interval_follows_the_monitoring_config() -> None:
    config = _config()
    monitoring = config.monitoring.model_copy(update={"scrape_interval_seconds": 7})
    values = _release_values(config.model_copy(update={"monitoring": monitoring}))
    assert values["serviceMonitor"]["interval"] == "7s"
    assert values["serviceMonitor"]["scrapeTimeout"] == "7s"


def test_counters_file_is_the_release_value_and_has_what_the_gpu_alerts_need() -> None:
    values = _release_values(_config())
    assert values["customMetrics"] == dcgm_exporter.COUNTERS_FILE.read_text(encoding="utf-8")
    fields = {field for field, kind in catalog.dcgm_counters(dcgm_exporter.COUNTERS_FILE) if kind != "label"}
    assert fields >= GPU_ALERT_FIELDS, f"missing: {sorted(GPU_ALERT_FIELDS - fields)}"
    assert fields == catalog.producers()["dcgm-exporter"]


def test_every_dcgm_metric_an_alert_rule_reads_is_a_counter_the_exporter_exports() -> None:
    # Joined to the rules themselves, not to a list: a rule on a field the counters file leaves out never fires.
    exported = {field for field, kind in catalog.dcgm_counters(dcgm_exporter.COUNTERS_FILE) if kind != "label"}
    read: dict[str, set[str]] = {}
    for stack in ("dev", "staging", "prod"):
        config = _config(stack)
        for region in config.regions:
            for group in rule_groups(config, stack=stack, region=region.name):
                for rule in group["rules"]:
                    for metric in metric_names(rule["expr"]):
                        if metric.startswith("DCGM_"):
                            read.setdefault(metric, set()).add(str(rule.get("alert") or rule.get("record")))
    assert set(read) >= {"DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_GPU_UTIL"}, "the join found no GPU alert rules"
    missing = {metric: sorted(rules) for metric, rules in read.items() if metric not in exported}
    assert not missing, f"alert rules read DCGM fields the counters file does not export: {missing}"


def test_values_grant_no_host_access() -> None:
    def walk(node: Any, path: str = "") -> list[str]:
        if isinstance(node, dict):
            return [p for k, v in node.items() for p in walk(v, f"{path}.{k}")]
        if isinstance(node, list):
            return [p for i, v in enumerate(node) for p in walk(v, f"{path}.{i}")]
        return [path] if node is True else []

    flags = ("privileged", "hostNetwork", "hostPID", "hostIPC", "allowPrivilegeEscalation")
    granted = [p for p in walk(_release_values(_config())) if p.rsplit(".", 1)[-1] in flags]
    assert granted == []


def test_only_prometheus_may_scrape_the_exporter_on_its_metrics_port() -> None:
    ctx = StackContext(project="ai-platform", stack="prod", config=_config())
    recorded = record("prod", lambda: DcgmExporter("dcgm", ctx=ctx))
    (policy,) = [r for r in recorded if r.type == "kubernetes:networking.k8s.io/v1:NetworkPolicy"]
    assert policy.inputs["metadata"]["namespace"] == names.NODE_AGENTS_NAMESPACE
    spec = policy.inputs["spec"]
    (rule,) = spec["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": metrics_port()}]
    (source,) = rule["from"]
    assert source["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": names.MONITORING_NAMESPACE}
    # The chart's pod selector labels, with the release name the exporter is installed under.
    assert spec["podSelector"]["matchLabels"]["app.kubernetes.io/instance"] == names.DCGM_EXPORTER_RELEASE


def test_the_node_agents_namespace_is_the_one_the_kubernetes_pack_exempts() -> None:
    data = yaml.safe_load((ROOT / "policies" / "packs" / "kubernetes" / "namespaces.data.yaml").read_text())
    assert data["kubernetes_namespaces"]["nodeAgents"] == [names.NODE_AGENTS_NAMESPACE]
