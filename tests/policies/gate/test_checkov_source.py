"""checkov as a source of the gate, run by the gate CLI on manifests with the real checkov: findings, inline skips,
the mapping table's severity/controls/adoption, per-target counts, unmapped ids, control rows and engine errors."""

from __future__ import annotations

import dataclasses
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_support import FIXTURES, REAL_PACKS, REPO_ROOT, TODAY, GateRun, GateRunner

from policies.gate import cli
from policies.gate.checkov.mapping import CheckovMapping, checkov_mapping
from policies.gate.checkov.settings import checkov_settings
from policies.gate.checkov.targets import workflows
from policies.gate.checkov.toolenv import EXECUTABLE_VARIABLE
from policies.gate.sources import checkov as checkov_source

MANIFESTS = FIXTURES / "checkov" / "manifests"
PRIVILEGED_CONTROL = "CIS-EKS-4.2.1"  # kubernetes.deny_privileged_container's first control
TARGETS = ("manifests", "dockerfiles", "workflows", "plan")
MAPPED = {"severity": "high", "controls": [PRIVILEGED_CONTROL]}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> GateRun:
    """The gate with checkov on (its default) and no waivers, on two pods; a table that maps one check only."""
    directory = tmp_path_factory.mktemp("checkov-gate")
    waivers = directory / "no-waivers.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    out = directory / "out"
    argv = ["--manifests", str(MANIFESTS), "--out", str(out), "--today", TODAY, "--engine", "regorus"]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use_table(monkeypatch, _table(directory, {"CKV_K8S_16": MAPPED}))
        code = cli.main([*argv, "--packs", str(REAL_PACKS), "--waivers", str(waivers), "--fail-on", "low"])
    return GateRun(exit_code=code, stdout="", stderr="", out=out)


def _checkov(run: GateRun, check_id: str, name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        f
        for f in run.findings
        if f["engine"] == "checkov" and f["policyId"] == check_id and f["resource"].get("name") == name
    ]
    assert len(found) == 1, found
    return found[0]


def _table(tmp_path: Path, checks: dict[str, Any]) -> CheckovMapping:
    root = tmp_path / "table"
    (root / "mapping").mkdir(parents=True)
    (root / "defaults.yaml").write_text("defaultSeverity: medium\n", encoding="utf-8")
    (root / "mapping" / "kubernetes.yaml").write_text(yaml.safe_dump({"checks": checks}), encoding="utf-8")
    return checkov_mapping(root)


def _use_table(monkeypatch: pytest.MonkeyPatch, table: CheckovMapping) -> None:
    monkeypatch.setattr(checkov_source, "checkov_mapping", lambda: table)


def test_failed_checks_are_findings_on_the_kubernetes_object_with_its_location(default_run: GateRun) -> None:
    finding = _checkov(default_run, "CKV_K8S_16", "privileged")
    assert finding["status"] == "fail"
    assert finding["resource"] == {
        "type": "kubernetes:core/v1:Pod",
        "kind": "Pod",
        "namespace": "team-a",
        "name": "privileged",
    }
    assert finding["location"] == {"file": "tests/policies/gate/fixtures/checkov/manifests/pod.yaml", "line": 15}
    assert finding["message"].startswith("Container should not be privileged")


def test_every_evaluated_check_has_a_rule_with_checkovs_name(default_run: GateRun) -> None:
    rules = {r["policyId"]: r for r in default_run.report["rules"] if r["engine"] == "checkov"}
    assert rules["CKV_K8S_16"]["title"].startswith("Container should not be privileged")
    assert rules["CKV_K8S_16"]["remediation"] == "See the checkov documentation for CKV_K8S_16"  # offline: no guideline
    passed_only = {"CKV_DOCKER_7"}  # the repository's Dockerfiles pin their base images: a passed check has a rule too
    assert passed_only <= set(rules)


def test_the_json_report_counts_checks_per_target(default_run: GateRun) -> None:
    counts = default_run.report["checkov"]["targets"]
    assert tuple(counts) == TARGETS
    assert counts["manifests"]["files"] == 1
    assert counts["manifests"]["resources"] == 2
    assert counts["manifests"]["failed"] > 0 and counts["manifests"]["passed"] > 0
    assert counts["manifests"]["skipped"] == 2
    assert counts["dockerfiles"]["files"] == 2 and counts["dockerfiles"]["passed"] > 0
    assert counts["workflows"]["files"] == len(workflows(REPO_ROOT, checkov_settings()))
    assert counts["workflows"]["passed"] > 0
    assert counts["plan"] == {"files": 0, "resources": 0, "passed": 0, "failed": 0, "skipped": 0}
    assert default_run.report["checkov"]["version"] == default_run.report["tools"]["checkov"]


