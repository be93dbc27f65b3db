"""Produce the plan document (DESIGN §5.2) for a stack by running the real program under mocks."""

from __future__ import annotations

import heapq
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pulumi

from infra.components.monitoring.alertmanager.generate import write_file as write_alertmanager_file
from infra.components.monitoring.alerts.files import write_rule_files
from infra.config import PlatformConfig, load_stack_file
from infra.offline.recorder import RecordedResource, install
from infra.program import build

PROJECT = "ai-platform"


def engine_config_strings(config_map: dict[str, Any]) -> dict[str, str]:
    """The engine passes every config value to the program as a string, structured ones as JSON."""
    return {
        key: value if isinstance(value, str) else json.dumps(value, default=str) for key, value in config_map.items()
    }


def run_program(
    stack: str, project_root: Path, *, first_preview: bool = False
) -> tuple[list[RecordedResource], dict[str, str]]:
    stack_file = project_root / "stacks" / f"Pulumi.{stack}.yaml"
    config, config_map = load_stack_file(stack_file)  # fails with file:line before anything is declared
    return run_with_config(stack, config, config_map, project_root, first_preview=first_preview)


def run_with_config(
    stack: str, config: PlatformConfig, config_map: dict[str, Any], project_root: Path, *, first_preview: bool = False
) -> tuple[list[RecordedResource], dict[str, str]]:
    """Run the program under mocks. `first_preview`: outputs of new resources are unknown, as in a
    first `pulumi preview` of an empty stack (see FakeCloud)."""
    strings = engine_config_strings(config_map)
    monitor = install(PROJECT, stack, project_root, first_preview=first_preview)
    pulumi.runtime.set_all_config(strings)

    def program() -> None:
        build(config)

    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
    return monitor.recorded, strings


def ordered(recorded: list[RecordedResource]) -> list[RecordedResource]:
    """Registration order depends on async scheduling; emit a stable topological order instead
    (parents, providers and dependencies first, ties broken by URN), so the same config gives the same plan."""
    by_urn = {r.urn: r for r in recorded}
    waiting_on: dict[str, set[str]] = {}
    dependents: dict[str, list[str]] = {urn: [] for urn in by_urn}
    for r in recorded:
        before = {r.parent, r.provider.rsplit("::", 1)[0], *r.dependencies} & by_urn.keys()
        before.discard(r.urn)
        waiting_on[r.urn] = before
        for urn in before:
            dependents[urn].append(r.urn)
    ready = [urn for urn, before in waiting_on.items() if not before]
    heapq.heapify(ready)
    result: list[RecordedResource] = []
    while ready:
        urn = heapq.heappop(ready)
        result.append(by_urn[urn])
        for dependent in dependents[urn]:
            waiting_on[dependent].discard(urn)
            if not waiting_on[dependent]:
                heapq.heappush(ready, dependent)
    if len(result) != len(recorded):  # a cycle cannot happen in a registered program; keep everything anyway
        seen = {r.urn for r in result}
        result += sorted((r for r in recorded if r.urn not in seen), key=lambda r: r.urn)
    return result


def plan_document(recorded: list[RecordedResource], config: dict[str, str]) -> dict[str, Any]:
    steps = []
    for resource in ordered(recorded):
        new_state: dict[str, Any] = {
            "urn": resource.urn,
            "custom": resource.custom,
            "type": resource.type,
            "inputs": resource.inputs,
            "parent": resource.parent,
            "provider": resource.provider,
            "dependencies": sorted(resource.dependencies),
            "propertyDependencies": {k: sorted(v) for k, v in resource.property_dependencies.items()},
        }
        if resource.retain_on_delete:  # the engine's step state omits it when false
            new_state["retainOnDelete"] = True
        if resource.protect:  # likewise
            new_state["protect"] = True
        if resource.source_position:
            new_state["sourcePosition"] = resource.source_position
        steps.append({"op": "create", "urn": resource.urn, "provider": resource.provider, "newState": new_state})
    return {
        "config": dict(sorted(config.items())),
        "steps": steps,
        "changeSummary": dict(Counter(step["op"] for step in steps)),
    }


def write_plan(
    stack: str, project_root: Path, out_dir: Path, *, first_preview: bool = False
) -> tuple[Path, dict[str, Any]]:
    recorded, config = run_program(stack, project_root, first_preview=first_preview)
    document = plan_document(recorded, config)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ("preview.json" if first_preview else "plan.json")
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if not first_preview:
        # The monitoring configuration the plan deploys, as files promtool and amtool check.
        platform, _ = load_stack_file(project_root / "stacks" / f"Pulumi.{stack}.yaml")
        write_rule_files(platform, stack, out_dir / "rules")
        write_alertmanager_file(platform, stack=stack, out_dir=out_dir)
    return path, document
