"""The program's own plans evaluate identically on both embedded engines.

Which rules fire on them is the gate's business (tests/policies/gate/test_gate_acceptance.py); here a
difference between regopy and regorus on real resources is the failure, whatever the rules decide.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rego_evaluation import evaluate_plan_resources
from rego_inputs import allowed_registries, plan_resources

from infra.offline.plan import plan_document, run_program
from policies.engines import Pack

REPO_ROOT = Path(__file__).resolve().parents[3]
STACKS = ["dev", "staging", "prod"]


@pytest.mark.parametrize("stack", STACKS)
def test_real_plan_evaluates_identically_on_both_engines(packs: dict[str, Pack], stack: str) -> None:
    recorded, config = run_program(stack, REPO_ROOT)
    plan = plan_document(recorded, config)
    resources = plan_resources(plan)
    assert resources, f"the {stack} plan has no resources to evaluate"
    registries = allowed_registries(plan)
    on_regopy = evaluate_plan_resources(packs, resources, registries, "regopy")
    on_regorus = evaluate_plan_resources(packs, resources, registries, "regorus")
    assert on_regopy == on_regorus