def test_an_inline_skip_is_a_failing_finding_that_says_a_waiver_is_required(default_run: GateRun) -> None:
    finding = _checkov(default_run, "CKV_K8S_21", "skipper")
    assert finding["status"] == "fail"
    assert finding["blocking"]
    assert finding["message"].endswith(
        "suppressed inline: the team-a namespace is not default; a waiver in policies/waivers.yaml is required"
    )
    without_reason = _checkov(default_run, "CKV_K8S_43", "skipper")
    assert "suppressed inline: No comment provided" in without_reason["message"]


def test_a_waiver_accepts_an_inline_skip(gate: GateRunner, tmp_path: Path) -> None:
    waiver = {
        "id": "WVR-SKIP",
        "policy": "CKV_K8S_21",
        "resource": {"kind": "Pod", "namespace": "team-a", "name": "skipper"},
        "owner": "platform-team",
        "justification": "team-a runs in its own namespace by design",
        "ticket": "PLAT-11",
        "expires": "2027-01-31",
    }
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"waivers": [waiver]}), encoding="utf-8")
    run = gate("--fail-on", "low", manifests=MANIFESTS, packs=REAL_PACKS, waivers=waivers, checkov=True)
    finding = _checkov(run, "CKV_K8S_21", "skipper")
    assert finding["waived"] and not finding["blocking"]
    assert finding["waiver"]["id"] == "WVR-SKIP"
    assert _checkov(run, "CKV_K8S_43", "skipper")["blocking"]  # the skip without a waiver still blocks


def test_mapped_checks_take_severity_and_controls_from_the_table(default_run: GateRun) -> None:
    finding = _checkov(default_run, "CKV_K8S_16", "privileged")
    assert (finding["severity"], finding["controls"]) == ("high", [PRIVILEGED_CONTROL])
    assert "CKV_K8S_16" not in default_run.report["checkov"]["unmapped"]


def test_unmapped_checks_get_the_default_severity_and_are_listed_in_every_report(default_run: GateRun) -> None:
    unmapped = default_run.report["checkov"]["unmapped"]
    evaluated = {r["policyId"] for r in default_run.report["rules"] if r["engine"] == "checkov"}
    assert unmapped == sorted(evaluated - {"CKV_K8S_16"})
    first = "CKV_K8S_20"  # fails on both pods (allowPrivilegeEscalation not set)
    assert first in unmapped
    failing = [f for f in default_run.findings if f["policyId"] == first]
    assert failing and all(f["severity"] == "medium" and f["controls"] == [] for f in failing)
    assert f"`{first}`" in (default_run.out / "report.md").read_text(encoding="utf-8")
    assert f"<code>{first}</code>" in (default_run.out / "report.html").read_text(encoding="utf-8")
    sarif = json.loads((default_run.out / "report.sarif").read_text(encoding="utf-8"))
    rule = next(r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == first)
    assert rule["properties"]["unmappedCheckovCheck"] is True


def test_the_markdown_and_html_reports_show_the_counts_per_target(default_run: GateRun) -> None:
    markdown = (default_run.out / "report.md").read_text(encoding="utf-8")
    html = (default_run.out / "report.html").read_text(encoding="utf-8")
    manifests = default_run.report["checkov"]["targets"]["manifests"]
    row = f"| manifests | {manifests['files']} | {manifests['resources']} | {manifests['passed']} |"
    assert row in markdown
    assert "<td>manifests</td>" in html


