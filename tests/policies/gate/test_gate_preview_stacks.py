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
# The one family a compliant first preview still blocks on, with --allow-unknown: IAM policy documents
# the program builds from ARNs not yet created are wholly unknown (a JSON string computed by apply), and
# a policy document is never legitimately unknown. Lifting this needs the program to pass structured
# policy documents and the IAM rules to read them (outside the gate's unknown handling).
UNREADABLE_POLICY_DOCUMENT = "aws.stack_deny_iam_wildcard_admin"


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
def test_allow_unknown_lifts_everything_but_unreadable_policy_documents(
    previews: dict[tuple[str, str], GateResult], stack: str, engine: str
) -> None:
    result = previews[stack, engine]
    lifted = [f for f in _blocking(result, allow_unknown=False) if f not in _blocking(result, allow_unknown=True)]
    assert lifted and all(f.legitimately_unknown for f in lifted)
    by_urn = {r.urn: r for r in result.subject.resources}
    for finding in _blocking(result, allow_unknown=True):
        assert finding.policy_id == UNREADABLE_POLICY_DOCUMENT and finding.resource is not None
        assert by_urn[finding.resource.key].inputs["policy"] == UNKNOWN


@pytest.mark.xfail(
    strict=True,
    reason="IAM policy documents built from unknown ARNs are wholly unknown in a first preview; needs structured "
    "policy documents in the program and IAM rules that read them (issue 7, defaults and awsiam parts)",
)
@pytest.mark.parametrize("stack", STACKS)
def test_a_compliant_first_preview_passes_with_allow_unknown(
    previews: dict[tuple[str, str], GateResult], stack: str
) -> None:
    for engine in ENGINES:
        assert _blocking(previews[stack, engine], allow_unknown=True) == []
