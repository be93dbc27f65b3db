"""report.xml: JUnit XML, one test suite per pack (or engine) and one test case per rule.

A rule's test case fails when it has blocking findings (the rule's fix, then each finding), errors when its engine
failed, and passes otherwise; non-blocking and waived findings are listed in its system-out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from policies.gate.findings import Finding, RuleInfo
from policies.gate.pipeline import GateResult

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_tree(result: GateResult) -> ET.ElementTree[ET.Element]:
    by_rule: dict[str, list[Finding]] = {}
    # Absent findings (in the --baseline report only) never block: listed in their rule's system-out, never failures.
    for finding in [*result.findings, *result.absent]:
        by_rule.setdefault(finding.policy_id, []).append(finding)
    suites: dict[str, list[RuleInfo]] = {}
    for rule in result.rules.values():
        suites.setdefault(rule.policy_id.split(".", 1)[0], []).append(rule)
    root = ET.Element("testsuites", name=f"policy gate: {result.subject.settings.stack or result.subject.input_kind}")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite_name, rules in sorted(suites.items()):
        suite = ET.SubElement(root, "testsuite", name=suite_name)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for rule in rules:
            counts["tests"] += 1
            outcome = _testcase(suite, rule, by_rule.get(rule.policy_id, []), result)
            if outcome:
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("skipped", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.ElementTree(root)


def _testcase(suite: ET.Element, rule: RuleInfo, findings: list[Finding], result: GateResult) -> str | None:
    case = ET.SubElement(suite, "testcase", classname=suite.get("name", ""), name=f"{rule.policy_id}: {rule.title}")
    case.set("time", "0")
    verdict = result.verdict
    flags = [verdict.blocks(f) for f in findings]
    blocking = [f for f, flag in zip(findings, flags, strict=True) if flag]
    others = [f for f, flag in zip(findings, flags, strict=True) if not flag]
    outcome: str | None = None
    errors = [f for f in blocking if f.status == "error"]
    failures = [f for f in blocking if f.status != "error"]
    if errors:
        element = ET.SubElement(case, "error", type="engine-error", message=f"{len(errors)} evaluation error(s)")
        element.text = _xml_text("\n".join(_line(f) for f in errors))
        outcome = "errors"
    elif failures:
        kinds = sorted({f.status for f in failures})
        element = ET.SubElement(
            case,
            "failure",
            type="/".join(kinds),
            message=f"{len(failures)} blocking finding(s), severity {rule.severity}",
        )
        fix = [f"Fix: {rule.remediation}"] if rule.remediation else []
        element.text = _xml_text("\n".join([*fix, *(_line(f) for f in failures)]))
        outcome = "failures"
    if others:
        ET.SubElement(case, "system-out").text = _xml_text("\n".join(_line(f) for f in others))
    return outcome


def _line(finding: Finding) -> str:
    resource = finding.resource.key if finding.resource else "(stack)"
    where = f" [{finding.location.file}:{finding.location.line}]" if finding.location else ""
    waived = f" (waived by {finding.waiver.id}: {finding.waiver.justification})" if finding.waiver else ""
    state = f" [baseline: {finding.baseline}]" if finding.baseline else ""
    return f"{finding.status.upper()} {finding.severity} {resource}: {finding.message}{where}{waived}{state}"


def _xml_text(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters from a hostile message)."""
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)


def write_junit(result: GateResult, path: Path) -> None:
    junit_tree(result).write(path, encoding="utf-8", xml_declaration=True)
