"""The image scan input: a Trivy JSON report gated like a plan (findings, waivers, five reports, exit 0/1/2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_support import FIXTURES, GateRun, GateRunner

from policies.gate.cli import main
from policies.gate.image_scan_policy import image_scan_policy
from policies.gate.reports import REPORT_FILES
from policies.gate.severity import BLOCKING_SEVERITIES, severity_scale

REPORT = FIXTURES / "trivy" / "drift-job.json"
DIGEST = "sha256:3f1c9a2e8b7d4c6a5e0f9b8d7c6a5b4e3d2c1b0a9f8e7d6c5b4a39281706f5e4"
IMAGE = f"ghcr.io/ai-platform/drift-job:0.1.0@{DIGEST}"
POLICY = "image.known_vulnerability"
CRITICAL = "libexpat1/CVE-2024-45490"
HIGH = "setuptools/CVE-2024-6345"
UNFIXED_LOW = "apt/CVE-2011-3374"


def _scan(gate: GateRunner, report: Path = REPORT, *args: str, waivers: Path | None = None) -> GateRun:
    return gate("--image-scan", str(report), "--image", IMAGE, *args, packs=None, waivers=waivers)


def _by_name(run: GateRun) -> dict[str, dict[str, Any]]:
    return {f["resource"]["name"]: f for f in run.findings if f["policyId"] == POLICY}


def _document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REPORT.read_text(encoding="utf-8"))
    return data


def _write(tmp_path: Path, document: Any, name: str = "trivy.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _waiver_file(tmp_path: Path, **resource: str) -> Path:
    waiver = {
        "id": "WVR-77",
        "policy": POLICY,
        "resource": resource,
        "owner": "ml-platform@example.com",
        "justification": "The drift job parses no untrusted XML; the rebuilt base lands with PLAT-88.",
        "ticket": "PLAT-88",
        "expires": "2026-12-31",
    }
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": [waiver]}, sort_keys=False), encoding="utf-8")
    return path


def test_a_critical_vulnerability_blocks_and_high_and_unfixed_low_are_shown(gate: GateRunner) -> None:
    run = _scan(gate)
    assert run.exit_code == 1
    found = _by_name(run)
    assert {name: f["severity"] for name, f in found.items()} == {
        CRITICAL: "critical",
        HIGH: "high",
        UNFIXED_LOW: "low",
    }
    assert [name for name, f in found.items() if f["blocking"]] == [CRITICAL]
    assert all(f["resource"]["namespace"] == IMAGE for f in found.values())
    assert "fixed in libexpat1 2.5.0-1+deb12u1" in found[CRITICAL]["message"]
    assert "no fixed version" in found[UNFIXED_LOW]["message"]
    assert run.report["settings"]["failOn"] == "critical"
    assert run.report["input"]["kind"] == "image-scan"
    assert {path.name for path in run.out.iterdir()} >= set(REPORT_FILES)


def test_the_report_counts_the_scan_and_names_its_controls(gate: GateRunner) -> None:
    run = _scan(gate)
    summary = run.report["validation"]["imageScan"]
    assert summary["image"] == IMAGE and summary["vulnerabilities"] == 3 and summary["withFixedVersion"] == 2
    assert run.report["tools"]["trivy"] == "0.58.1"
    controls = {row["control"]: row["verdict"] for row in run.report["controls"]}
    assert {control: controls[control] for control in image_scan_policy().rule.controls} == dict.fromkeys(
        image_scan_policy().rule.controls, "fail"
    )


def test_a_waiver_of_the_critical_on_this_image_passes_and_is_shown(gate: GateRunner, tmp_path: Path) -> None:
    run = _scan(gate, waivers=_waiver_file(tmp_path, namespace=IMAGE, name=CRITICAL))
    assert run.exit_code == 0, run.stdout + run.stderr
    critical = _by_name(run)[CRITICAL]
    assert critical["waived"] and not critical["blocking"]
    assert critical["waiver"]["id"] == "WVR-77"
    assert run.report["waivers"]["applied"][0]["findings"] == 1
    assert "WVR-77" in (run.out / "report.md").read_text(encoding="utf-8")


def test_the_same_waiver_on_another_image_does_not_apply(gate: GateRunner, tmp_path: Path) -> None:
    other = f"ghcr.io/ai-platform/storage-jobs:0.1.0@{DIGEST}"
    run = _scan(gate, waivers=_waiver_file(tmp_path, namespace=other, name=CRITICAL))
    assert run.exit_code == 1
    assert [w["id"] for w in run.report["waivers"]["stale"]] == ["WVR-77"]


def test_fail_on_can_only_make_the_image_threshold_stricter(gate: GateRunner) -> None:
    # critical is the weakest threshold there is: --fail-on has no value that lets a critical through.
    assert image_scan_policy().fail_on == max(BLOCKING_SEVERITIES, key=severity_scale().rank)
    run = _scan(gate, REPORT, "--fail-on", "high")
    assert run.exit_code == 1
    assert {name for name, f in _by_name(run).items() if f["blocking"]} == {CRITICAL, HIGH}


def test_a_clean_image_passes(gate: GateRunner, tmp_path: Path) -> None:
    document = _document()
    del document["Results"]  # Trivy omits an empty list
    run = _scan(gate, _write(tmp_path, document))
    assert run.exit_code == 0
    assert _by_name(run) == {}
    assert run.report["validation"]["imageScan"]["vulnerabilities"] == 0


def test_unknown_trivy_severity_counts_as_documented(gate: GateRunner, tmp_path: Path) -> None:
    document = _document()
    document["Results"][0]["Vulnerabilities"][0]["Severity"] = "UNKNOWN"
    run = _scan(gate, _write(tmp_path, document))
    assert _by_name(run)[UNFIXED_LOW]["severity"] == image_scan_policy().severities["UNKNOWN"] == "high"


def test_waivers_of_other_input_kinds_are_out_of_scope_not_errors(gate: GateRunner, tmp_path: Path) -> None:
    path = _waiver_file(tmp_path, urn="urn:pulumi:prod::ai-platform::aws:s3/bucket:Bucket::data")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["waivers"][0]["policy"] = "aws.deny_s3_public_access"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    run = _scan(gate, waivers=path)
    assert run.exit_code == 1  # the critical still blocks; the plan waiver is neither stale nor malformed
    assert [w["id"] for w in run.report["waivers"]["outOfScope"]] == ["WVR-77"]
    assert run.report["waivers"]["malformed"] == [] and run.report["waivers"]["stale"] == []


def _malformed_cases() -> dict[str, tuple[Any, str]]:
    missing_severity = _document()
    del missing_severity["Results"][0]["Vulnerabilities"][1]["Severity"]
    bad_severity = _document()
    bad_severity["Results"][1]["Vulnerabilities"][0]["Severity"] = "SEVERE"
    old_layout = [{"Target": "x", "Vulnerabilities": None}]  # Trivy before SchemaVersion 2: a bare list
    filesystem = copy.deepcopy(_document()) | {"ArtifactType": "filesystem"}
    return {
        "missing severity": (missing_severity, "/Results/0/Vulnerabilities/1/Severity"),
        "unknown severity": (bad_severity, "'SEVERE' is not one of Trivy's"),
        "old layout": (old_layout, "top level is not an object"),
        "not an image": (filesystem, "scan the image"),
    }


@pytest.mark.parametrize("case", sorted(_malformed_cases()))
def test_a_malformed_report_is_exit_2_naming_the_file(gate: GateRunner, tmp_path: Path, case: str) -> None:
    document, detail = _malformed_cases()[case]
    path = _write(tmp_path, document)
    run = _scan(gate, path)
    assert run.exit_code == 2
    assert str(path) in run.stderr and detail in run.stderr


def test_a_report_that_is_not_json_is_exit_2_with_its_line(gate: GateRunner, tmp_path: Path) -> None:
    path = tmp_path / "trivy.json"
    path.write_text('{\n  "SchemaVersion": 2,\n  "Results": [\n', encoding="utf-8")
    run = _scan(gate, path)
    assert run.exit_code == 2
    assert f"{path}:4:" in run.stderr and "malformed JSON" in run.stderr


def test_a_report_of_another_image_is_refused(gate: GateRunner, tmp_path: Path) -> None:
    document = _document()
    document["Metadata"]["RepoDigests"] = ["ghcr.io/ai-platform/drift-job@sha256:" + "1" * 64]
    run = _scan(gate, _write(tmp_path, document))
    assert run.exit_code == 2
    assert "another image" in run.stderr and DIGEST in run.stderr


def test_image_scan_and_image_go_together(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--image-scan", str(REPORT), "--out", str(tmp_path / "out")])
    assert exited.value.code == 2
