"""report.html: a self-contained page (inline CSS, no scripts or external assets), every user text escaped.

Sections: verdict and counts, control coverage by framework, findings by severity, waivers.
"""

from __future__ import annotations

from html import escape

from policies.gate.findings import Finding
from policies.gate.pipeline import GateResult
from policies.gate.reports.checkov_summary import COUNT_COLUMNS, checkov_summary, rule_engines
from policies.gate.verdict import ControlVerdict

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}code{font-size:.9em;background:#f6f8fa;padding:0 .2em}
.pass{color:#1a7f37}.fail,.error{color:#cf222e}.unknown{color:#9a6700}.waived{color:#8250df}.info,.not-evaluated{color:#57606a}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-weight:600;border:1px solid currentColor}
.muted{color:#57606a}summary{cursor:pointer;font-weight:600}
"""


def html_report(result: GateResult) -> str:
    settings = result.subject.settings
    verdict = result.verdict
    title = f"Policy gate — {settings.stack or result.hashes['input']['path']}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f'<h1>{escape(title)} <span class="badge {verdict.verdict}">{verdict.verdict.upper()}</span></h1>',
        _summary(result),
        _input_notes(result),
        _checkov(result),
        "<h2>Controls coverage by framework</h2>",
        _controls(result, verdict.controls),
        "<h2>Findings by severity</h2>",
        _findings(result),
        "<h2>Waivers</h2>",
        _waivers(result),
        "<h2>Provenance</h2>",
        _provenance(result),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(result: GateResult) -> str:
    settings = result.subject.settings
    verdict = result.verdict
    rows = "".join(
        f"<tr><th>{escape(severity)}</th>"
        + "".join(f"<td>{counts[key]}</td>" for key in ("fail", "unknown", "error", "waived", "info"))
        + "</tr>"
        for severity, counts in verdict.by_severity.items()
    )
    facts = (
        f"<p>Input: <code>{escape(result.hashes['input']['path'])}</code> ({escape(result.subject.input_kind)}) · "
        f"environment: {escape(settings.environment or 'n/a')} · "
        f"blocking threshold: <strong>{escape(settings.fail_on)}</strong>"
        f" · blocking findings: <strong>{len(verdict.blocking)}</strong> · exit code {result.exit_code} · "
        f"resources: {len(result.subject.resources)} · Kubernetes objects: {len(result.subject.objects)}</p>"
    )
    header = "<tr><th>Severity</th><th>Fail</th><th>Unknown</th><th>Error</th><th>Waived</th><th>Info</th></tr>"
    return f"{facts}<table>{header}{rows}</table>"


def _checkov(result: GateResult) -> str:
    summary = checkov_summary(result)
    if summary is None:
        return ""
    if not summary.ran:
        why = f"failed: {summary.error}" if summary.error else "not run (--no-checkov)"
        return f'<h2>checkov</h2><p class="{"error" if summary.error else "muted"}">{escape(why)}</p>'
    header = "".join(f"<th>{escape(c.capitalize())}</th>" for c in COUNT_COLUMNS)
    rows = "".join(
        f"<tr><td>{escape(target)}</td>" + "".join(f"<td>{counts.get(c, 0)}</td>" for c in COUNT_COLUMNS) + "</tr>"
        for target, counts in summary.targets.items()
    )
    parts = [
        f"<h2>checkov {escape(summary.version)}</h2><p>{summary.seconds} s, one process over every target.</p>",
        f"<table><tr><th>Target</th>{header}</tr>{rows}</table>",
    ]
    if summary.unmapped:
        ids = ", ".join(f"<code>{escape(check_id)}</code>" for check_id in summary.unmapped)
        parts.append(
            f"<details><summary>Unmapped checkov checks ({len(summary.unmapped)}): default severity, no controls; "
            f"add them to policies/checkov/mapping/</summary><p>{ids}</p></details>"
        )
    if summary.unconverted:
        kinds = ", ".join(f"<code>{escape(kind)}</code> ({len(urns)})" for kind, urns in summary.unconverted.items())
        parts.append(f"<p>Plan resource types checkov has no Terraform type for: {kinds}</p>")
    return "\n".join(parts)


def _controls(result: GateResult, controls: list[ControlVerdict]) -> str:
    if not controls:
        return '<p class="muted">No controls were evaluated.</p>'
    frameworks: dict[str, list[ControlVerdict]] = {}
    for control in controls:
        frameworks.setdefault(control.framework, []).append(control)
    parts: list[str] = []
    for framework, items in sorted(frameworks.items()):
        passing = sum(1 for c in items if c.verdict in ("pass", "waived"))
        unevaluated = sum(1 for c in items if c.verdict == "not-evaluated")
        evaluated_note = f", {unevaluated} not evaluated (nothing in the input for their rules)" if unevaluated else ""
        parts.append(
            f"<h3>{escape(framework)} — {passing}/{len(items)} controls passing or waived{evaluated_note}</h3>"
        )
        parts.append("<table><tr><th>Control</th><th>Verdict</th><th>Rules</th><th>Findings</th></tr>")
        for c in items:
            rules = "<br>".join(
                f"<code>{escape(rule)}</code> ({escape(engine)})" for rule, engine in rule_engines(result, c.rules)
            )
            counts = ", ".join(f"{escape(k)}: {v}" for k, v in c.findings.items()) or "none"
            parts.append(
                f'<tr><td>{escape(c.control)}</td><td class="{c.verdict}">{escape(c.verdict)}</td>'
                f"<td>{rules}</td><td>{counts}</td></tr>"
            )
        parts.append("</table>")
    return "\n".join(parts)


def _findings(result: GateResult) -> str:
    if not result.findings:
        return '<p class="pass">No findings.</p>'
    verdict = result.verdict
    parts: list[str] = []
    for severity in verdict.by_severity:
        items = [f for f in result.findings if f.severity == severity]
        if not items:
            continue
        parts.append(f"<details open><summary>{escape(severity)} ({len(items)})</summary><table>")
        parts.append(
            "<tr><th>Status</th><th>Policy</th><th>Resource</th><th>Message</th><th>Location</th><th>Controls</th></tr>"
        )
        for f in items:
            parts.append(_finding_row(f, verdict.blocks(f)))
        parts.append("</table></details>")
    return "\n".join(parts)


def _finding_row(f: Finding, blocking: bool) -> str:
    status_class = "waived" if f.waiver else f.status
    status = f"waived ({f.waiver.id})" if f.waiver else f.status + (" · blocking" if blocking else "")
    resource = escape(f.resource.key) if f.resource else "(stack)"
    location = f"<code>{escape(f.location.file)}:{f.location.line}</code>" if f.location else ""
    controls = ", ".join(escape(c) for c in f.controls)
    return (
        f'<tr><td class="{status_class}">{escape(status)}</td><td><code>{escape(f.policy_id)}</code></td>'
        f"<td>{resource}</td><td>{escape(f.message)}</td><td>{location}</td><td>{controls}</td></tr>"
    )


def _input_notes(result: GateResult) -> str:
    """Files of the manifests directory not read (with why) and hidden ones read."""
    parts: list[str] = []
    for title, notes in (
        ("Input files skipped", result.subject.skipped),
        ("Hidden input files read", result.subject.hidden),
    ):
        if notes:
            parts.append(f"<h2>{escape(title)} ({len(notes)})</h2><ul>")
            parts += [f"<li><code>{escape(n.path)}</code>: {escape(n.reason)}</li>" for n in notes]
            parts.append("</ul>")
    return "\n".join(parts)


def _waivers(result: GateResult) -> str:
    outcome = result.waivers
    header = (
        "<tr><th>Waiver</th><th>Policy</th><th>Owner</th><th>Ticket</th><th>Expires</th><th>Justification</th></tr>"
    )
    groups = [
        ("Applied", [(outcome.by_id[wid], f" ({count} findings)") for wid, count in sorted(outcome.applied.items())]),
        ("Expired (no longer applied)", [(w, "") for w in outcome.expired]),
        ("Expiring within 30 days", [(w, "") for w in outcome.expiring_soon]),
        ("Stale (matched nothing)", [(w, "") for w in outcome.stale]),
    ]
    parts: list[str] = []
    for title, waivers in groups:
        if not waivers:
            continue
        parts.append(f"<h3>{escape(title)}</h3><table>{header}")
        for w, note in waivers:
            parts.append(
                f"<tr><td><code>{escape(w.id)}</code>{escape(note)}</td><td><code>{escape(w.policy)}</code></td>"
                f"<td>{escape(w.owner)}</td><td>{escape(w.ticket)}</td><td>{w.expires.isoformat()}</td>"
                f"<td>{escape(w.justification)}</td></tr>"
            )
        parts.append("</table>")
    for e in outcome.exceptions_applied:
        parts.append(
            f'<h3 class="error">Exception in use: {escape(e.setting)} {escape(e.value)} in {escape(e.environment)} '
            f"(below its floor)</h3><p><code>{escape(e.id)}</code> owner {escape(e.owner)}, ticket "
            f"{escape(e.ticket)}, expires {e.expires.isoformat()}: {escape(e.justification)}</p>"
        )
    if outcome.malformed:
        parts.append('<h3 class="error">Malformed (the gate exits 2)</h3><ul>')
        parts += [
            f"<li>line {m.line} <code>{escape(m.id or '?')}</code>: {escape(m.problem)}</li>" for m in outcome.malformed
        ]
        parts.append("</ul>")
    return "\n".join(parts) or '<p class="muted">No waivers.</p>'


def _provenance(result: GateResult) -> str:
    rows = [f"<tr><th>input</th><td><code>{escape(result.hashes['input']['sha256'])}</code></td></tr>"]
    if result.hashes.get("waivers"):
        rows.append(
            f"<tr><th>{escape(result.hashes['waivers']['path'])}</th><td><code>{escape(result.hashes['waivers']['sha256'])}</code></td></tr>"
        )
    rows += [
        f"<tr><th>{escape(path)}</th><td><code>{escape(digest)}</code></td></tr>"
        for path, digest in result.hashes["policies"].items()
    ]
    tools = ", ".join(f"{escape(name)} {escape(version)}" for name, version in sorted(result.tools.items()))
    return f"<p>Tools: {tools} · generated {escape(result.generated_at)}</p><table>{''.join(rows)}</table>"
