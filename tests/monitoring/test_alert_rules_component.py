"""AlertRules under the mock engine: one PrometheusRule per group, where Prometheus selects it."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from infra.components.monitoring import names
from infra.components.monitoring.alerts import AlertRules, rule_groups
from infra.config import PlatformConfig
from infra.context import StackContext
from infra.offline.recorder import install
from tests.monitoring.conftest import ROOT


def test_one_prometheus_rule_per_group_after_the_crd(fixture_config: PlatformConfig) -> None:
    monitor = install("ai-platform", "fixture", ROOT)
    ctx = StackContext("ai-platform", "fixture", fixture_config)
    region = fixture_config.primary_region

    def program() -> None:
        # Stands in for the kube-prometheus-stack release that installs the PrometheusRule CRD.
        crd = k8s.core.v1.ConfigMap("crd-release", metadata={"name": "crd", "namespace": "monitoring"})
        AlertRules("alerts", ctx=ctx, region=region, depends_on=[crd])

    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]

    crd_urn = next(r.urn for r in monitor.recorded if r.urn.endswith("::crd-release"))
    rules = [r for r in monitor.recorded if r.type == "kubernetes:monitoring.coreos.com/v1:PrometheusRule"]
    expected = rule_groups(fixture_config, stack="fixture", region=region.name)
    assert [r.inputs["spec"]["groups"] for r in sorted(rules, key=lambda r: r.urn)] == [
        [g] for g in sorted(expected, key=lambda g: g["name"].replace(".", "-"))
    ]
    for rule in rules:
        metadata = rule.inputs["metadata"]
        assert metadata["namespace"] == names.MONITORING_NAMESPACE
        assert names.SELECTOR_LABELS.items() <= metadata["labels"].items()
        assert metadata["name"] == rule.inputs["spec"]["groups"][0]["name"].replace(".", "-")
        assert crd_urn in rule.dependencies
        assert rule.parent.endswith("ai-platform:monitoring:AlertRules::alerts")
