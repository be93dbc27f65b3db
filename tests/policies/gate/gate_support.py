"""Builders for plan documents and a runner for the gate CLI, shared by the gate's tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from policies.gate.cli import main

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
FIXTURES = HERE / "fixtures"
TINY_PACKS = FIXTURES / "packs"
BROKEN_PACKS = FIXTURES / "broken_packs"
CORPUS = HERE / "corpus"
REAL_PACKS = REPO_ROOT / "policies" / "packs"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
TODAY = "2026-11-20"
STACK = "test"


def urn(type_: str, name: str, stack: str = STACK) -> str:
    return f"urn:pulumi:{stack}::ai-platform::{type_}::{name}"


def step(
    type_: str,
    name: str,
    inputs: dict[str, Any] | None = None,
    *,
    stack: str = STACK,
    op: str = "create",
    provider: str | None = None,
    dependencies: list[str] | None = None,
    **state: Any,
) -> dict[str, Any]:
    resource_urn = urn(type_, name, stack)
    new_state: dict[str, Any] = {
        "urn": resource_urn,
        "custom": not type_.startswith("ai-platform:"),
        "type": type_,
        "inputs": inputs or {},
        "dependencies": dependencies or [],
        **state,
    }
    if provider:
        new_state["provider"] = provider
    return {"op": op, "urn": resource_urn, "newState": new_state}


def plan_document(*steps: dict[str, Any], config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"config": config or {}, "steps": list(steps), "changeSummary": {"create": len(steps)}}


def write_plan(directory: Path, document: dict[str, Any], name: str = "plan.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def k8s_step(body: dict[str, Any], name: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """A native Kubernetes resource step whose inputs are the object itself."""
    api_version, kind = body["apiVersion"], body["kind"]
    group_version = api_version if "/" in api_version else f"core/{api_version}"
    return step(f"kubernetes:{group_version}:{kind}", name or body["metadata"]["name"], body, **kwargs)


@dataclass
class GateRun:
    exit_code: int
    stdout: str
    stderr: str
    out: Path

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.out / "report.json").read_text(encoding="utf-8"))
        return data

    @property
    def findings(self) -> list[dict[str, Any]]:
        findings: list[dict[str, Any]] = self.report["findings"]
        return findings

    def policy_ids(self, status: str | None = None, *, blocking: bool | None = None) -> set[str]:
        return {
            f["policyId"]
            for f in self.findings
            if (status is None or f["status"] == status) and (blocking is None or f["blocking"] == blocking)
        }


class GateRunner:
    """Runs `python -m policies.gate` in-process with test defaults (tiny packs, no waivers, fixed date, no checkov)."""

    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp_path = tmp_path
        self.capsys = capsys
        self.runs = 0
        self.empty_waivers = tmp_path / "no-waivers.yaml"
        self.empty_waivers.write_text("waivers: []\n", encoding="utf-8")

    def __call__(
        self,
        *args: str,
        plan: Path | None = None,
        manifests: Path | None = None,
        packs: Path | None = TINY_PACKS,
        waivers: Path | None = None,
        engine: str = "regorus",
        checkov: bool = False,
    ) -> GateRun:
        self.runs += 1
        out = self.tmp_path / f"out{self.runs}"
        argv = ["--out", str(out), "--today", TODAY, "--engine", engine]
        if plan is not None:
            argv += ["--plan", str(plan)]
        if manifests is not None:
            argv += ["--manifests", str(manifests)]
        if packs is not None:
            argv += ["--packs", str(packs)]
        argv += ["--waivers", str(waivers or self.empty_waivers)]
        if not checkov:
            # The Rego tests assert Rego's findings; checkov's own tests (test_checkov_*.py) switch it on.
            argv.append("--no-checkov")
        self.capsys.readouterr()
        code = main([*argv, *args])
        captured = self.capsys.readouterr()
        return GateRun(exit_code=code, stdout=captured.out, stderr=captured.err, out=out)
