"""Findings on stack-derived resources point at the stack-file line a PR edits, with the code line alongside.

Acceptance (issue 12, item 3): a copy of the prod stack with one policy-breaking edit yields a finding whose SARIF
location is that line of the stack file and whose related location is the infra/ line that registers the resource.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gate_support import REAL_PACKS, REPO_ROOT, GateRun, GateRunner, plan_document, step, write_plan
from session_cache import OfflinePlans

from infra.offline.plan import plan_document as offline_plan_document
from infra.offline.plan import run_program
from policies.gate.inputs.plan import load_plan
from policies.gate.locations import StackFileLocator
from policies.gate.reports.sarif import CODE_LOCATION_MESSAGE

PROD_STACK = REPO_ROOT / "stacks" / "Pulumi.prod.yaml"
WAIVERS = REPO_ROOT / "policies" / "waivers.yaml"
REGISTRY_RULE = "kubernetes.deny_image_registry_not_allowed"
# One added line: the gate accepts only another organisation's images. The config model takes any registry prefix
# (the packs judge images against it), so the plan builds and the project's own images are denied.
KEPT = "  ai-platform:gate:\n    failOn: medium\n"
ADDED_LINE = "    allowedRegistries: [ghcr.io/other-org/]"


def _gate_prod(gate: GateRunner, plan: Path, stack_file: Path, *, checkov: bool = False) -> GateRun:
    return gate("--stack-file", str(stack_file), plan=plan, packs=REAL_PACKS, waivers=WAIVERS, checkov=checkov)


def _sarif_results(run: GateRun, rule: str) -> list[dict[str, Any]]:
    sarif = json.loads((run.out / "report.sarif").read_text(encoding="utf-8"))
    return [r for r in sarif["runs"][0]["results"] if r["ruleId"] == rule]


@pytest.fixture
def project_in_checkout() -> Iterator[Path]:
    """A project directory inside the checkout (under the ignored build/): code scanning annotates files of the
    repository only, so the gate gives a stack file outside it no physical location at all."""
    (REPO_ROOT / "build").mkdir(exist_ok=True)
    project = Path(tempfile.mkdtemp(prefix="stack-locations-", dir=REPO_ROOT / "build"))
    try:
        yield project
    finally:
        shutil.rmtree(project, ignore_errors=True)


@pytest.mark.slow
def test_one_edited_stack_line_is_where_the_finding_points(
    tmp_path: Path, gate: GateRunner, project_in_checkout: Path
) -> None:
    text = PROD_STACK.read_text(encoding="utf-8")
    assert text.count(KEPT) == 1
    edited = text.replace(KEPT, f"{KEPT}{ADDED_LINE}\n")
    edited_line = edited.splitlines().index(ADDED_LINE) + 1
    project = project_in_checkout
    (project / "stacks").mkdir(parents=True)
    stack_file = project / "stacks" / "Pulumi.prod.yaml"
    stack_file.write_text(edited, encoding="utf-8")
    recorded, config = run_program("prod", project)
    plan_path = write_plan(tmp_path, offline_plan_document(recorded, config))

    run = _gate_prod(gate, plan_path, stack_file)

    assert run.exit_code == 1
    results = _sarif_results(run, REGISTRY_RULE)
    assert results, run.stdout
    positions = {r.urn: r.source_position for r in load_plan(plan_path).resources}
    for result in results:
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {
            "uri": stack_file.relative_to(REPO_ROOT).as_posix(),
            "uriBaseId": "%SRCROOT%",
        }
        assert physical["region"]["startLine"] == edited_line
        # The resource's registration in infra/, as the plan records it, goes alongside.
        code = positions[location["logicalLocations"][0]["fullyQualifiedName"]]
        assert code is not None and code.file.startswith("infra/")
        (related,) = result["relatedLocations"]
        assert related["message"]["text"] == CODE_LOCATION_MESSAGE
        assert related["physicalLocation"]["artifactLocation"] == {"uri": code.file, "uriBaseId": "%SRCROOT%"}
        assert related["physicalLocation"]["region"]["startLine"] == code.line


@pytest.mark.slow
def test_prod_findings_on_stack_derived_resources_carry_both_locations(
    tmp_path: Path, gate: GateRunner, offline_plans: OfflinePlans
) -> None:
    plan_path = write_plan(tmp_path, offline_plans.document("prod"))
    run = _gate_prod(gate, plan_path, PROD_STACK, checkov=True)
    assert run.exit_code == 0, run.stdout

    keys = {rule["policyId"]: tuple(rule["configKeys"]) for rule in run.report["rules"]}
    resources = {r.urn: r for r in load_plan(plan_path).resources}
    locator = StackFileLocator(PROD_STACK, "stacks/Pulumi.prod.yaml")
    stack_derived: set[str] = set()
    from_code: set[str] = set()
    for finding in run.findings:
        resource = resources.get(finding["resource"].get("urn", ""))
        if resource is None or resource.source_position is None:
            continue
        code = {"file": resource.source_position.file, "line": resource.source_position.line}
        # The rule's keys as the report lists them: the same keys the sources must have placed the finding by.
        line = locator.stack_line(resource, keys[finding["policyId"]])
        if line is None:
            assert (finding["location"], finding["codeLocation"]) == (code, None), finding
            from_code.add(finding["policyId"])
        else:
            assert finding["location"] == {"file": "stacks/Pulumi.prod.yaml", "line": line}, finding
            assert finding["codeLocation"] == code, finding
            stack_derived.add(finding["policyId"])
    # Both kinds occur, from the gate's own rules and checkov's.
    assert any(policy.startswith("CKV") for policy in stack_derived), stack_derived
    assert any(policy.startswith("schema.") for policy in stack_derived), stack_derived
    assert from_code, "no finding kept its code location"


STACK_RULE_PACK = """\
package located

import rego.v1

# METADATA
# title: The stack has two regions
# description: A finding about the stack as a whole, not about one resource.
# custom:
#   severity: high
#   controls: [NIST-800-53:CP-7]
#   message: Add a region.
#   config_keys: [regions]
stack_deny_one_region contains "the stack declares one region"
"""


def test_a_finding_about_the_whole_stack_points_at_its_rules_config_key(tmp_path: Path, gate: GateRunner) -> None:
    pack = tmp_path / "packs" / "located"
    pack.mkdir(parents=True)
    (pack / "PulumiPolicy.yaml").write_text("runtime: opa\nversion: 0.0.1\n", encoding="utf-8")
    (pack / "located.rego").write_text(STACK_RULE_PACK, encoding="utf-8")
    stack_file = tmp_path / "Pulumi.test.yaml"
    stack_file.write_text(
        "config:\n  ai-platform:environment: dev\n  ai-platform:regions:\n    - name: eu-west-1\n", encoding="utf-8"
    )
    plan = write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b")))
    run = gate("--stack-file", str(stack_file), plan=plan, packs=pack.parent)
    (finding,) = [f for f in run.findings if f["policyId"] == "located.stack_deny_one_region"]
    assert finding["resource"] is None
    assert Path(finding["location"]["file"]).resolve() == stack_file.resolve()
    assert finding["location"]["line"] == 3  # `ai-platform:regions:`, not line 1
