"""--baseline (issue 12 item 4): findings new, unchanged or absent against an earlier report.json; only new ones
block unless --fail-on-existing. Acceptance on the prod stack's offline plan (`ai-platform plan --stack prod`) with
the real packs and waivers; the matching rules and bad baselines on small inputs."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from gate_support import REAL_PACKS, REPO_ROOT, GateRun, GateRunner, k8s_step, plan_document, write_plan
from session_cache import OfflinePlans

from policies.gate.baseline import Baseline, BaselineEntry, compare, load_baseline
from policies.gate.catalog import ENGINE_ERROR, gate_finding
from policies.gate.findings import Finding, Location, ResourceRef
from policies.gate.report_schema import REPORT_SCHEMA_VERSION
from policies.gate.verdict import decide, is_blocking

PROD_STACK_FILE = REPO_ROOT / "stacks" / "Pulumi.prod.yaml"
WAIVERS = REPO_ROOT / "policies" / "waivers.yaml"
SCRATCH = "urn:pulumi:prod::ai-platform::aws:s3/bucket:Bucket::prod-scratch"

Gate = Callable[..., GateRun]


@pytest.fixture(scope="module")
def prod_plan(offline_plans: OfflinePlans) -> dict[str, Any]:
    """The prod stack's offline plan as `make plan STACK=prod` writes it (keys sorted), made once per session.

    `ai-platform plan` itself is tested in tests/infra and tests/monitoring."""
    document: dict[str, Any] = json.loads(json.dumps(offline_plans.document("prod"), sort_keys=True))
    return document


def _with_scratch_bucket(plan: dict[str, Any]) -> dict[str, Any]:
    """One bad resource added: a bucket with none of the encryption, versioning, access block and logging that the
    stack's buckets get from their components (a copy of the access-log bucket's step under a new URN)."""
    changed = copy.deepcopy(plan)
    template = next(s for s in changed["steps"] if s["newState"]["type"] == "aws:s3/bucket:Bucket")
    bucket = copy.deepcopy(template)
    bucket["urn"] = bucket["newState"]["urn"] = SCRATCH
    bucket["newState"].pop("parent", None)
    bucket["newState"]["inputs"]["bucketPrefix"] = "ai-platform-prod-scratch-"
    changed["steps"].append(bucket)
    return changed


@pytest.fixture
def prod_gate(gate: GateRunner, tmp_path: Path) -> Gate:
    """The gate on a prod plan document as `make gate STACK=prod` runs it: real packs, waivers, stack file."""

    def run(plan: dict[str, Any], name: str, *args: str, checkov: bool = False) -> GateRun:
        return gate(
            "--stack-file",
            str(PROD_STACK_FILE),
            *args,
            plan=write_plan(tmp_path, plan, name),
            packs=REAL_PACKS,
            waivers=WAIVERS,
            checkov=checkov,
        )

    return run


def _on_scratch(finding: dict[str, Any]) -> bool:
    return (finding["resource"] or {}).get("urn") == SCRATCH


def _with_public_endpoint(plan: dict[str, Any]) -> dict[str, Any]:
    """A finding the merge base already has: the EKS API endpoint open to the internet (Rego and checkov deny it)."""
    changed = copy.deepcopy(plan)
    cluster = next(s["newState"] for s in changed["steps"] if s["newState"]["type"] == "aws:eks/cluster:Cluster")
    cluster["inputs"]["vpcConfig"].update({"endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})
    return changed


@pytest.mark.slow  # two prod gate runs with checkov: about a minute here
def test_an_added_bad_bucket_makes_only_its_findings_new_and_only_they_block(
    prod_plan: dict[str, Any], prod_gate: Gate
) -> None:
    base_plan = _with_public_endpoint(prod_plan)
    base = prod_gate(base_plan, "base.json", checkov=True)
    existing = [f for f in base.findings if f["blocking"]]
    assert base.exit_code == 1 and {f["engine"] for f in existing} >= {"rego", "checkov"}
    head = prod_gate(
        _with_scratch_bucket(base_plan), "head.json", "--baseline", str(base.out / "report.json"), checkov=True
    )
    new = [f for f in head.findings if f["baselineState"] == "new"]
    assert new and all(_on_scratch(f) for f in new), [(f["policyId"], f["resource"]) for f in new]
    assert {f["engine"] for f in new} >= {"rego", "checkov"}  # checkov's findings are matched like Rego's
    assert {f["baselineState"] for f in head.findings if not _on_scratch(f)} == {"unchanged"}
    assert sum(_on_scratch(f) for f in head.findings) == len(new)
    # Only the bucket's findings block; the endpoint's, already on the base, are counted, not blocking.
    assert head.exit_code == 1
    blocking = [f for f in head.findings if f["blocking"]]
    assert blocking and all(_on_scratch(f) for f in blocking), [(f["policyId"], f["resource"]) for f in blocking]
    assert head.report["counts"]["blocking"] == len(blocking)
    assert head.report["counts"]["existingBlocking"] == len(existing)
    assert head.report["counts"]["byBaseline"] == {
        "new": len(new),
        "unchanged": len(head.findings) - len(new),
        "absent": 0,
    }
    sarif = json.loads((head.out / "report.sarif").read_text(encoding="utf-8"))
    states = [r["baselineState"] for r in sarif["runs"][0]["results"]]
    assert states.count("new") == len(new) and set(states) == {"new", "unchanged"}


def test_without_the_baseline_the_stacks_existing_findings_would_block_too(
    prod_plan: dict[str, Any], prod_gate: Gate
) -> None:
    """The base of the tests below: the plan with the bad bucket blocks on its own (exit 1, findings blocking)."""
    run = prod_gate(_with_scratch_bucket(prod_plan), "bucket.json")
    assert run.exit_code == 1
    assert {f["baselineState"] for f in run.findings} == {None}
    assert run.report["counts"]["byBaseline"] is None
    assert any(f["blocking"] and _on_scratch(f) for f in run.findings)


@pytest.mark.slow  # three prod gate runs: about 12 s here
def test_a_plan_against_its_own_blocking_baseline_passes_and_blocks_only_with_fail_on_existing(
    prod_plan: dict[str, Any], prod_gate: Gate
) -> None:
    plan = _with_scratch_bucket(prod_plan)
    base = prod_gate(plan, "base.json")
    assert base.exit_code == 1  # the baseline itself has blocking findings
    baseline = str(base.out / "report.json")
    same = prod_gate(plan, "head.json", "--baseline", baseline)
    assert {f["baselineState"] for f in same.findings} == {"unchanged"}
    assert same.exit_code == 0, same.stdout
    assert not any(f["blocking"] for f in same.findings)
    would_block = sum(f["blocking"] for f in base.findings)
    assert same.report["counts"]["existingBlocking"] == would_block
    assert f"{would_block} would block under --fail-on-existing" in same.stdout
    strict = prod_gate(plan, "head.json", "--baseline", baseline, "--fail-on-existing")
    assert strict.exit_code == 1
    assert [f["fingerprint"] for f in strict.findings if f["blocking"]] == [
        f["fingerprint"] for f in base.findings if f["blocking"]
    ]
    assert strict.report["settings"]["failOnExisting"] is True


@pytest.mark.slow  # two prod gate runs: about 11 s here
def test_the_findings_of_a_removed_resource_are_absent_and_never_block(
    prod_plan: dict[str, Any], prod_gate: Gate
) -> None:
    base = prod_gate(_with_scratch_bucket(prod_plan), "base.json")
    head = prod_gate(prod_plan, "head.json", "--baseline", str(base.out / "report.json"))
    assert head.exit_code == 0
    absent = head.report["absent"]
    assert absent and all(_on_scratch(f) and f["baselineState"] == "absent" for f in absent)
    assert {f["fingerprint"] for f in absent} == {f["fingerprint"] for f in base.findings if _on_scratch(f)}
    assert not any(f["blocking"] for f in absent)
    assert {f["baselineState"] for f in head.findings} == {"unchanged"}
    # SARIF: absent findings are left out (code scanning closes an alert whose result is gone; see sarif._result).
    sarif = json.loads((head.out / "report.sarif").read_text(encoding="utf-8"))
    assert {r["baselineState"] for r in sarif["runs"][0]["results"]} == {"unchanged"}
    # JUnit: listed with their rule, not as failures.
    junit = ET.parse(head.out / "report.xml").getroot()
    assert junit.get("failures") == "0" and junit.get("errors") == "0"
    assert "[baseline: absent]" in "".join(e.text or "" for e in junit.iter("system-out"))


def test_every_finding_of_a_report_reads_back_with_its_fingerprint(prod_plan: dict[str, Any], prod_gate: Gate) -> None:
    """The report writer (json_report) and the baseline reader agree: each rebuilt finding fingerprints the same."""
    run = prod_gate(_with_scratch_bucket(prod_plan), "bucket.json")
    baseline = load_baseline(run.out / "report.json")
    assert baseline.stack == "prod" and baseline.input_kind == "plan"
    assert [e.fingerprint for e in baseline.entries] == [f["fingerprint"] for f in run.findings]
    assert [e.finding.fingerprint for e in baseline.entries] == [e.fingerprint for e in baseline.entries]


# --- bad baselines: exit 2 with one line naming the file and what is wrong --------------------------------------


def _pod(name: str, privileged: bool = True) -> dict[str, Any]:
    container = {"name": "app", "image": "registry.example/app:1", "securityContext": {"privileged": privileged}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [container]}}


@pytest.fixture
def small_plan(tmp_path: Path) -> Path:
    return write_plan(tmp_path, plan_document(k8s_step(_pod("web"))), "small.json")


@pytest.fixture
def small_report(gate: GateRunner, small_plan: Path) -> dict[str, Any]:
    run = gate(plan=small_plan)
    assert run.exit_code == 1 and run.findings  # the tiny pack denies the privileged pod
    return run.report


def _write(tmp_path: Path, document: Any, name: str = "baseline.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: "{not json", "baseline report is not JSON"),
        (lambda d: [d], "at /: malformed baseline report: expected an object"),
        (lambda d: {**d, "schemaVersion": REPORT_SCHEMA_VERSION + 1}, "schemaVersion"),
        (lambda d: {**d, "findings": {}}, "at /findings: malformed baseline report: expected a list"),
        (
            lambda d: {**d, "findings": [{**d["findings"][0], "fingerprint": 7}]},
            "at /findings/0/fingerprint: malformed baseline report: expected a string",
        ),
        (
            lambda d: {**d, "findings": [{**d["findings"][0], "status": "broken"}]},
            "at /findings/0/status: malformed baseline report: expected one of fail, unknown, error, info",
        ),
        (lambda d: {**d, "input": {**d["input"], "stack": "dev"}}, "baseline is a report of stack 'dev' (plan)"),
        (lambda d: {**d, "input": {**d["input"], "kind": "manifests"}}, "(manifests), this run gates"),
    ],
    ids=["not-json", "not-an-object", "schema-version", "findings-shape", "field-type", "status", "stack", "kind"],
)
def test_a_bad_baseline_is_exit_2_naming_the_file_and_the_fault(
    gate: GateRunner,
    small_plan: Path,
    small_report: dict[str, Any],
    tmp_path: Path,
    mutate: Callable[[dict[str, Any]], Any],
    expected: str,
) -> None:
    path = _write(tmp_path, mutate(small_report))
    run = gate("--baseline", str(path), plan=small_plan)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"gate: error: {path}") and expected in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (run.out / "report.json").exists()


def test_a_missing_baseline_is_exit_2(gate: GateRunner, small_plan: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "report.json"
    run = gate("--baseline", str(missing), plan=small_plan)
    assert run.exit_code == 2
    assert run.stderr.strip() == f"gate: error: {missing}: baseline report does not exist"


# --- matching -------------------------------------------------------------------------------------------------


def _finding(name: str, message: str = "privileged", *, file: str = "a.yaml", status: Any = "fail") -> Finding:
    return Finding(
        policy_id="k8s.deny_privileged",
        engine="rego",
        severity="high",
        controls=("CIS-K8S-5.2.1",),
        resource=ResourceRef(type="kubernetes:core/v1:Pod", kind="Pod", namespace="apps", name=name),
        message=message,
        status=status,
        location=Location(file, 3),
    )


def _baseline(*entries: tuple[Finding, str]) -> Baseline:
    return Baseline(
        path=Path("base.json"),
        shown="base.json",
        input_kind="manifests",
        stack=None,
        entries=tuple(BaselineEntry(finding=f, fingerprint=fp) for f, fp in entries),
    )


def test_a_fingerprint_recipe_changed_since_the_base_still_matches() -> None:
    """The base wrote fingerprints with another recipe: its findings, re-fingerprinted, match this run's."""
    web, api = _finding("web"), _finding("api")
    result = compare([web, api], _baseline((web, "old-recipe-1"), (api, "old-recipe-2")))
    assert [f.baseline for f in result.findings] == ["unchanged", "unchanged"]
    assert result.absent == []


