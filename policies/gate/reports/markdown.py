"""report.md: the PR comment and `$GITHUB_STEP_SUMMARY`, kept under GitHub's step summary limit.

Findings come grouped by rule with the fix (reports/groups.py), the ones that block first; against a baseline the
new findings lead and the unchanged and fixed ones are counted, then listed folded. Summaries, controls and notes
follow, so a cut to the comment limit (.ci/gh/body.py) loses the least important part.
"""

from __future__ import annotations

from policies.gate.findings import Location
from policies.gate.pipeline import GateResult
from policies.gate.reports.checkov_summary import COUNT_COLUMNS, checkov_summary, rule_engines
from policies.gate.reports.groups import Entry, Grouping, RuleGroup, group_findings

# The step summary (the publish-gate action appends report.md to $GITHUB_STEP_SUMMARY) takes 1 MiB: at most 4 bytes
# a character, 250,000 characters always fit. The PR comment and the compliance issue take 65,536 characters:
# .ci/gh/body.py cuts report.md there at a line and links the run's artifacts (the full reports).
MAX_CHARS = 250_000
_MAX_MESSAGE = 600
_VERDICT_ICON = {"pass": "✅", "fail": "❌", "unknown": "❔", "error": "💥"}
_CONTROL_ICON = {"pass": "✅", "fail": "❌", "unknown": "❔", "waived": "🟡", "error": "💥", "not-evaluated": "⚪"}


def markdown_report(result: GateResult, max_chars: int = MAX_CHARS) -> str:
    return _truncate(_lines(result), max_chars)


def _lines(result: GateResult) -> list[str]:
    """The verdict and what the PR must fix first; summaries and everything else after (truncation cuts the end)."""
    settings = result.subject.settings
    verdict = result.verdict
    grouping = group_findings(result)
    target = (
        f"stack `{settings.stack}`"
        if settings.stack
        else f"{result.subject.input_kind} `{result.hashes['input']['path']}`"
    )
    lines = [
        f"## {_VERDICT_ICON[verdict.verdict]} Policy gate: {verdict.verdict.upper()} — {target}",
        "",
        *_headline(result, grouping),
        f"Blocking threshold: **{settings.fail_on}** and above · resources: {len(result.subject.resources)} · "
        f"Kubernetes objects: {len(result.subject.objects)} · exit code {result.exit_code}",
        "",
    ]
    lines += _input_note_lines(result)
    lines += _waiver_lines(result)
    what = "New findings" if grouping.has_baseline else "Findings"
    if grouping.lead_blocking:
        count = Grouping.count(grouping.lead_blocking)
        lines += [f"### ❌ {what} that block ({count}, {len(grouping.lead_blocking)} rules)", ""]
        for group in grouping.lead_blocking:
            lines += _group_lines(group)
    if grouping.lead_other:
        count = Grouping.count(grouping.lead_other)
        title = (
            f"{what} that do not block ({count}, {len(grouping.lead_other)} rules): "
            "advisory, waived or below the threshold"
        )
        # Without a baseline these are old news on most PRs: folded. New ones of a PR are shown open.
        lines += [f"<details{' open' if grouping.has_baseline else ''}><summary>{title}</summary>", ""]
        for group in grouping.lead_other:
            lines += _group_lines(group)
        lines += ["</details>", ""]
    lines += _severity_lines(result)
    lines += _validation_lines(result)
    lines += _checkov_lines(result)
    for title, groups in (
        (f"Unchanged findings, already on the base branch ({Grouping.count(grouping.unchanged)})", grouping.unchanged),
        (f"Fixed: in the baseline, gone now ({Grouping.count(grouping.fixed)})", grouping.fixed),
    ):
        if groups:
            # Folded unless some block (when existing findings count, --fail-on-existing).
            lines += [f"<details{' open' if Grouping.blocking(groups) else ''}><summary>{title}</summary>", ""]
            for group in groups:
                lines += _group_lines(group)
            lines += ["</details>", ""]
    lines += _control_lines(result)
    if grouping.notes:
        lines += [f"<details><summary>Notes ({len(grouping.notes)})</summary>", ""]
        lines += [f"- {_cell(f.message)}" for f in grouping.notes]
        lines += ["", "</details>", ""]
    engines = ", ".join(f"{name} {version}" for name, version in sorted(result.tools.items()))
    lines.append(f"<sub>Tools: {_cell(engines)} · input sha256 `{result.hashes['input']['sha256'][:16]}…`</sub>")
    return lines


def _headline(result: GateResult, grouping: Grouping) -> list[str]:
    if not grouping.has_baseline:
        blocking = len(result.verdict.blocking)
        return [f"**{blocking} blocking finding{'s' if blocking != 1 else ''}**", ""]
    new = Grouping.count(grouping.lead)
    text = (
        f"**{new} new finding{'s' if new != 1 else ''}, {Grouping.blocking(grouping.lead)} blocking** · "
        f"{Grouping.count(grouping.unchanged)} unchanged, {Grouping.count(grouping.fixed)} fixed (against the baseline)"
    )
    if unchanged_blocking := Grouping.blocking(grouping.unchanged):
        text += f" · {unchanged_blocking} unchanged blocking too"
    elif grouping.existing_blocking:
        text += f" · {grouping.existing_blocking} unchanged would block with `--fail-on-existing`"
    return [text, ""]


def _group_lines(group: RuleGroup) -> list[str]:
    blocking = f"{group.blocking} blocking" if group.blocking else "not blocking"
    lines = [
        f"#### `{group.policy_id}` — {_cell(group.title)}",
        "",
        f"**{group.severity}** · {group.effect} · {group.engine} · {blocking} · "
        f"{len(group.entries)} finding{'s' if len(group.entries) != 1 else ''}"
        + (f" · controls: {_cell(', '.join(group.controls))}" if group.controls else ""),
        "",
    ]
    if group.remediation:
        lines += [f"> **Fix:** {_cell(group.remediation)}", ""]
    lines += [
        "| Status | Resource | Stack / region | Location | Message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in group.entries:
        lines.append(_entry_row(entry))
    return [*lines, ""]


def _entry_row(entry: Entry) -> str:
    f = entry.finding
    status = f"waived ({_cell(f.waiver.id)})" if f.waiver else f.status
    if entry.blocking:
        status += " · **blocking**"
    if f.baseline:
        status = f"{f.baseline} · {status}"
    resource = _cell(f.resource.name or f.resource.key) if f.resource else "(stack)"
    where = _cell(entry.placement.text()) or "—"
    location = _where(f.location)
    if f.code_location and f.code_location != f.location:
        location += f" (code {_where(f.code_location)})"
    message = f.message if len(f.message) <= _MAX_MESSAGE else f.message[:_MAX_MESSAGE] + "…"
    return f"| {status} | {resource} | {where} | {location or '—'} | {_cell(message)} |"


def _where(location: Location | None) -> str:
    return f"`{_cell(location.file)}:{location.line}`" if location else ""


def _severity_lines(result: GateResult) -> list[str]:
    lines = [
        "All findings of this run by severity:",
        "",
        "| Severity | Fail | Unknown | Error | Waived | Info |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for severity, counts in result.verdict.by_severity.items():
        cells = " | ".join(str(counts[status]) for status in ("fail", "unknown", "error", "waived", "info"))
        lines.append(f"| {severity} | {cells} |")
    return [*lines, ""]


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
        f"\n> ⚠️ **Report truncated** to fit GitHub's step summary limit: {omitted} more lines omitted. "
        "The full report is in `report.html` and `report.json`."
    )
    return "\n".join([*kept, *closing, notice]) + "\n"