def test_a_rego_rule_and_a_checkov_check_on_one_control_share_its_row(
    gate: GateRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _use_table(
        monkeypatch, _table(tmp_path, {"CKV_K8S_16": {"severity": "critical", "controls": [PRIVILEGED_CONTROL]}})
    )
    run = gate(manifests=MANIFESTS, packs=REAL_PACKS, checkov=True)
    row = next(c for c in run.report["controls"] if c["control"] == PRIVILEGED_CONTROL)
    assert {"kubernetes.deny_privileged_container", "CKV_K8S_16"} <= set(row["rules"])
    assert row["verdict"] == "fail"
    on_pod = {
        f["policyId"]
        for f in run.findings
        if PRIVILEGED_CONTROL in f["controls"] and f["resource"]["name"] == "privileged"
    }
    assert on_pod == {"kubernetes.deny_privileged_container", "CKV_K8S_16"}
    markdown = (run.out / "report.md").read_text(encoding="utf-8")
    line = next(text for text in markdown.splitlines() if text.startswith(f"| {PRIVILEGED_CONTROL} |"))
    assert "`kubernetes.deny_privileged_container` (rego)" in line and "`CKV_K8S_16` (checkov)" in line
    html = (run.out / "report.html").read_text(encoding="utf-8")
    assert "<code>CKV_K8S_16</code> (checkov)" in html


def test_a_check_the_table_does_not_adopt_is_an_info_note_with_the_reason(
    gate: GateRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reason = "the kubernetes pack's own privileged rule decides this"
    checks = {
        "CKV_K8S_16": {"severity": "critical", "controls": [PRIVILEGED_CONTROL], "adopted": False, "reason": reason}
    }
    _use_table(monkeypatch, _table(tmp_path, checks))
    run = gate(manifests=MANIFESTS, packs=REAL_PACKS, checkov=True)
    finding = _checkov(run, "CKV_K8S_16", "privileged")
    assert finding["status"] == "info" and not finding["blocking"]
    assert reason in finding["message"]
    row = next(c for c in run.report["controls"] if c["control"] == PRIVILEGED_CONTROL)
    assert "CKV_K8S_16" not in row["rules"]  # a check we do not enforce serves no control


def test_no_checkov_leaves_the_controls_only_checkov_serves_not_evaluated(
    gate: GateRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    only_checkov = "ISO-42001:A.6.2.5"
    _use_table(monkeypatch, _table(tmp_path, {"CKV_K8S_16": {"severity": "high", "controls": [only_checkov]}}))
    run = gate(manifests=MANIFESTS)  # the runner passes --no-checkov unless told otherwise
    row = next(c for c in run.report["controls"] if c["control"] == only_checkov)
    assert row["verdict"] == "not-evaluated"
    assert "gate.checkov_not_run" in run.policy_ids("info")
    assert run.report["checkov"]["ran"] is False
    assert "not run (--no-checkov)" in (run.out / "report.md").read_text(encoding="utf-8")


# -- engine errors: never a silent pass -------------------------------------------------------------------------


def _fake(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-checkov"
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


FAILURES: dict[str, tuple[Callable[[Path], str], str]] = {
    "missing": (lambda tmp: str(tmp / "no-such-checkov"), "could not be started"),
    "crash": (lambda tmp: _fake(tmp, "echo boom >&2\nexit 3\n"), "exited with code 3; stderr: boom"),
    "garbage": (
        lambda tmp: _fake(
            tmp, 'while [ "$1" != "--output-file-path" ]; do shift; done\necho "{garbage" > "$2/results_json.json"\n'
        ),
        "cannot be read",
    ),
    "hang": (lambda tmp: _fake(tmp, "sleep 30\n"), "did not finish within 0.5 s"),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failing_checkov_is_a_critical_engine_error_and_exit_1(
    failure: str, gate: GateRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    executable, expected = FAILURES[failure]
    monkeypatch.setenv(EXECUTABLE_VARIABLE, executable(tmp_path))
    quick = dataclasses.replace(checkov_settings(), timeout_seconds=0.5)
    monkeypatch.setattr(checkov_source, "checkov_settings", lambda: quick)
    _use_table(monkeypatch, _table(tmp_path, {"CKV_K8S_16": {"severity": "high", "controls": ["ISO-42001:A.6.2.5"]}}))
    run = gate(manifests=MANIFESTS, checkov=True)
    assert run.exit_code == 1
    assert run.report["verdict"] == "error"
    errors = [f for f in run.findings if f["policyId"] == "gate.engine_error"]
    assert len(errors) == 1 and errors[0]["severity"] == "critical" and errors[0]["blocking"]
    assert errors[0]["message"].startswith("checkov: ") and expected in errors[0]["message"]
    row = next(c for c in run.report["controls"] if c["control"] == "ISO-42001:A.6.2.5")
    assert row["verdict"] == "error"  # the table's controls read error, never pass
    assert run.report["checkov"]["ran"] is False


def test_a_malformed_mapping_table_is_an_engine_error_naming_the_file(
    gate: GateRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / "broken-table"
    (root / "mapping").mkdir(parents=True)
    (root / "defaults.yaml").write_text("defaultSeverity: medium\n", encoding="utf-8")
    (root / "mapping" / "kubernetes.yaml").write_text("checks:\n  CKV_K8S_16: {severity: severe}\n", encoding="utf-8")
    monkeypatch.setattr(checkov_source, "checkov_mapping", lambda: checkov_mapping(root))
    run = gate(manifests=MANIFESTS, checkov=True)
    assert run.exit_code == 1
    errors = [f["message"] for f in run.findings if f["policyId"] == "gate.engine_error"]
    assert len(errors) == 1 and "kubernetes.yaml: CKV_K8S_16: severity 'severe'" in errors[0]
