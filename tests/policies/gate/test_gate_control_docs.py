"""docs/policies/controls.md is generated from the packs and must not go stale."""

from __future__ import annotations

from gate_support import REPO_ROOT

from policies.gate.docs import render_controls_markdown


def test_committed_control_matrix_is_up_to_date() -> None:
    committed = (REPO_ROOT / "docs" / "policies" / "controls.md").read_text(encoding="utf-8")
    assert committed == render_controls_markdown(), "run `uv run python -m policies.gate.docs` and commit the result"


def test_matrix_lists_every_rule_with_its_fixtures_and_the_gate_rules() -> None:
    text = render_controls_markdown()
    assert "`aws.deny_eks_secrets_encryption`" in text
    assert "CIS-EKS-5.3.1" in text
    assert "`schema.kubernetes_schema`" in text
    assert "Allow fixtures" in text and "Deny fixtures" in text


def test_each_control_lists_the_checkov_checks_mapped_to_it_next_to_its_rego_rules() -> None:
    rows = [
        line.split(" | ") for line in render_controls_markdown().splitlines() if line.startswith("| CIS-EKS-4.2.1 |")
    ]
    assert "`kubernetes.deny_privileged_container`" in {row[2] for row in rows if row[1] == "rego"}
    assert any("`CKV_K8S_16`" in row[2] for row in rows if row[1] == "checkov")


def test_a_not_adopted_checkov_check_is_shown_as_such() -> None:
    rows = [line for line in render_controls_markdown().splitlines() if "`CKV_K8S_84`" in line]
    assert rows and all("| not adopted |" in row for row in rows)
