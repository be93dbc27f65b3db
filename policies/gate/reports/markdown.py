"""report.md: the PR comment and `$GITHUB_STEP_SUMMARY`, kept under GitHub's 65,536-character limit."""

from __future__ import annotations

from policies.gate.findings import Finding
from policies.gate.pipeline import GateResult
from policies.gate.reports.checkov_summary import COUNT_COLUMNS, checkov_summary, rule_engines
from policies.gate.severity import severity_scale

MAX_CHARS = 65_000
_MAX_MESSAGE = 600
_VERDICT_ICON = {"pass": "✅", "fail": "❌", "unknown": "❔", "error": "💥"}
_CONTROL_ICON = {"pass": "✅", "fail": "❌", "unknown": "❔", "waived": "🟡", "error": "💥", "not-evaluated": "⚪"}


def markdown_report(result: GateResult, max_chars: int = MAX_CHARS) -> str:
    return _truncate(_lines(result), max_chars)


def _lines(result: GateResult) -> list[str]:
    settings = result.subject.settings
    verdict = result.verdict
    target = (
        f"stack `{settings.stack}`"
        if settings.stack
        else f"{result.subject.input_kind} `{result.hashes['input']['path']}`"
    )
    lines = [
        f"## {_VERDICT_ICON[verdict.verdict]} Policy gate: {verdict.verdict.upper()} — {target}",
        "",
        f"Blocking threshold: **{settings.fail_on}** and above · blocking findings: **{len(verdict.blocking)}** · "
        f"resources: {len(result.subject.resources)} · Kubernetes objects: {len(result.subject.objects)} · "
        f"exit code {result.exit_code}",
        "",
        "| Severity | Fail | Unknown | Error | Waived | Info |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for severity, counts in verdict.by_severity.items():
        cells = " | ".join(str(counts[status]) for status in ("fail", "unknown", "error", "waived", "info"))
        lines.append(f"| {severity} | {cells} |")
    lines.append("")
    lines += _validation_lines(result)
    lines += _checkov_lines(result)
    lines += _input_note_lines(result)
    flags = [verdict.blocks(f) for f in result.findings]
    blocking = [f for f, flag in zip(result.findings, flags, strict=True) if flag]
    others = [f for f, flag in zip(result.findings, flags, strict=True) if not flag and f.status != "info"]
    notes = [f for f in result.findings if f.status == "info"]
    lines += _waiver_lines(result)
    if blocking:
        lines += [f"### Blocking findings ({len(blocking)})", "", *_finding_table(blocking), ""]
    lines += _control_lines(result)
    if others:
        lines += [
            f"<details><summary>Non-blocking and waived findings ({len(others)})</summary>",
            "",
            *_finding_table(others),
            "",
            "</details>",
            "",
        ]
    if notes:
        lines += [f"<details><summary>Notes ({len(notes)})</summary>", ""]
        lines += [f"- {_cell(f.message)}" for f in notes]
        lines += ["", "</details>", ""]
    engines = ", ".join(f"{name} {version}" for name, version in sorted(result.tools.items()))
    lines.append(f"<sub>Tools: {_cell(engines)} · input sha256 `{result.hashes['input']['sha256'][:16]}…`</sub>")
    return lines


def _validation_lines(result: GateResult) -> list[str]:
    details = result.details
    if "kubernetesVersionValidated" not in details:
        return []
    text = (
        f"Kubernetes schemas: {details['kubernetesVersionValidated']} (strict) · objects validated "
        f"{details['objectsValidated']}, without a schema {details['objectsNotValidated']}"
    )
    if details["kubernetesVersionFallback"]:
        text += f" · ⚠️ requested {details['kubernetesVersionRequested']} is not shipped by kubernetes-validate"
    return [text, ""]


def _checkov_lines(result: GateResult) -> list[str]:
    summary = checkov_summary(result)
    if summary is None:
        return []
    if not summary.ran:
        why = f"💥 failed: {_cell(summary.error)}" if summary.error else "not run (--no-checkov)"
        return [f"checkov: {why}", ""]
    lines = [
        f"checkov {summary.version} ({summary.seconds} s):",
        "",
        "| Target | " + " | ".join(c.capitalize() for c in COUNT_COLUMNS) + " |",
        "| --- |" + " ---: |" * len(COUNT_COLUMNS),
    ]
    for target, counts in summary.targets.items():
        lines.append(f"| {target} | " + " | ".join(str(counts.get(c, 0)) for c in COUNT_COLUMNS) + " |")
    lines.append("")
    if summary.unmapped:
        ids = ", ".join(f"`{check_id}`" for check_id in summary.unmapped)
        lines += [
            f"<details><summary>Unmapped checkov checks ({len(summary.unmapped)}): default severity, "
            "no controls; add them to policies/checkov/mapping/</summary>",
            "",
            ids,
            "",
            "</details>",
            "",
        ]
    if summary.unconverted:
        kinds = ", ".join(f"`{kind}` ({len(urns)})" for kind, urns in summary.unconverted.items())
        lines += [f"Plan resource types checkov has no Terraform type for: {kinds}", ""]
    return lines


def _input_note_lines(result: GateResult) -> list[str]:
    """Files of the manifests directory not read (with why) and hidden ones read: nothing is dropped silently."""
    lines: list[str] = []
    for title, notes in (
        ("Input files skipped", result.subject.skipped),
        ("Hidden input files read", result.subject.hidden),
    ):
        if notes:
            lines += [f"### {title} ({len(notes)})", ""]
            lines += [f"- `{_cell(note.path)}`: {_cell(note.reason)}" for note in notes]
            lines.append("")
    return lines


def _waiver_lines(result: GateResult) -> list[str]:
    outcome = result.waivers
    lines: list[str] = []
    if outcome.malformed:
        lines += ["### ⚠️ Malformed waivers (the gate exits 2)", ""]
        lines += [f"- line {m.line} `{m.id or '?'}`: {_cell(m.problem)}" for m in outcome.malformed]
        lines.append("")
    for e in outcome.exceptions_applied:
        lines += [
            f"### ⚠️ Exception in use: {e.setting} {e.value} in {e.environment} (below its floor)",
            "",
            f"- `{e.id}` owner {_cell(e.owner)}, ticket {_cell(e.ticket)}, expires {e.expires}: "
            f"{_cell(e.justification)}",
            "",
        ]
    sections = [
        ("Expired waivers (no longer applied)", outcome.expired),
        ("Waivers expiring within 30 days", outcome.expiring_soon),
        ("Stale waivers (matched nothing)", outcome.stale),
    ]
    for title, waivers in sections:
        if waivers:
            lines += [f"### {title}", ""]
            lines += [
                f"- `{w.id}` {w.policy}, owner {_cell(w.owner)}, ticket {_cell(w.ticket)}, expires {w.expires}"
                for w in waivers
            ]
            lines.append("")
    if outcome.applied:
        applied = ", ".join(f"`{wid}` ({count})" for wid, count in sorted(outcome.applied.items()))
        lines += [f"Waivers applied: {applied}", ""]
    return lines


def _control_lines(result: GateResult) -> list[str]:
    controls = result.verdict.controls
    if not controls:
        return []
    summary = {name: sum(1 for c in controls if c.verdict == name) for name in _CONTROL_ICON}
    text = " · ".join(f"{_CONTROL_ICON[name]} {name} {count}" for name, count in summary.items() if count)
    lines = [
        f"<details><summary>Controls ({len(controls)}): {text}</summary>",
        "",
        "| Control | Verdict | Rules |",
        "| --- | --- | --- |",
    ]
    for control in controls:
        rules = ", ".join(f"`{rule}` ({engine})" for rule, engine in rule_engines(result, control.rules))
        lines.append(f"| {control.control} | {_CONTROL_ICON[control.verdict]} {control.verdict} | {rules} |")
    return [*lines, "", "</details>", ""]


def _finding_table(findings: list[Finding]) -> list[str]:
    """Most severe first; within a severity, by policy and resource."""
    findings = sorted(findings, key=lambda f: (-severity_scale().rank(f.severity), f.sort_key()))
    lines = ["| Severity | Status | Policy | Resource | Message | Location |", "| --- | --- | --- | --- | --- | --- |"]
    for f in findings:
        status = f"waived ({f.waiver.id})" if f.waiver else f.status
        resource = _cell(f.resource.name or f.resource.key) if f.resource else "(stack)"
        location = f"`{_cell(f.location.file)}:{f.location.line}`" if f.location else ""
        message = f.message if len(f.message) <= _MAX_MESSAGE else f.message[:_MAX_MESSAGE] + "…"
        lines.append(f"| {f.severity} | {status} | `{f.policy_id}` | {resource} | {_cell(message)} | {location} |")
    return lines


def _cell(text: str) -> str:
    """Table-safe text: no pipes or newlines, HTML-significant characters escaped (GitHub renders HTML)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("|", "\\|").replace("\r", " ").replace("\n", " ").replace("`", "'")


def _truncate(lines: list[str], max_chars: int) -> str:
    text = "\n".join(lines) + "\n"
    if len(text) <= max_chars:
        return text
    notice_budget = 400
    kept: list[str] = []
    size = 0
    open_details = 0
    for line in lines:
        if size + len(line) + 1 > max_chars - notice_budget:
            break
        kept.append(line)
        size += len(line) + 1
        open_details += line.count("<details>") - line.count("</details>")
    omitted = len(lines) - len(kept)
    closing = ["", "</details>"] * max(open_details, 0)
    notice = (
        f"\n> ⚠️ **Report truncated** to fit GitHub's comment limit: {omitted} more lines omitted. "
        "The full report is in `report.html` and `report.json`."
    )
    return "\n".join([*kept, *closing, notice]) + "\n"
