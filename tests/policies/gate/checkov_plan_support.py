"""Test helpers: Pulumi resources as the plan loader yields them, and the real checkov over converted plans."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policies.gate.checkov.toolenv import OFFLINE_ARGUMENTS, checkov_executable, offline_environment
from policies.gate.subject import CloudResource

STACK = "test"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::ai-platform::{type_}::{name}"


def resource(
    type_: str,
    name: str,
    inputs: dict[str, Any] | None = None,
    property_dependencies: dict[str, list[str]] | None = None,
    *,
    custom: bool = True,
    urn_: str | None = None,
) -> CloudResource:
    return CloudResource(
        urn=urn_ or urn(type_, name),
        type=type_,
        name=name,
        custom=custom,
        inputs=inputs or {},
        parent=None,
        provider=None,
        dependencies=tuple(u for urns in (property_dependencies or {}).values() for u in urns),
        property_dependencies=property_dependencies or {},
        protect=False,
        pointer="/steps/0",
    )


def from_case(entries: list[dict[str, Any]]) -> list[CloudResource]:
    """A fixture case's resources; `dependsOn` names other resources of the case."""
    urns = {entry["name"]: urn(entry["type"], entry["name"]) for entry in entries}
    return [
        resource(
            entry["type"],
            entry["name"],
            entry.get("inputs"),
            {prop: [urns[name] for name in names] for prop, names in (entry.get("dependsOn") or {}).items()},
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class Verdicts:
    """checkov's results per plan file: (address, check id) → passed / failed."""

    passed: dict[str, set[tuple[str, str]]]
    failed: dict[str, set[tuple[str, str]]]
    parsing_errors: list[str]


def run_checkov(plans: Mapping[str, dict[str, Any]], directory: Path) -> Verdicts:
    """One checkov process over every plan (`name` → Terraform-plan document), as the gate runs it: offline."""
    directory.mkdir(parents=True, exist_ok=True)
    arguments: list[str] = []
    for name, document in plans.items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        arguments += ["-f", str(path)]
    completed = subprocess.run(
        [
            str(checkov_executable()),
            *arguments,
            "--framework",
            "terraform_plan",
            "-o",
            "json",
            "--compact",
            *OFFLINE_ARGUMENTS,
        ],
        capture_output=True,
        text=True,
        env=offline_environment(),
        cwd=directory,
        timeout=300,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr[-3000:]
    report = json.loads(completed.stdout)
    passed: dict[str, set[tuple[str, str]]] = {name: set() for name in plans}
    failed: dict[str, set[tuple[str, str]]] = {name: set() for name in plans}
    for kind, into in (("passed_checks", passed), ("failed_checks", failed)):
        for result in report["results"][kind]:
            into[Path(result["file_path"]).stem].add((result["resource"], result["check_id"]))
    return Verdicts(passed, failed, list(report["results"].get("parsing_errors", [])))
