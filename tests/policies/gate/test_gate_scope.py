"""Governance scope: platform-scope stack rules apply to this platform's stacks and read not-evaluated elsewhere.

The gate decides with policies/gate/scope.py; the packs' Rego guards every platform-scope body with
`platform_stack` (policies/packs/*/platform_scope.rego) so that `pulumi preview --policy-pack` on another
project's stack is not denied by them either. These tests hold the two sides together.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_support import FIXTURES, REAL_PACKS, REPO_ROOT, GateRunner, write_plan
from session_cache import OfflinePlans

from infra.config.errors import NAMESPACE
from policies.engines import GeneratedModule, get_engine, load_packs
from policies.engines.packs import Pack
from policies.gate.inputs.plan import load_plan
from policies.gate.scope import PLATFORM_PROJECT, PLATFORM_SCOPE, is_platform_plan
from policies.gate.sources.rego import resource_input

FOREIGN = FIXTURES / "foreign" / "preview.json"
FOREIGN_PROJECT = "shop-api"
GUARD = "platform_stack"
SCOPE_MODULE = "platform_scope.rego"
# The rule that fires on any stack of ours without a platform profile: proof that the foreign plan, once
# renamed into our project, does trip a platform-scope rule (so its absence on the foreign plan is the scope).
PROFILE_RULE = "ai_governance.stack_deny_platform_profile"


def _platform_rules(packs: list[Pack]) -> set[str]:
    return {rule.policy_id for pack in packs for rule in pack.rules if rule.scope == PLATFORM_SCOPE}


def _renamed(document: dict[str, Any], project: str) -> dict[str, Any]:
    """The same preview as if it came from `project` (only the URNs' project part changes)."""
    text = json.dumps(document).replace(f"::{FOREIGN_PROJECT}::", f"::{project}::")
    renamed: dict[str, Any] = json.loads(text)
    return renamed


def test_the_platform_project_is_pulumi_yaml_name_and_the_config_namespace() -> None:
    project = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))["name"]
    assert PLATFORM_PROJECT == NAMESPACE == project


def test_every_pack_with_platform_rules_has_the_same_guard_module_naming_that_project() -> None:
    packs = load_packs(REAL_PACKS)
    engine = get_engine("regorus")
    with_platform_rules = [p for p in packs if any(r.scope == PLATFORM_SCOPE for r in p.rules)]
    assert with_platform_rules, "no pack declares a platform-scope rule"
    sources = {}
    for pack in with_platform_rules:
        text = (pack.path / SCOPE_MODULE).read_text(encoding="utf-8")
        # Identical apart from the package line: one guard, copied because a pack is one Rego package.
        sources[pack.name] = re.sub(r"^package \w+\n", "", text, count=1)
        assert engine.query(pack, f"{pack.data_path}.platform_project") == PLATFORM_PROJECT, pack.name
    assert len(set(sources.values())) == 1, sorted(sources)


