"""Render the dashboards in spec.yaml to Grafana JSON files (one per dashboard, committed next to the spec).

`python -m infra.components.monitoring.dashboards.build` rewrites the files; `--check` exits 1 when they
are stale. Shared names (job names, namespaces, threshold defaults) come from the modules that define them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import yaml

from drift_jobs import contract
from infra.components.models.names import MODELS_NAMESPACE
from infra.components.monitoring import names

HERE: Final = Path(__file__).parent
SPEC_FILE: Final = HERE / "spec.yaml"
# Every dashboard variable ends up in label matchers; these three scope every selector.
SCOPE_VARIABLES: Final = ("stack", "region", "cluster")
# kube-state-metrics turns the extended resource nvidia.com/gpu into this label value.
KSM_GPU_RESOURCE: Final = "nvidia_com_gpu"
DATASOURCE_VARIABLE: Final = "datasource"
PANEL_HEIGHT: Final = 8
GRID_WIDTH: Final = 24


def tokens() -> dict[str, str]:
    defaults = contract.DEFAULT_THRESHOLDS
    values = {
        "scope": ",".join(f'{v}=~"${v}"' for v in SCOPE_VARIABLES),
        "dcgm_job": names.DCGM_EXPORTER_RELEASE,
        "drift_job": contract.PUSHGATEWAY_JOB,
        "models_ns": MODELS_NAMESPACE,
        "gpu": KSM_GPU_RESOURCE,
        "error": f'{names.INFERENCE_OUTCOME_LABEL}="{names.INFERENCE_ERROR_OUTCOME}"',
    }
    for quantity in ("accuracy_drop", "latency_increase"):
        for tier in contract.TIERS:
            values[f"{quantity}_{tier}"] = repr(defaults[quantity][tier])
    return values


def substitute(text: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            raise KeyError(f"{SPEC_FILE}: unknown token <<{match.group(1)}>>")
        return values[match.group(1)]

    return re.sub(r"<<(\w+)>>", value, text)


def _datasource() -> dict[str, str]:
    return {"type": "prometheus", "uid": f"${{{DATASOURCE_VARIABLE}}}"}


def _variable(name: str, query: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": name,
        "type": "query",
        "datasource": _datasource(),
        "query": {"query": query, "refId": f"var-{name}"},
        "definition": query,
        "refresh": 2,
        "includeAll": True,
        "allValue": ".*",
        "multi": True,
        "sort": 1,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
    }


def variables(extra: list[str]) -> list[dict[str, Any]]:
    # The datasource variable lets the primary's Grafana switch to the global (cross-region) datasource.
    listed: list[dict[str, Any]] = [
        {
            "name": DATASOURCE_VARIABLE,
            "label": "Data source",
            "type": "datasource",
            "query": "prometheus",
            "refresh": 1,
            "current": {},
        }
    ]
    listed += [_variable(v, f"label_values({v})") for v in SCOPE_VARIABLES]
    scope = ",".join(f'{v}=~"${v}"' for v in SCOPE_VARIABLES)
    queries = {
        "model": f"label_values(model_drift_status{{{scope}}}, model)",
        "feature": f'label_values(model_drift_feature_status{{model=~"$model",{scope}}}, feature)',
    }
    listed += [_variable(v, queries[v]) for v in extra]
    return listed


def _panel(spec: dict[str, Any], panel_id: int, grid: dict[str, int]) -> dict[str, Any]:
    kind = spec.get("type", "timeseries")
    panel: dict[str, Any] = {"id": panel_id, "type": kind, "title": spec["title"], "gridPos": grid}
    if "description" in spec:
        panel["description"] = spec["description"]
    if kind == "text":
        panel["options"] = {"mode": "markdown", "content": spec["content"]}
        return panel
    panel["datasource"] = _datasource()
    defaults: dict[str, Any] = {"unit": spec.get("unit", "short")}
    if "thresholds" in spec:
        steps = [{"value": None if i == 0 else float(v), "color": c} for i, (v, c) in enumerate(spec["thresholds"])]
        defaults["thresholds"] = {"mode": "absolute", "steps": steps}
    if "mappings" in spec:
        options = {str(k): {"text": str(v), "index": i} for i, (k, v) in enumerate(spec["mappings"].items())}
        defaults["mappings"] = [{"type": "value", "options": options}]
    panel["fieldConfig"] = {"defaults": defaults, "overrides": []}
    instant = kind in ("stat", "table")
    panel["targets"] = [
        {
            "refId": chr(ord("A") + i),
            "datasource": _datasource(),
            "expr": " ".join(str(t["expr"]).split()),
            "legendFormat": t.get("legend", "__auto"),
            "instant": instant,
            "range": not instant,
            **({"format": "table"} if kind == "table" else {}),
        }
        for i, t in enumerate(spec["targets"])
    ]
    return panel


def _layout(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    panel_id, y = 1, 0
    for row in rows:
        yield {
            "id": panel_id,
            "type": "row",
            "title": row["title"],
            "collapsed": False,
            "gridPos": {"x": 0, "y": y, "w": GRID_WIDTH, "h": 1},
            "panels": [],
        }
        panel_id, y, x = panel_id + 1, y + 1, 0
        for spec in row["panels"]:
            width = int(spec.get("width", GRID_WIDTH // 2))
            if x + width > GRID_WIDTH:
                x, y = 0, y + PANEL_HEIGHT
            yield _panel(spec, panel_id, {"x": x, "y": y, "w": width, "h": PANEL_HEIGHT})
            panel_id, x = panel_id + 1, x + width
        y += PANEL_HEIGHT


def render(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "uid": f"ai-platform-{name}",
        "title": spec["title"],
        "description": spec["description"],
        "tags": ["ai-platform"],
        "editable": False,
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-24h", "to": "now"},
        "refresh": "1m",
        "timezone": "utc",
        "templating": {"list": variables(list(spec.get("variables", [])))},
        "annotations": {"list": []},
        "panels": list(_layout(spec["rows"])),
    }


def rendered() -> dict[str, str]:
    """File name -> JSON text of every dashboard in the spec."""
    spec = yaml.safe_load(substitute(SPEC_FILE.read_text(encoding="utf-8"), tokens()))
    return {
        f"{name}.json": json.dumps(render(name, body), indent=2, ensure_ascii=False) + "\n"
        for name, body in spec["dashboards"].items()
    }


EXIT_OK, EXIT_STALE, EXIT_USAGE = 0, 1, 2
EPILOG = f"""exit codes:
  {EXIT_OK}  written (or, with --check, up to date)
  {EXIT_STALE}  --check: a committed dashboard is stale or extra
  {EXIT_USAGE}  bad usage"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed dashboard is stale")
    args = parser.parse_args(argv)
    expected = rendered()
    stale = sorted(
        name
        for name, text in expected.items()
        if not (HERE / name).exists() or (HERE / name).read_text(encoding="utf-8") != text
    )
    extra = sorted(p.name for p in HERE.glob("*.json") if p.name not in expected)
    if args.check:
        for name in [*stale, *extra]:
            print(f"stale: {HERE / name}", file=sys.stderr)
        return EXIT_STALE if stale or extra else EXIT_OK
    for name in stale:
        (HERE / name).write_text(expected[name], encoding="utf-8")
    for name in extra:
        (HERE / name).unlink()
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
