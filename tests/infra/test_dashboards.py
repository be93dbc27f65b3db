"""Grafana dashboards: committed JSON matches the spec, every panel's PromQL parses (real promtool) and names
only metrics the platform produces (metric_sources.yaml), and each ships as a labelled ConfigMap under 1 MiB."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from drift_jobs import contract
from infra.components.models.names import MODELS_NAMESPACE
from infra.components.monitoring import catalog, names
from infra.components.monitoring.dashboards import (
    CONFIGMAP_LIMIT_BYTES,
    Dashboards,
    build,
    dashboard_files,
)
from infra.components.monitoring.promql import grafana_to_promql, metric_names, variable_query_promql
from infra.config import load_stack_file
from infra.context import StackContext
from tests import binaries
from tests.infra.component_harness import ROOT, record

EXPECTED = {"gpu-fleet", "model-health", "drift", "drift-jobs", "storage"}


def _dashboards() -> dict[str, dict[str, Any]]:
    return {name: json.loads(text) for name, text in dashboard_files().items()}


def queries(dashboard: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, PromQL as Grafana would send it) for every panel target and every variable query."""
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield f"{dashboard['uid']} / {panel['title']} / {target['refId']}", target["expr"]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            promql = variable_query_promql(variable["query"]["query"])
            if promql is not None:
                yield f"{dashboard['uid']} / variable {variable['name']}", promql


def unknown_metrics(dashboard: dict[str, Any], known: set[str]) -> list[str]:
    return [
        f"{where}: {name}"
        for where, expr in queries(dashboard)
        for name in sorted(metric_names(grafana_to_promql(expr)) - known)
    ]


def test_the_five_dashboards_exist() -> None:
    assert set(_dashboards()) == EXPECTED


def test_committed_json_is_rendered_from_the_spec() -> None:
    assert build.main(["--check"]) == 0, "run: uv run --frozen python -m infra.components.monitoring.dashboards.build"


def test_every_query_names_only_metrics_the_platform_produces() -> None:
    known = catalog.produced_metrics()
    unknown = [entry for dashboard in _dashboards().values() for entry in unknown_metrics(dashboard, known)]
    assert unknown == []


def test_a_misspelt_metric_in_a_panel_is_reported() -> None:
    dashboard = _dashboards()["model-health"]
    target = dashboard["panels"][1]["targets"][0]
    target["expr"] = target["expr"].replace("model_inference_requests_total", "model_inference_request_total")
    assert unknown_metrics(dashboard, catalog.produced_metrics()) == [
        f"{dashboard['uid']} / {dashboard['panels'][1]['title']} / A: model_inference_request_total"
    ]


def test_every_dashboard_queries_its_datasource_variable_and_scopes_every_selector() -> None:
    for dashboard in _dashboards().values():
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        assert variables[build.DATASOURCE_VARIABLE]["type"] == "datasource"
        assert variables[build.DATASOURCE_VARIABLE]["query"] == "prometheus"
        assert set(build.SCOPE_VARIABLES) <= variables.keys()
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                assert panel["datasource"]["uid"] == target["datasource"]["uid"] == "${datasource}"
                selectors = re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*\{[^}]*\}", target["expr"])
                assert selectors, target["expr"]
                for selector in selectors:
                    for scope in build.SCOPE_VARIABLES:
                        assert f'{scope}=~"${scope}"' in selector, f"{panel['title']}: {selector}"


def test_model_and_feature_variables_where_the_brief_needs_them() -> None:
    dashboards = _dashboards()
    for name, needed in {"model-health": {"model"}, "drift": {"model", "feature"}, "drift-jobs": {"model"}}.items():
        assert needed <= {v["name"] for v in dashboards[name]["templating"]["list"]}


def test_threshold_panels_name_thresholds_the_drift_job_pushes() -> None:
    used = {
        match
        for dashboard in _dashboards().values()
        for _, expr in queries(dashboard)
        for match in re.findall(r'model_drift_threshold\{metric="(\w+)"', expr)
    }
    assert used
    assert used <= set(contract.FEATURE_THRESHOLD_METRICS)


def test_spec_spells_no_shared_name_as_a_label_value() -> None:
    body = build.SPEC_FILE.read_text(encoding="utf-8").split("\ndashboards:", 1)[1]
    shared_names = (
        names.DCGM_EXPORTER_RELEASE,
        contract.PUSHGATEWAY_JOB,
        MODELS_NAMESPACE,
        build.KSM_GPU_RESOURCE,
    )
    for shared in shared_names:
        assert f'"{shared}"' not in body, f"use the token for {shared}"


@pytest.mark.integration
def test_every_query_parses_with_promtool(tmp_path: Path) -> None:
    promtool = binaries.require("promtool")
    located = [(where, grafana_to_promql(expr)) for d in _dashboards().values() for where, expr in queries(d)]
    rules = [{"record": f"dashboard:query_{i}", "expr": expr} for i, (_, expr) in enumerate(located)]
    rule_file = tmp_path / "dashboards.rules.yaml"
    rule_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}), encoding="utf-8")
    result = subprocess.run(
        [str(promtool), "check", "rules", str(rule_file)], capture_output=True, text=True, timeout=60, check=False
    )
    rule_index = [f"rule {i + 1}: {where}" for i, (where, _) in enumerate(located)]
    assert result.returncode == 0, "\n".join([result.stdout, result.stderr, *rule_index])
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout


def test_configmaps_carry_the_sidecar_label_and_stay_under_the_api_limit() -> None:
    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.prod.yaml")
    ctx = StackContext(project="ai-platform", stack="prod", config=config)
    recorded = record("prod", lambda: Dashboards("dash", ctx=ctx))
    config_maps = [r for r in recorded if r.type == "kubernetes:core/v1:ConfigMap"]
    assert len(config_maps) == len(EXPECTED)
    for config_map in config_maps:
        metadata = config_map.inputs["metadata"]
        assert metadata["namespace"] == names.MONITORING_NAMESPACE
        assert metadata["labels"][names.DASHBOARD_LABEL] == names.DASHBOARD_LABEL_VALUE
        (text,) = config_map.inputs["data"].values()
        assert json.loads(text)["uid"].startswith("ai-platform-")
        size = len(json.dumps(config_map.inputs, ensure_ascii=False).encode("utf-8"))
        assert size < CONFIGMAP_LIMIT_BYTES
