"""Each pack on the inputs `pulumi preview --policy-pack` builds finds what the gate finds (analyzer_shapes.py).

The gate builds its own Rego inputs (policies/gate/sources/rego.py); these tests catch the day the two
drift apart, on the prod plan and on a copy of it with a violation for every kind of rule.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from analyzer_shapes import RESOURCE_RULE, STACK_RULE, Finding, analyzer_findings
from session_cache import OfflinePlans

from policies.engines import get_engine, load_packs
from policies.gate.cli import main
from policies.gate.inputs.plan import load_plan

REPO_ROOT = Path(__file__).resolve().parents[3]
PACKS = REPO_ROOT / "policies" / "packs"
TODAY = "2026-11-20"


@pytest.fixture(scope="module")
def prod_plan(offline_plans: OfflinePlans) -> dict[str, Any]:
    return offline_plans.document("prod")


def _steps(plan: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [s["newState"] for s in plan["steps"] if s["newState"]["type"] == type_]


def _with_violations(plan: dict[str, Any]) -> dict[str, Any]:
    """Resource, stack and admission rules each fire: unencrypted secrets, unencrypted buckets, a root container."""
    plan = copy.deepcopy(plan)
    for cluster in _steps(plan, "aws:eks/cluster:Cluster"):
        cluster["inputs"].pop("encryptionConfig", None)
    sse = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    plan["steps"] = [s for s in plan["steps"] if s["newState"]["type"] != sse]
    deployment = _steps(plan, "kubernetes:apps/v1:Deployment")[0]
    for container in deployment["inputs"]["spec"]["template"]["spec"]["containers"]:
        container.setdefault("securityContext", {}).update({"privileged": True, "runAsNonRoot": False})
    return plan


def _gate_findings(plan: Path, out: Path) -> tuple[set[Finding], dict[str, Any]]:
    argv = ["--plan", str(plan), "--out", str(out), "--today", TODAY, "--no-checkov", "--engine", "regorus"]
    assert main(argv) in (0, 1)
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rego = {rule["policyId"] for rule in report["rules"] if rule["engine"] == "rego"}
    found = {
        (f["policyId"], (f["resource"] or {}).get("urn"))
        for f in report["findings"]
        if f["policyId"] in rego and f["status"] in ("fail", "unknown")
    }
    return found, report


def test_every_decision_rule_has_a_name_the_analyzer_evaluates() -> None:
    """policy.go evaluates only these prefixes; any other rule would be a helper, silently never run natively."""
    for pack in load_packs(PACKS):
        for rule in pack.rules:
            pattern = STACK_RULE if rule.kind == "stack" else RESOURCE_RULE
            assert pattern.match(rule.rule), f"{rule.policy_id}: the analyzer would not evaluate it"


def test_the_shape_helpers_are_one_module_copied_into_each_pack_that_reads_those_fields() -> None:
    """input_shapes.rego is a copy per pack (a pack is one Rego package): the copies must not drift apart."""
    copies = {path.parent.name: path.read_text(encoding="utf-8") for path in sorted(PACKS.glob("*/input_shapes.rego"))}
    assert copies
    bodies = {re.sub(r"^package \w+\n", "", text, count=1) for text in copies.values()}
    assert len(bodies) == 1, sorted(copies)
    for pack in load_packs(PACKS):
        reads = any(
            re.search(r'"__provider"|"__propertyDependencies"|\.__provider\b|\.__propertyDependencies\b', text)
            for name, text in pack.modules.items()
            if not name.endswith("_test.rego") and name != "input_shapes.rego"
        )
        assert not reads, (
            f"{pack.name} reads __provider or __propertyDependencies directly, not through input_shapes.rego"
        )


@pytest.mark.slow
@pytest.mark.parametrize("case", ["prod", "prod with violations"])
def test_each_pack_finds_on_the_analyzer_inputs_what_the_gate_finds(
    case: str, prod_plan: dict[str, Any], tmp_path: Path
) -> None:
    plan = prod_plan if case == "prod" else _with_violations(prod_plan)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    gate, report = _gate_findings(path, tmp_path / "out")
    if case != "prod":
        engines = {policy.split(".", 1)[0] for policy, _ in gate}
        assert {"aws", "kubernetes"} <= engines, sorted(gate)  # the copy does exercise resource, stack, admission
    engine = get_engine("regorus")
    resources = load_plan(path).resources
    # The per-rule `--policy-pack-config` that gives `input.parameters` the gate's values.
    parameters = {"allowedRegistries": report["settings"]["allowedRegistries"]}
    analyzer: set[Finding] = set()
    for pack in load_packs(PACKS):
        analyzer |= analyzer_findings(engine, pack, resources, parameters)
    assert sorted(analyzer - gate, key=str) == []  # found natively only
    assert sorted(gate - analyzer, key=str) == []  # found by the gate only
