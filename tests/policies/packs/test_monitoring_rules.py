"""Alert rules are checked in two places that must agree: PrometheusRule objects (kubernetes pack) and
the rule groups kube-prometheus-stack renders from its values (helm pack). One alert, given to both,
gets the same verdict, on both embedded engines."""

from __future__ import annotations

from typing import Any

import pytest

from policies.engines import Pack, get_engine

ENGINES = ("regorus", "regopy")
RULE = "deny_alert_rule_missing_severity_or_runbook"
RUNBOOK = "https://github.com/example/ai-platform/blob/main/docs/runbooks/drift.md"

# DESIGN §5.6: alerts are routed on severity warning or critical, nothing else.
ROUTED_SEVERITIES = ("warning", "critical")
OTHER_SEVERITIES = ("info", "none", "Critical", "page", "", "[secret]")


def _alert(severity: str, runbook_url: str = RUNBOOK) -> dict[str, Any]:
    return {
        "alert": "ModelDriftCritical",
        "expr": "ai_platform_drift_psi > 0.25",
        "labels": {"severity": severity, "team": "risk-models"},
        "annotations": {"summary": "drift", "runbook_url": runbook_url},
    }


def _groups(alert: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": "drift", "rules": [alert]}]


def _prometheus_rule(alert: dict[str, Any]) -> dict[str, Any]:
    obj = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "drift", "namespace": "monitoring"},
        "spec": {"groups": _groups(alert)},
    }
    return {
        "review": {"kind": {"group": "monitoring.coreos.com", "version": "v1", "kind": "PrometheusRule"}, "object": obj}
    }


def _release(alert: dict[str, Any]) -> dict[str, Any]:
    return {
        "__type": "kubernetes:helm.sh/v3:Release",
        "__urn": "urn:pulumi:dev::ai-platform::kubernetes:helm.sh/v3:Release::monitoring",
        "__name": "monitoring",
        "chart": "kube-prometheus-stack",
        "version": "65.1.0",
        "repositoryOpts": {"repo": "https://prometheus-community.github.io/helm-charts"},
        "values": {"additionalPrometheusRulesMap": {"drift": {"groups": _groups(alert)}}},
    }


@pytest.mark.parametrize("engine_name", ENGINES)
def test_both_packs_accept_exactly_the_routed_severities(packs: dict[str, Pack], engine_name: str) -> None:
    engine = get_engine(engine_name)
    kubernetes, helm = engine.compile(packs["kubernetes"]), engine.compile(packs["helm"])
    verdicts = {}
    for severity in ROUTED_SEVERITIES + OTHER_SEVERITIES:
        alert = _alert(severity)
        verdicts[severity] = (
            bool(kubernetes.evaluate(_prometheus_rule(alert))[RULE]),
            bool(helm.evaluate(_release(alert))[RULE]),
        )
    assert verdicts == {s: ((s not in ROUTED_SEVERITIES),) * 2 for s in verdicts}


@pytest.mark.parametrize("engine_name", ENGINES)
def test_both_packs_require_a_runbook(packs: dict[str, Pack], engine_name: str) -> None:
    engine = get_engine(engine_name)
    kubernetes, helm = engine.compile(packs["kubernetes"]), engine.compile(packs["helm"])
    for runbook_url in ("", "  ", "[secret]"):
        alert = _alert("critical", runbook_url)
        assert kubernetes.evaluate(_prometheus_rule(alert))[RULE]
        assert helm.evaluate(_release(alert))[RULE]
