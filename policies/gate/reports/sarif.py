"""report.sarif: SARIF 2.1.0 for GitHub code scanning.

Rules carry `security-severity` (GitHub's severity for security results), results carry a stable
partial fingerprint (Finding.fingerprint: rule + resource + message, and the file for anything without a URN),
waived findings are `suppressions` with their justification, and each result points at the stack-file line,
the source line or the manifest document behind it, as a repository-relative URI against `%SRCROOT%`
(sarif_location.py); a file outside the repository is left out (a logical location only), never written as a
machine's absolute path. Result kinds follow SARIF §3.27.9: `fail` with a level, `open` for unknown verdicts
and `informational` for notes, the latter two with level `none`.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from policies.gate.findings import Finding, Location, RuleInfo
from policies.gate.pipeline import GateResult
from policies.gate.reports.checkov_summary import checkov_summary
from policies.gate.reports.sarif_location import artifact_location
from policies.gate.severity import severity_scale

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "aiPlatformGateFinding/v1"
TOOL_NAME = "ai-platform-gate"
# A related location's text: where the program registers the resource a stack-line finding is about.
CODE_LOCATION_MESSAGE = "registered here"


def sarif_document(result: GateResult) -> dict[str, Any]:
    rules = list(result.rules.values())
    summary = checkov_summary(result)
    unmapped = set(summary.unmapped) if summary else set()
    index = {rule.policy_id: position for position, rule in enumerate(rules)}
    errors = [f for f in result.findings if f.status == "error"]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": result.tools.get(TOOL_NAME, "0"),
                "rules": [_rule(rule, unmapped) for rule in rules],
            }
        },
        "automationDetails": {"id": f"{TOOL_NAME}/{result.subject.settings.stack or result.subject.input_kind}/"},
        "invocations": [
            {
                "executionSuccessful": not errors,
                "exitCode": result.exit_code,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": f.message}, "descriptor": {"id": f.policy_id}}
                    for f in errors
                ],
            }
        ],
        "results": [_result(finding, index, result.options.repo_root) for finding in result.findings],
        "properties": {
            "verdict": result.verdict.verdict,
            "failOn": result.verdict.fail_on,
            "stack": result.subject.settings.stack,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(rule: RuleInfo, unmapped: set[str]) -> dict[str, Any]:
    level = severity_scale().level(rule.severity)
    properties: dict[str, Any] = {
        "tags": ["security", "compliance", *rule.controls],
        "precision": "very-high",
        "engine": rule.engine,
    }
    if rule.policy_id in unmapped:
        # A checkov id missing from policies/checkov/mapping/: default severity, no controls.
        properties["unmappedCheckovCheck"] = True
    if level.security_severity is not None:
        properties["security-severity"] = level.security_severity
    controls = ", ".join(rule.controls) or "none"
    return {
        "id": rule.policy_id,
        "name": _rule_name(rule.policy_id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {
            "text": f"{rule.remediation}\n\nControls: {controls}",
            "markdown": f"{rule.remediation}\n\n**Controls:** {controls}",
        },
        "defaultConfiguration": {"level": level.sarif_level if rule.severity != "info" else "note"},
        "properties": properties,
    }


def _result(finding: Finding, index: dict[str, int], repo_root: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.policy_id,
        "kind": _kind(finding),
        "level": _level(finding),
        "message": {"text": finding.message},
        "locations": [_location(finding, repo_root)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "status": finding.status,
            "severity": finding.severity,
            "engine": finding.engine,
            "controls": list(finding.controls),
        },
    }
    if finding.policy_id in index:
        result["ruleIndex"] = index[finding.policy_id]
    code = _physical(finding.code_location, repo_root) if finding.code_location is not None else None
    if code is not None:
        # The primary location is the stack line a PR edits; the line that registers the resource goes alongside.
        result["relatedLocations"] = [{"id": 1, **code, "message": {"text": CODE_LOCATION_MESSAGE}}]
    # SARIF §3.27.24; set on every result or none (a run with --baseline marks all). The baseline's `absent`
    # findings are left out of the SARIF on purpose: GitHub code scanning does not read baselineState (it is not
    # in its supported subset of the result object) and tracks alerts itself by partialFingerprints, so an absent
    # result would read as present and keep a fixed alert open; the fix closes it when the result disappears.
    if finding.baseline is not None:
        result["baselineState"] = finding.baseline
    if finding.resource is not None:
        result["properties"]["resource"] = finding.resource.key
    if finding.waiver is not None:
        waiver = finding.waiver
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": (
                    f"{waiver.justification} (waiver {waiver.id}, owner {waiver.owner}, "
                    f"ticket {waiver.ticket}, expires {waiver.expires})"
                ),
                "properties": {
                    "waiver": waiver.id,
                    "owner": waiver.owner,
                    "ticket": waiver.ticket,
                    "expires": waiver.expires,
                },
            }
        ]
    return result


def _location(finding: Finding, repo_root: Path) -> dict[str, Any]:
    location: dict[str, Any] = {}
    physical = _physical(finding.location, repo_root) if finding.location is not None else None
    if physical is not None:
        location.update(physical)
    if finding.resource is not None:
        location["logicalLocations"] = [
            {
                "name": finding.resource.name or finding.resource.key,
                "fullyQualifiedName": finding.resource.key,
                "kind": "resource",
            }
        ]
    elif finding.location is not None and physical is None:
        # Outside the repository (a plan in /tmp): its file name only, so the result still says what it is about.
        location["logicalLocations"] = [{"name": PurePosixPath(finding.location.file).name, "kind": "file"}]
    return location


def _physical(where: Location, repo_root: Path) -> dict[str, Any] | None:
    """A repository-relative physical location, or None for a file outside the repository."""
    artifact = artifact_location(where.file, repo_root)
    if artifact is None:
        return None
    return {"physicalLocation": {"artifactLocation": artifact, "region": {"startLine": max(where.line, 1)}}}


def _kind(finding: Finding) -> str:
    return {"fail": "fail", "error": "fail", "unknown": "open", "info": "informational"}[finding.status]


def _level(finding: Finding) -> str:
    if finding.status in ("unknown", "info"):
        return "none"
    if finding.status == "error":
        return "error"
    return severity_scale().level(finding.severity).sarif_level


def _rule_name(policy_id: str) -> str:
    """`aws.deny_eks_secrets_encryption` → `AwsDenyEksSecretsEncryption` (SARIF names are identifiers)."""
    words = policy_id.replace(".", "_").split("_")
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def write_sarif(result: GateResult, path: Path) -> None:
    path.write_text(json.dumps(sarif_document(result), indent=2) + "\n", encoding="utf-8")
