"""`ai-platform plan --preview`: the plan as a first `pulumi preview` of an empty stack shows it.

Outputs of resources not created yet (ids, ARNs, generated names) are Pulumi's unknown sentinel;
inputs written in the program and data-source answers stay known.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.offline.cli import main
from infra.offline.plan import plan_document, run_program
from policies.gate.inputs.plan import parse_plan
from policies.gate.unknowns import UNKNOWN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def preview() -> dict[str, Any]:
    recorded, config = run_program("dev", ROOT, first_preview=True)
    return plan_document(recorded, config)


def _inputs(document: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [s["newState"]["inputs"] for s in document["steps"] if s["newState"]["type"] == type_]


def test_outputs_of_new_resources_are_unknown(preview: dict[str, Any]) -> None:
    subnets = _inputs(preview, "aws:ec2/subnet:Subnet")
    assert subnets and all(s["vpcId"] == UNKNOWN for s in subnets)
    clusters = _inputs(preview, "aws:eks/cluster:Cluster")
    assert clusters and all(c["roleArn"] == UNKNOWN for c in clusters)
    # A new provider has no id yet either: its reference ends in the sentinel.
    assert all(s["provider"].endswith("::" + UNKNOWN) for s in preview["steps"] if s.get("provider"))


def test_inputs_written_in_the_program_stay_known(preview: dict[str, Any]) -> None:
    clusters = _inputs(preview, "aws:eks/cluster:Cluster")
    vpc_config = clusters[0]["vpcConfig"]
    assert vpc_config["endpointPrivateAccess"] is True
    assert UNKNOWN not in json.dumps(vpc_config.get("publicAccessCidrs", []))


def test_the_offline_plan_has_no_unknowns(tmp_path: Path) -> None:
    # The control: without --preview the mocks answer every output, so the same checks would fail.
    recorded, config = run_program("dev", ROOT)
    document = plan_document(recorded, config)
    assert all(s["vpcId"] != UNKNOWN for s in _inputs(document, "aws:ec2/subnet:Subnet"))


def test_the_cli_writes_preview_json_the_gate_can_read(tmp_path: Path) -> None:
    assert main(["plan", "--stack", "dev", "--preview", "--out", str(tmp_path), "--root", str(ROOT)]) == 0
    path = tmp_path / "preview.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert parse_plan(path, document).stack == "dev"
    assert not (tmp_path / "plan.json").exists()