def test_a_finding_whose_location_moved_is_unchanged() -> None:
    moved = _finding("web", file="b.yaml")
    result = compare([moved], _baseline((_finding("web", file="a.yaml"), "recipe-with-the-file")))
    assert [f.baseline for f in result.findings] == ["unchanged"]


def test_each_baseline_finding_matches_once() -> None:
    """A second copy of a finding (the same object name in a second file) is new, not covered by the first's."""
    first, second = _finding("web", file="a.yaml"), _finding("web", file="b.yaml")
    result = compare([first, second], _baseline((first, first.fingerprint)))
    assert sorted(str(f.baseline) for f in result.findings) == ["new", "unchanged"]


def test_a_changed_message_is_new_and_the_old_one_absent() -> None:
    result = compare([_finding("web", "privileged: true")], _baseline((_finding("web"), _finding("web").fingerprint)))
    assert [f.baseline for f in result.findings] == ["new"]
    assert [(f.message, f.baseline) for f in result.absent] == [("privileged", "absent")]


# --- verdict --------------------------------------------------------------------------------------------------


def test_unchanged_engine_errors_and_baseline_exempt_rules_still_block() -> None:
    error = gate_finding(ENGINE_ERROR, "regorus crashed")
    assert error.status == "error"
    # A gate rule marked baseline_exempt (data/gate_rules.yaml) blocks even as a plain failure the baseline had.
    exempt_failure = replace(error, status="fail")
    ordinary = _finding("web")
    findings = [replace(f, baseline="unchanged") for f in (error, exempt_failure, ordinary)]
    verdict = decide(findings, [], "medium")
    assert [(f.message, f.status) for f in verdict.blocking] == [
        ("regorus crashed", "error"),
        ("regorus crashed", "fail"),
    ]
    assert [f.resource for f in verdict.existing_blocking] == [ordinary.resource]
    assert verdict.exit_code == 1


