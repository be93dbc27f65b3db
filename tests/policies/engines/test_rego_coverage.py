"""control_matrix maps every control id to the rules serving it, with the state of their fixtures."""

from __future__ import annotations

from pathlib import Path

from policies.engines import control_matrix, get_engine, load_packs

PACKS_ROOT = Path(__file__).resolve().parents[3] / "policies" / "packs"


def test_every_rule_appears_under_each_of_its_controls_with_passing_fixtures() -> None:
    packs = load_packs(PACKS_ROOT)
    matrix = control_matrix(packs, get_engine("regorus"))
    by_control = {entry.control: {rule.policy_id: rule for rule in entry.rules} for entry in matrix}
    for pack in packs:
        for rule in pack.rules:
            for control in rule.controls:
                assert rule.policy_id in by_control[control]
    statuses = {rule.fixture_status for rules in by_control.values() for rule in rules.values()}
    assert statuses == {"passing"}


def test_known_controls_map_to_their_rules() -> None:
    matrix = {entry.control: entry for entry in control_matrix(load_packs(PACKS_ROOT), get_engine("regorus"))}
    assert "aws.deny_eks_secrets_encryption" in {r.policy_id for r in matrix["CIS-EKS-5.3.1"].rules}
    assert matrix["CIS-EKS-5.3.1"].framework == "CIS-EKS"
    assert matrix["EU-AI-Act:Art.14"].framework == "EU-AI-Act"
    assert "ai_governance.stack_deny_high_risk_human_oversight" in {
        r.policy_id for r in matrix["EU-AI-Act:Art.14"].rules
    }