def _bodies(pack: Pack, rule: str) -> list[tuple[Path, int, str]]:
    """(file, line, first body line) of every definition of `rule` in the pack's policy files."""
    found = []
    head = re.compile(rf"^{re.escape(rule)}\s+contains\b.*\{{\s*$")
    for path in sorted(pack.path.glob("*.rego")):
        if path.name.endswith("_test.rego"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if re.match(rf"^{re.escape(rule)}\b", line):
                assert head.match(line), f"{path}:{number}: a body of {rule} this test cannot read"
                found.append((path, number, lines[number].strip()))
    return found


def test_platform_scope_in_metadata_and_the_rego_guard_go_together() -> None:
    """Every body of a platform-scope rule starts with the guard; no rule of scope any uses it."""
    for pack in load_packs(REAL_PACKS):
        for rule in pack.rules:
            bodies = _bodies(pack, rule.rule)
            assert bodies, f"{rule.policy_id}: no body found"
            for path, number, first in bodies:
                where = f"{path.relative_to(REPO_ROOT)}:{number}"
                if rule.scope == PLATFORM_SCOPE:
                    assert rule.kind == "stack", f"{where}: scope platform is for stack rules"
                    assert first == GUARD, f"{where}: {rule.policy_id} is scope platform but not guarded"
                else:
                    assert first != GUARD, f"{where}: {rule.policy_id} is guarded but its scope is {rule.scope}"


def _rego_ours(pack: Pack, document: dict[str, Any]) -> bool:
    package = f"ai_platform_engine.scope_probe.{pack.package}"
    # Indented JSON: regorus refuses source lines longer than 1,024 characters.
    source = (
        f"package {package}\n\nimport rego.v1\n\ndefault value := false\n\n"
        f"value if {pack.data_path}.{GUARD} with input as {json.dumps(document, indent=1)}\n"
    )
    module = GeneratedModule("__scope_probe__.rego", source, f"data.{package}.value")
    return bool(get_engine("regorus").query(pack, module.reference, extra=module))


@pytest.mark.parametrize(
    "case",
    ["foreign", "ours", "one resource of ours among foreign ones", "malformed urns"],
)
def test_the_rego_guard_agrees_with_the_gate(case: str, tmp_path: Path) -> None:
    document = json.loads(FOREIGN.read_text(encoding="utf-8"))
    if case == "ours":
        document = _renamed(document, PLATFORM_PROJECT)
    elif case == "one resource of ours among foreign ones":
        step = document["steps"][-1]
        for holder in (step, step["newState"]):
            holder["urn"] = holder["urn"].replace(f"::{FOREIGN_PROJECT}::", f"::{PLATFORM_PROJECT}::")
    resources = load_plan(write_plan(tmp_path, document)).resources
    stack_input = {"resources": [resource_input(r) for r in resources]}
    if case == "malformed urns":
        # A plan never holds these (the loader refuses them); the guard must still read them as not ours.
        stack_input = {"resources": [{"__urn": f"{PLATFORM_PROJECT}::x"}, {"__urn": 7}, {}]}
        expected = False
    else:
        expected = is_platform_plan(resources)
        assert expected == (case != "foreign")
    for pack in (p for p in load_packs(REAL_PACKS) if (p.path / SCOPE_MODULE).is_file()):
        assert _rego_ours(pack, stack_input) is expected, pack.name


def test_the_packs_alone_do_not_deny_a_foreign_stack_with_platform_rules(tmp_path: Path) -> None:
    """What `pulumi preview --policy-pack` sees: the Rego decision itself, without the gate's scope check."""
    engine = get_engine("regorus")
    packs = load_packs(REAL_PACKS)
    platform = _platform_rules(packs)
    document = json.loads(FOREIGN.read_text(encoding="utf-8"))
    fired: dict[str, set[str]] = {}
    for project in (FOREIGN_PROJECT, PLATFORM_PROJECT):
        plan = write_plan(tmp_path, _renamed(document, project), f"{project}.json")
        stack_input = {"resources": [resource_input(r) for r in load_plan(plan).resources]}
        fired[project] = set()
        for pack in (p for p in packs if p.input_format != "kubernetes-admission"):
            decision = engine.compile(pack).evaluate(stack_input)
            fired[project] |= {f"{pack.name}.{rule}" for rule, messages in decision.items() if messages}
    assert PROFILE_RULE in fired[PLATFORM_PROJECT]
    assert not fired[FOREIGN_PROJECT] & platform


def test_a_foreign_preview_is_gated_on_its_own_merits_with_platform_rules_not_evaluated(gate: GateRunner) -> None:
    run = gate(plan=FOREIGN, packs=REAL_PACKS)
    rules = {rule["policyId"]: rule for rule in run.report["rules"]}
    platform = {policy for policy, rule in rules.items() if rule["scope"] == PLATFORM_SCOPE}
    assert platform == _platform_rules(load_packs(REAL_PACKS))
    assert all(not rules[policy]["evaluated"] for policy in platform)
    assert not {f["policyId"] for f in run.findings} & platform
    # Its own findings still block: the public, unencrypted bucket is a finding of rules of scope any.
    assert run.exit_code == 1
    assert {"aws.stack_deny_s3_public_access_block", "aws.stack_deny_s3_encryption"} <= run.policy_ids(blocking=True)
    # No stack file of ours is read for it, although its stack is also called prod.
    assert all(not f["location"]["file"].startswith("stacks/") for f in run.findings)
    # A control served only by platform-scope rules has nothing evaluated behind it.
    only_platform = {
        control
        for control in {c for policy in platform for c in rules[policy]["controls"]}
        if all(rule["scope"] == PLATFORM_SCOPE for rule in rules.values() if control in rule["controls"])
    }
    assert only_platform, "no control is served by platform-scope rules alone"
    verdicts = {c["control"]: c["verdict"] for c in run.report["controls"]}
    assert {verdicts[control] for control in only_platform} == {"not-evaluated"}


@pytest.mark.slow
def test_the_prod_plan_evaluates_the_platform_rules(
    gate: GateRunner, tmp_path: Path, offline_plans: OfflinePlans
) -> None:
    run = gate(plan=write_plan(tmp_path, offline_plans.document("prod")), packs=REAL_PACKS)
    rules = [rule for rule in run.report["rules"] if rule["scope"] == PLATFORM_SCOPE]
    assert rules and all(rule["evaluated"] for rule in rules)


@pytest.mark.slow
def test_make_gate_takes_a_foreign_preview_without_a_stack_file(tmp_path: Path) -> None:
    out = tmp_path / "gate"
    result = subprocess.run(
        ["make", "--no-print-directory", "gate", f"PLAN={FOREIGN}", f"OUT={out}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (out / "report.json").is_file(), result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "fail", result.stdout
    assert "stack file" not in result.stderr
    assert all(not rule["evaluated"] for rule in report["rules"] if rule["scope"] == PLATFORM_SCOPE)
