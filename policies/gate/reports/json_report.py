"""report.json: the complete machine-readable record of a gate run, hashes included for audit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from policies.gate.findings import Finding, Location, RuleInfo
from policies.gate.pipeline import GateResult
from policies.gate.report_schema import REPORT_SCHEMA_VERSION
from policies.gate.sources.checkov import DETAILS_KEY
from policies.gate.waivers import Waiver


def report_document(result: GateResult) -> dict[str, Any]:
    settings = result.subject.settings
    verdict = result.verdict
    outcome = result.waivers
    return {
        "schemaVersion": REPORT_SCHEMA_VERSION,
        "generatedAt": result.generated_at,
        "verdict": verdict.verdict,
        "exitCode": result.exit_code,
        "input": {
            "kind": result.subject.input_kind,
            "path": result.hashes["input"]["path"],
            "stack": settings.stack,
            "environment": settings.environment,
            "stackFile": result.shown(settings.stack_file) if settings.stack_file else None,
            "resources": len(result.subject.resources),
            "kubernetesObjects": len(result.subject.objects),
            "skipped": [note.to_json() for note in result.subject.skipped],
            "hiddenRead": [note.to_json() for note in result.subject.hidden],
        },
        "settings": {
            "failOn": settings.fail_on,
            "allowUnknown": verdict.allow_unknown,
            "baseline": result.shown(result.options.baseline) if result.options.baseline is not None else None,
            "failOnExisting": verdict.fail_on_existing,
            "allowedRegistries": list(settings.allowed_registries),
            "kubernetesVersion": settings.kubernetes_version,
            "today": result.options.today.isoformat(),
        },
        "counts": {
            "blocking": len(verdict.blocking),
            "byStatus": verdict.by_status,
            "bySeverity": verdict.by_severity,
            "rules": len(result.rules),
            # With --baseline: findings per state, and the unchanged ones that block only under --fail-on-existing.
            "byBaseline": _by_baseline(result) if result.options.baseline is not None else None,
            "existingBlocking": len(verdict.existing_blocking),
        },
        "controls": [
            {
                "control": c.control,
                "framework": c.framework,
                "verdict": c.verdict,
                "rules": list(c.rules),
                "findings": c.findings,
            }
            for c in verdict.controls
        ],
        "findings": [finding_json(f, result) for f in result.findings],
        # Findings of the --baseline report that this run no longer has (fixed, or their resource gone).
        "absent": [finding_json(f, result) for f in result.absent],
        "waivers": {
            "applied": [{**outcome.by_id[w].to_json(), "findings": n} for w, n in sorted(outcome.applied.items())],
            "expired": [w.to_json() for w in outcome.expired],
            "stale": [w.to_json() for w in outcome.stale],
            "expiringSoon": [w.to_json() for w in outcome.expiring_soon],
            "malformed": [m.to_json() for m in outcome.malformed],
            "outOfScope": [w.to_json() for w in outcome.out_of_scope],
            "exceptions": [e.to_json() for e in outcome.exceptions_applied],
        },
        "rules": [rule_json(rule) for rule in result.rules.values()],
        # Per-target check counts, version, unmapped ids and unconverted plan types of the checkov run.
        "checkov": result.details.get(DETAILS_KEY),
        "validation": {key: value for key, value in result.details.items() if key != DETAILS_KEY},
        "renderedManifests": [result.shown(p) for p in result.manifests_written],
        "hashes": result.hashes,
        "tools": dict(sorted(result.tools.items())),
        "timingsSeconds": {stage: round(seconds, 4) for stage, seconds in result.timings.items()},
    }


def finding_json(finding: Finding, result: GateResult) -> dict[str, Any]:
    return {
        "policyId": finding.policy_id,
        "engine": finding.engine,
        "severity": finding.severity,
        "status": finding.status,
        "legitimatelyUnknown": finding.legitimately_unknown,
        "effect": finding.effect,
        "blocking": result.verdict.blocks(finding),
        "controls": list(finding.controls),
        "resource": finding.resource.to_json() if finding.resource else None,
        "message": finding.message,
        "location": _location_json(finding.location),
        "codeLocation": _location_json(finding.code_location),
        "baselineState": finding.baseline,
        "waived": finding.waived,
        "waiver": _waiver_json(finding),
        "fingerprint": finding.fingerprint,
    }


def _by_baseline(result: GateResult) -> dict[str, int]:
    states = [f.baseline for f in result.findings]
    return {"new": states.count("new"), "unchanged": states.count("unchanged"), "absent": len(result.absent)}


def rule_json(rule: RuleInfo) -> dict[str, Any]:
    return {
        "policyId": rule.policy_id,
        "engine": rule.engine,
        "title": rule.title,
        "description": rule.description,
        "severity": rule.severity,
        "effect": rule.effect,
        "controls": list(rule.controls),
        "remediation": rule.remediation,
        "source": _location_json(rule.source),
        "configKeys": list(rule.config_keys),
        "scope": rule.scope,
        "evaluated": rule.evaluated,
    }


def _location_json(location: Location | None) -> dict[str, Any] | None:
    return {"file": location.file, "line": location.line} if location else None


def _waiver_json(finding: Finding) -> dict[str, str] | None:
    if finding.waiver is None:
        return None
    w = finding.waiver
    return {"id": w.id, "owner": w.owner, "justification": w.justification, "ticket": w.ticket, "expires": w.expires}


def waiver_label(waiver: Waiver) -> str:
    return f"{waiver.id} ({waiver.policy}, owner {waiver.owner}, ticket {waiver.ticket}, expires {waiver.expires})"


def write_json(result: GateResult, path: Path) -> None:
    path.write_text(json.dumps(report_document(result), indent=2, sort_keys=False) + "\n", encoding="utf-8")
