"""The program's own plans evaluate identically on both embedded engines.

Which rules fire on them is the gate's business (tests/policies/gate/test_gate_acceptance.py); here a
difference between regopy and regorus on real resources is the failure, whatever the rules decide.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rego_evaluation import evaluate_plan_resources
from rego_inputs import allowed_registries, plan_resources
from session_cache import OfflinePlans

from policies.engines import Pack
from policies.gate.pipeline import GateOptions, run_gate

REPO_ROOT = Path(__file__).resolve().parents[3]
STACKS = ["dev", "staging", "prod"]


@pytest.mark.parametrize("stack", STACKS)
def test_real_plan_evaluates_identically_on_both_engines(
    packs: dict[str, Pack], stack: str, offline_plans: OfflinePlans
) -> None:
    plan = offline_plans.document(stack)
    resources = plan_resources(plan)
    assert resources, f"the {stack} plan has no resources to evaluate"
    registries = allowed_registries(plan)
    on_regopy = evaluate_plan_resources(packs, resources, registries, "regopy")
    on_regorus = evaluate_plan_resources(packs, resources, registries, "regorus")
    assert on_regopy == on_regorus


@pytest.mark.parametrize("stack", STACKS)
def test_real_plan_gives_the_same_gate_findings_on_both_engines(
    stack: str, tmp_path: Path, offline_plans: OfflinePlans
) -> None:
    # Through the whole gate (unknown probing, stack-rule attribution, engine errors), not only the packs.
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(offline_plans.document(stack)), encoding="utf-8")
    results = []
    for engine in ("regopy", "regorus"):
        options = GateOptions(out=tmp_path / engine, plan=plan_file, engine=engine, repo_root=REPO_ROOT, checkov=False)
        result = run_gate(options)
        results.append(sorted((f.policy_id, f.status, f.message, str(f.resource)) for f in result.findings))
    assert results[0] == results[1]
    assert not any(finding[0] == "gate.engine_error" for finding in results[0])
