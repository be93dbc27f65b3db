"""A first `pulumi preview` of each project stack, generated values unknown, through the real gate on both engines.

Without --allow-unknown it must block with `unknown` findings only (never a silent pass, never a plain
failure), and regorus and regopy must report the same findings. With --allow-unknown only what a first
preview legitimately leaves unknown is lifted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from gate_support import REPO_ROOT

from infra.offline.plan import write_plan
from policies.gate.findings import Finding
from policies.gate.pipeline import GateOptions, GateResult, run_gate
from policies.gate.unknowns import UNKNOWN
from policies.gate.verdict import decide

pytestmark = pytest.mark.slow

STACKS = ("dev", "staging", "prod")
ENGINES = ("regorus", "regopy")
# Inputs a rule must read whole before apply: the program builds these documents from names, aliases
# and the account id (known in a first preview), never from generated ARNs.
DOCUMENT_INPUTS = {
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
}


@pytest.fixture(scope="module")
def previews(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], GateResult]:
    results: dict[tuple[str, str], GateResult] = {}
    for stack in STACKS:
        directory = tmp_path_factory.mktemp(f"preview-{stack}")
        path, _ = write_plan(stack, REPO_ROOT, directory, first_preview=True)
        for engine in ENGINES:
            options = GateOptions(
                out=directory / engine,
                plan=path,
                engine=engine,
                waivers=REPO_ROOT / "policies" / "waivers.yaml",
                today=dt.date(2026, 11, 20),
                repo_root=REPO_ROOT,
            )
            results[stack, engine] = run_gate(options)
    return results


def _key(finding: Finding) -> tuple[Any, ...]:
    return (
        finding.policy_id,
        finding.resource.key if finding.resource else "",
        finding.status,
        finding.legitimately_unknown,
        finding.message,
    )


def _blocking(result: GateResult, *, allow_unknown: bool) -> list[Finding]:
    return decide(result.findings, result.rules.values(), result.verdict.fail_on, allow_unknown=allow_unknown).blocking


@pytest.mark.parametrize("stack", STACKS)
def test_engines_report_the_same_findings_on_a_first_preview(
    previews: dict[tuple[str, str], GateResult], stack: str
) -> None:
    regorus, regopy = (sorted(map(_key, previews[stack, e].findings)) for e in ENGINES)
    assert regorus == regopy


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("stack", STACKS)
def test_a_first_preview_blocks_as_unknown_without_allow_unknown(
    previews: dict[tuple[str, str], GateResult], stack: str, engine: str
) -> None:
    result = previews[stack, engine]
    assert result.verdict.exit_code == 1 and result.verdict.verdict == "unknown"
    assert {f.status for f in _blocking(result, allow_unknown=False)} == {"unknown"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("stack", STACKS)
def test_allow_unknown_lifts_only_legitimately_unknown_findings(
    previews: dict[tuple[str, str], GateResult], stack: str, engine: str
) -> None:
    result = previews[stack, engine]
    lifted = [f for f in _blocking(result, allow_unknown=False) if f not in _blocking(result, allow_unknown=True)]
    assert lifted and all(f.legitimately_unknown for f in lifted)


@pytest.mark.parametrize("stack", STACKS)
def test_a_compliant_first_preview_passes_with_allow_unknown(
    previews: dict[tuple[str, str], GateResult], stack: str
) -> None:
    for engine in ENGINES:
        assert _blocking(previews[stack, engine], allow_unknown=True) == []


@pytest.mark.parametrize("stack", STACKS)
def test_iam_documents_are_readable_in_a_first_preview(previews: dict[tuple[str, str], GateResult], stack: str) -> None:
    unreadable = [
        resource.urn
        for resource in previews[stack, "regorus"].subject.resources
        if resource.type in DOCUMENT_INPUTS and resource.inputs.get(DOCUMENT_INPUTS[resource.type]) == UNKNOWN
    ]
    assert unreadable == []