def test_absent_never_blocks_and_unchanged_blocks_only_in_strict_mode() -> None:
    unchanged = replace(_finding("web"), baseline="unchanged")
    absent = replace(_finding("api"), baseline="absent")
    assert not is_blocking(absent, "low", fail_on_existing=True)
    assert not is_blocking(unchanged, "low")
    assert is_blocking(unchanged, "low", fail_on_existing=True)
    strict = decide([unchanged], [], "low", fail_on_existing=True)
    assert strict.blocks(unchanged) and strict.blocking == [unchanged] and strict.existing_blocking == []
    lenient = decide([unchanged], [], "low")
    assert not lenient.blocks(unchanged) and lenient.verdict == "pass" and lenient.existing_blocking == [unchanged]


def _with_foreign_image_deployment(plan: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """One bad resource with one fault: a copy of a compliant Deployment of the stack under a new name, its image
    from a registry outside the stack's allow-list (everything else as the stack's own Deployment has it)."""
    changed = copy.deepcopy(plan)
    template = next(s for s in changed["steps"] if s["newState"]["type"] == "kubernetes:apps/v1:Deployment")
    step = copy.deepcopy(template)
    urn = step["urn"] + "-copy"
    step["urn"] = step["newState"]["urn"] = urn
    step["newState"]["inputs"]["metadata"]["name"] += "-copy"
    container = step["newState"]["inputs"]["spec"]["template"]["spec"]["containers"][0]
    container["image"] = "docker.io/example/writer:0.1.0@sha256:" + "1" * 64
    changed["steps"].append(step)
    return changed, urn


@pytest.mark.slow  # two prod gate runs with checkov: about a minute here
def test_against_the_unchanged_prod_stack_one_added_bad_resource_is_exactly_one_new_finding_and_blocks_alone(
    prod_plan: dict[str, Any], prod_gate: Gate
) -> None:
    """The issue's acceptance: baseline from the unchanged prod stack; a change that adds one bad resource reports
    exactly one new finding and blocks only on it (Rego and checkov both run)."""
    base = prod_gate(prod_plan, "base.json", checkov=True)
    assert base.exit_code == 0
    plan, urn = _with_foreign_image_deployment(prod_plan)
    head = prod_gate(plan, "head.json", "--baseline", str(base.out / "report.json"), checkov=True)
    new = [f for f in head.findings if f["baselineState"] == "new"]
    assert [(f["policyId"], f["resource"]["urn"]) for f in new] == [("kubernetes.deny_image_registry_not_allowed", urn)]
    assert head.exit_code == 1
    assert [f for f in head.findings if f["blocking"]] == new
    assert head.report["counts"]["byBaseline"] == {"new": 1, "unchanged": len(base.findings), "absent": 0}
