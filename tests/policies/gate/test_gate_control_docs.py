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
