"""Our device-plugin values against the pinned chart's own files (vendored under tests/infra/data/charts/):
every value we set is one the chart reads, the config-manager reads the node label the node groups set, and
the DaemonSet takes its placement from the values we derive from the pools."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from infra.components.gpu import device_plugin
from infra.components.gpu.charts import pin
from infra.components.nodes.spec import DEVICE_PLUGIN_CONFIG_LABEL
from infra.config import PlatformConfig, load_stack_file
from tests.infra.component_harness import ROOT

CHART_DIR = Path(__file__).parent / "data" / "charts" / f"nvidia-device-plugin-{pin('nvidia-device-plugin').version}"
TEMPLATE = CHART_DIR / "daemonset-device-plugin.yml"


def _config(stack: str) -> PlatformConfig:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    return config


def _chart_values() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((CHART_DIR / "values.yaml").read_text(encoding="utf-8"))
    return loaded


def _dependency_conditions() -> set[str]:
    chart = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text(encoding="utf-8"))
    return {c.strip() for dep in chart.get("dependencies", []) for c in dep.get("condition", "").split(",")}


def _unknown_paths(ours: dict[str, Any], chart: dict[str, Any], prefix: str = "") -> list[str]:
    """Paths we set that the chart's values.yaml does not have. Below a key whose chart default is not a
    non-empty map (nodeSelector: {}, resources: {}, config.map: {}, affinity...), anything goes."""
    unknown = []
    for key, value in ours.items():
        path = f"{prefix}{key}"
        if key not in chart:
            unknown.append(path)
            continue
        default = chart[key]
        if isinstance(value, dict) and isinstance(default, dict) and default and key != "affinity":
            unknown += _unknown_paths(value, default, f"{path}.")
    return unknown


def test_the_vendored_chart_is_the_pinned_one() -> None:
    chart = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text(encoding="utf-8"))
    assert chart["name"] == device_plugin.CHART
    assert chart["version"] == pin(device_plugin.CHART).version


def test_every_value_we_set_is_one_the_chart_has() -> None:
    for stack in ("dev", "staging", "prod"):
        unknown = _unknown_paths(device_plugin.values(_config(stack)), _chart_values())
        assert set(unknown) <= _dependency_conditions(), f"{stack}: values the chart does not read: {unknown}"


def test_a_misspelt_value_is_caught() -> None:
    values = {**device_plugin.values(_config("dev")), "toleration": []}
    assert "toleration" in _unknown_paths(values, _chart_values())


def test_config_manager_reads_the_label_the_node_groups_set() -> None:
    labels = re.findall(r'- name: NODE_LABEL\s+value: "([^"]+)"', TEMPLATE.read_text(encoding="utf-8"))
    assert len(labels) == 2  # the init container and the sidecar
    assert set(labels) == {DEVICE_PLUGIN_CONFIG_LABEL}


def test_the_daemonset_takes_its_placement_from_the_values() -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    for key in ("nodeSelector", "affinity", "tolerations"):
        assert re.search(rf"{{{{- with \.Values\.{key} }}}}\s+{key}:\s+{{{{- toYaml \. ", template), key
    assert "priorityClassName: {{ .Values.priorityClassName }}" in template
    # The chart's defaults would place it by NFD labels and tolerate every nvidia.com/gpu taint (Exists):
    # our values replace both (Helm replaces lists; the affinity's one term list replaces the chart's terms).
    chart = _chart_values()
    ours = device_plugin.values(_config("prod"))
    assert ours["tolerations"] != chart["tolerations"]
    terms = ours["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert len(terms) == 1


def test_the_image_is_the_charts_own() -> None:
    ours = device_plugin.values(_config("prod"))["image"]
    assert ours["repository"] == _chart_values()["image"]["repository"]
    chart = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text(encoding="utf-8"))
    assert ours["tag"] == f"v{chart['appVersion']}"
