"""The five reports: SARIF 2.1.0 for code scanning, JUnit, Markdown, self-contained HTML, and JSON for audit."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from gate_support import HERE, TINY_PACKS, UNKNOWN, GateRun, GateRunner, k8s_step, plan_document, step, urn, write_plan

from policies.gate.reports.markdown import MAX_CHARS

SARIF_SCHEMA = json.loads((HERE / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
HOSTILE = '<script>alert("x")</script>'


def _rich_run(gate: GateRunner, tmp_path: Path, *args: str) -> GateRun:
    """A run with every kind of finding: fail, waived, unknown, warn, info and a stack-level one."""
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        yaml.safe_dump(
            {
                "waivers": [
                    {
                        "id": "WVR-7",
                        "policy": "tiny.deny_bucket_public",
                        "resource": {"name": "website"},
                        "owner": "web-team",
                        "justification": "Public website content.",
                        "ticket": "WEB-7",
                        "expires": "2027-01-31",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    document = plan_document(
        step("aws:s3/bucket:Bucket", "website", {"acl": "public-read"}),
        step(
            "aws:s3/bucket:Bucket", HOSTILE, {"acl": "public-read"}, sourcePosition="project:///infra/storage.py#12,4"
        ),
        step("aws:eks/cluster:Cluster", "main", {"encryptionConfig": {"provider": {"keyArn": UNKNOWN}}}),
        step("kubernetes:helm.sh/v3:Release", "monitoring", {"chart": "kube-prometheus-stack", "version": "1.0.0"}),
        k8s_step({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "a"}, "bogus": 1}),
    )
    return gate(*args, plan=write_plan(tmp_path, document), waivers=waivers, packs=TINY_PACKS)


def _sarif(run: GateRun) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run.out / "report.sarif").read_text(encoding="utf-8"))
    return data


def test_sarif_validates_against_the_official_2_1_0_schema(gate: GateRunner, tmp_path: Path) -> None:
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(_sarif(_rich_run(gate, tmp_path)))


def test_sarif_rules_carry_security_severity_as_a_string_number(gate: GateRunner, tmp_path: Path) -> None:
    rules = {r["id"]: r for r in _sarif(_rich_run(gate, tmp_path))["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["tiny.deny_bucket_public"]["properties"]["security-severity"] == "8.0"  # high
    assert rules["tiny.deny_short_log_retention"]["properties"]["security-severity"] == "5.5"  # medium
    assert rules["tiny.warn_missing_team_tag"]["properties"]["security-severity"] == "3.0"  # low
    assert "security-severity" not in rules["gate.helm_release_not_rendered"]["properties"]  # info


def test_sarif_fingerprints_are_stable_across_runs_and_distinct_per_finding(gate: GateRunner, tmp_path: Path) -> None:
    first = _sarif(_rich_run(gate, tmp_path))["runs"][0]["results"]
    second = _sarif(_rich_run(gate, tmp_path))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["aiPlatformGateFinding/v1"] for r in first]
    assert prints == [r["partialFingerprints"]["aiPlatformGateFinding/v1"] for r in second]
    assert len(set(prints)) == len(prints)


def test_waived_findings_are_suppressions_with_their_justification(gate: GateRunner, tmp_path: Path) -> None:
    results = _sarif(_rich_run(gate, tmp_path))["runs"][0]["results"]
    waived = [r for r in results if r.get("suppressions")]
    assert len(waived) == 1
    suppression = waived[0]["suppressions"][0]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "Public website content." in suppression["justification"] and "WEB-7" in suppression["justification"]


def test_sarif_locations_point_at_source_positions_or_the_stack(gate: GateRunner, tmp_path: Path) -> None:
    results = _sarif(_rich_run(gate, tmp_path))["runs"][0]["results"]
    by_resource = {r["properties"].get("resource"): r for r in results if r["ruleId"] == "tiny.deny_bucket_public"}
    hostile = by_resource[urn("aws:s3/bucket:Bucket", HOSTILE)]["locations"][0]["physicalLocation"]
    assert hostile == {
        "artifactLocation": {"uri": "infra/storage.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12},
    }
    # The others point at the plan, which lies outside the repository here: no physical location for those
    # (test_gate_stack_mode.py), a line from 1 for the rest.
    located = [r["locations"][0]["physicalLocation"] for r in results if "physicalLocation" in r["locations"][0]]
    assert len(located) >= 1 and all(p["region"]["startLine"] >= 1 for p in located)


def test_sarif_unknown_verdicts_are_open_results(gate: GateRunner, tmp_path: Path) -> None:
    results = _sarif(_rich_run(gate, tmp_path))["runs"][0]["results"]
    unknown = next(r for r in results if r["ruleId"] == "tiny.deny_cluster_unencrypted")
    assert (unknown["kind"], unknown["level"]) == ("open", "none")


def test_junit_parses_with_one_testcase_per_rule_and_failures_listed(gate: GateRunner, tmp_path: Path) -> None:
    run = _rich_run(gate, tmp_path)
    root = ET.parse(run.out / "report.xml").getroot()
    cases = {case.get("name", "").split(":")[0]: case for case in root.iter("testcase")}
    assert set(cases) == {rule["policyId"] for rule in run.report["rules"]}
    failure = cases["tiny.deny_bucket_public"].find("failure")
    assert failure is not None and HOSTILE in (failure.text or "")
    assert (failure.text or "").startswith("Fix: Remove the public ACL.")  # the rule's remediation leads
    assert "WVR-7" in (cases["tiny.deny_bucket_public"].findtext("system-out") or "")
    assert int(root.get("failures", "0")) == sum(1 for c in cases.values() if c.find("failure") is not None)


def test_markdown_summarises_the_verdict_and_escapes_html(gate: GateRunner, tmp_path: Path) -> None:
    markdown = (_rich_run(gate, tmp_path).out / "report.md").read_text(encoding="utf-8")
    assert "Policy gate: UNKNOWN" in markdown or "Policy gate: FAIL" in markdown
    assert "tiny.deny_bucket_public" in markdown
    assert "<script>" not in markdown


def test_markdown_is_truncated_under_the_step_summary_limit_with_a_notice(gate: GateRunner, tmp_path: Path) -> None:
    buckets = [step("aws:s3/bucket:Bucket", f"bucket-{i:05d}-{'x' * 60}", {"acl": "public-read"}) for i in range(2500)]
    run = gate("--fail-on", "low", plan=write_plan(tmp_path, plan_document(*buckets)))
    markdown = (run.out / "report.md").read_text(encoding="utf-8")
    assert len(markdown) <= MAX_CHARS
    assert "Report truncated" in markdown
    assert markdown.count("<details>") == markdown.count("</details>")


def test_html_is_self_contained_and_escapes_user_text(gate: GateRunner, tmp_path: Path) -> None:
    html = (_rich_run(gate, tmp_path).out / "report.html").read_text(encoding="utf-8")
    assert "<style>" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"(src|href)\s*=", html)
    assert "&lt;script&gt;" in html
    for section in ("Controls coverage by framework", "Findings that block", "Waivers", "Provenance"):
        assert section in html


def test_json_report_carries_hashes_of_policies_input_and_waivers(gate: GateRunner, tmp_path: Path) -> None:
    run = _rich_run(gate, tmp_path)
    hashes = run.report["hashes"]

    def sha(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    assert hashes["input"]["sha256"] == sha(tmp_path / "plan.json")
    assert hashes["waivers"]["sha256"] == sha(tmp_path / "waivers.yaml")
    rego = TINY_PACKS / "tiny" / "tiny.rego"
    assert any(digest == sha(rego) and path.endswith("tiny/tiny.rego") for path, digest in hashes["policies"].items())
    assert {"regorus", "kubernetes-validate", "ai-platform-gate"} <= set(run.report["tools"])


def test_json_report_records_verdict_threshold_and_per_finding_waivers(gate: GateRunner, tmp_path: Path) -> None:
    report = _rich_run(gate, tmp_path).report
    assert report["verdict"] in ("fail", "unknown")
    assert report["exitCode"] == 1
    waived = [f for f in report["findings"] if f["waived"]]
    assert waived[0]["waiver"] == {
        "id": "WVR-7",
        "owner": "web-team",
        "justification": "Public website content.",
        "ticket": "WEB-7",
        "expires": "2027-01-31",
    }


@pytest.mark.parametrize("name", ["report.json", "report.sarif", "report.xml", "report.md", "report.html"])
def test_every_report_is_written(name: str, gate: GateRunner, tmp_path: Path) -> None:
    assert (_rich_run(gate, tmp_path).out / name).stat().st_size > 0


def test_markdown_goes_to_the_github_step_summary_when_asked(
    gate: GateRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run = _rich_run(gate, tmp_path, "--github-step-summary")
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + (run.out / "report.md").read_text(encoding="utf-8")
