"""report.html: a self-contained page (inline CSS, no scripts or external assets), every user text escaped.

Opens on the verdict and the blocking findings, grouped by rule with the fix (reports/groups.py); then the other
findings, waivers, counts, checkov, control coverage and provenance. Nothing is wider than the page at 1280 px:
fixed table layouts and `overflow-wrap:anywhere` wrap long URNs and messages (tests/policies/gate/
test_gate_html_layout.py measures it in headless Chromium).
"""

from __future__ import annotations

from html import escape

from policies.gate.findings import Finding, Location
from policies.gate.pipeline import GateResult
from policies.gate.reports.checkov_summary import COUNT_COLUMNS, checkov_summary, rule_engines
from policies.gate.reports.groups import Entry, Grouping, RuleGroup, group_findings
from policies.gate.verdict import ControlVerdict

_CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;padding:1.5rem 2rem;
max-width:1200px;color:#1f2328;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;table-layout:fixed}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f8fa}code{font-size:.9em;background:#f6f8fa;padding:0 .2em;overflow-wrap:anywhere;white-space:normal}
.pass{color:#1a7f37}.fail,.error{color:#cf222e}.unknown{color:#9a6700}.waived{color:#8250df}
.info,.not-evaluated{color:#57606a}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-weight:600;border:1px solid currentColor}
.muted{color:#57606a}summary{cursor:pointer;font-weight:600}
.headline{font-size:1.15rem;margin:.4rem 0}.headline code{white-space:nowrap}
.group{border:1px solid #d0d7de;border-left:4px solid #57606a;border-radius:6px;padding:.2rem 1rem .2rem;
margin:1rem 0}
.group.blocking{border-left-color:#cf222e}.group h3{margin:.6rem 0 .2rem;font-size:1.05rem}
.group .meta{color:#57606a;margin:.2rem 0}
.fix{background:#ddf4ff;border-left:3px solid #0969da;padding:.4rem .7rem;margin:.5rem 0}
.findings col.status{width:10%}.findings col.resource{width:22%}.findings col.where{width:13%}
.findings col.location{width:22%}.findings col.message{width:33%}
.waivers col.id{width:10%}.waivers col.policy{width:16%}.waivers col.owner{width:12%}.waivers col.ticket{width:15%}
.waivers col.expires{width:9%}
.counts{width:auto;table-layout:auto}.counts td{text-align:right}
.controls col.control{width:22%}.controls col.verdict{width:12%}.controls col.rules{width:46%}
"""


def html_report(result: GateResult) -> str:
    settings = result.subject.settings
    verdict = result.verdict
    grouping = group_findings(result)
    title = f"Policy gate — {settings.stack or result.hashes['input']['path']}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f'<h1>{escape(title)} <span class="badge {verdict.verdict}">{verdict.verdict.upper()}</span></h1>',
        _headline(result, grouping),
        _summary(result),
        _input_notes(result),
        _findings(grouping),
        _waivers_section(result),
        "<h2>Counts by severity</h2>",
        _severity_counts(result),
        _checkov(result),
        '<h2 id="controls">Controls coverage by framework</h2>',
        _controls(result, verdict.controls),
        "<h2>Provenance</h2>",
        _provenance(result),
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _headline(result: GateResult, grouping: Grouping) -> str:
    blocking = len(result.verdict.blocking)
    text = f"<strong>{blocking} blocking finding{'s' if blocking != 1 else ''}</strong>"
    if grouping.has_baseline:
        new = Grouping.count(grouping.lead)
        text = (
            f"<strong>{new} new finding{'s' if new != 1 else ''}, {Grouping.blocking(grouping.lead)} blocking</strong>"
            f" · {Grouping.count(grouping.unchanged)} unchanged, {Grouping.count(grouping.fixed)} fixed "
            "(against the baseline)"
        )
        if unchanged_blocking := Grouping.blocking(grouping.unchanged):
            text += f" · {unchanged_blocking} unchanged blocking too"
        elif grouping.existing_blocking:
            text += f" · {grouping.existing_blocking} unchanged would block with <code>--fail-on-existing</code>"
    return f'<p class="headline">{text}</p>'


def _summary(result: GateResult) -> str:
    settings = result.subject.settings
    return (
        f"<p>Input: <code>{escape(result.hashes['input']['path'])}</code> ({escape(result.subject.input_kind)}) · "
        f"environment: {escape(settings.environment or 'n/a')} · "
        f"blocking threshold: <strong>{escape(settings.fail_on)}</strong> · exit code {result.exit_code} · "
        f"resources: {len(result.subject.resources)} · Kubernetes objects: {len(result.subject.objects)}</p>"
    )


def _severity_counts(result: GateResult) -> str:
    rows = "".join(
        f"<tr><th>{escape(severity)}</th>"
        + "".join(f"<td>{counts[key]}</td>" for key in ("fail", "unknown", "error", "waived", "info"))
        + "</tr>"
        for severity, counts in result.verdict.by_severity.items()
    )
    header = "<tr><th>Severity</th><th>Fail</th><th>Unknown</th><th>Error</th><th>Waived</th><th>Info</th></tr>"
    return f'<table class="counts">{header}{rows}</table>'


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
        parts.append(
            '<table class="controls"><colgroup><col class="control"><col class="verdict"><col class="rules">'
            "<col></colgroup><tr><th>Control</th><th>Verdict</th><th>Rules</th><th>Findings</th></tr>"
        )
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


def _findings(grouping: Grouping) -> str:
    what = "New findings" if grouping.has_baseline else "Findings"
    parts: list[str] = []
    if grouping.lead_blocking:
        count = Grouping.count(grouping.lead_blocking)
        parts.append(f'<h2 id="blocking">{what} that block ({count}, {len(grouping.lead_blocking)} rules)</h2>')
        parts += [_group(g) for g in grouping.lead_blocking]
    if grouping.lead_other:
        count = Grouping.count(grouping.lead_other)
        parts.append(f"<h2>{what} that do not block ({count}, {len(grouping.lead_other)} rules)</h2>")
        parts.append('<p class="muted">Advisory (warn) rules, waived findings and findings below the threshold.</p>')
        parts += [_group(g) for g in grouping.lead_other]
    if not grouping.lead:
        parts.append(f'<h2>{what}</h2><p class="pass">None.</p>')
    for title, groups in (
        (f"Unchanged findings, already in the baseline ({Grouping.count(grouping.unchanged)})", grouping.unchanged),
        (f"Fixed: in the baseline, gone now ({Grouping.count(grouping.fixed)})", grouping.fixed),
    ):
        if groups:
            # Folded unless some block (when existing findings count, --fail-on-existing).
            parts.append(f"<details{' open' if Grouping.blocking(groups) else ''}><summary>{escape(title)}</summary>")
            parts += [_group(g) for g in groups]
            parts.append("</details>")
    if grouping.notes:
        parts.append(f"<details><summary>Notes ({len(grouping.notes)})</summary><ul>")
        parts += [f"<li>{escape(f.message)}</li>" for f in grouping.notes]
        parts.append("</ul></details>")
    return "\n".join(parts)


def _group(group: RuleGroup) -> str:
    blocking = f"{group.blocking} blocking" if group.blocking else "not blocking"
    count = len(group.entries)
    meta = (
        f'<span class="{"fail" if group.blocking else "muted"}">{escape(group.severity)}</span> · '
        f"{escape(group.effect)} · {escape(group.engine)} · {blocking} · {count} finding{'s' if count != 1 else ''}"
    )
    controls = ", ".join(escape(c) for c in group.controls)
    parts = [
        f'<section class="group{" blocking" if group.blocking else ""}" id="{group.anchor}">',
        f"<h3><code>{escape(group.policy_id)}</code> — {escape(group.title)}</h3>",
        f'<p class="meta">{meta}</p>',
    ]
    if group.remediation:
        parts.append(f'<p class="fix"><strong>Fix:</strong> {escape(group.remediation)}</p>')
    if controls:
        parts.append(f'<p class="meta">Controls: {controls}</p>')
    parts.append(
        '<table class="findings"><colgroup><col class="status"><col class="resource"><col class="where">'
        '<col class="location"><col class="message"></colgroup>'
        "<tr><th>Status</th><th>Resource</th><th>Stack / region</th><th>Location</th><th>Message</th></tr>"
    )
    parts += [_entry_row(e) for e in group.entries]
    parts.append("</table></section>")
    return "\n".join(parts)


def _entry_row(entry: Entry) -> str:
    f = entry.finding
    status_class = "waived" if f.waiver else f.status
    status = escape(f"waived ({f.waiver.id})" if f.waiver else f.status)
    if entry.blocking:
        status += " · <strong>blocking</strong>"
    if f.baseline:
        status = f"{escape(f.baseline)} · {status}"
    location = _where(f.location)
    if f.code_location and f.code_location != f.location:
        location += f'<br><span class="muted">code</span> {_where(f.code_location)}'
    where = "<br>".join(escape(part) for part in entry.placement.parts())
    return (
        f'<tr><td class="{status_class}">{status}</td><td>{_resource(f)}</td><td>{where or "—"}</td>'
        f"<td>{location or '—'}</td><td>{escape(f.message)}{_waiver_note(f)}</td></tr>"
    )


def _waiver_note(f: Finding) -> str:
    """Why the finding is accepted, under its message (the status column is too narrow for a justification)."""
    if f.waiver is None:
        return ""
    w = f.waiver
    return (
        f'<br><span class="waived">Waived by {escape(w.id)} ({escape(w.owner)}, {escape(w.ticket)}, expires '
        f"{escape(w.expires)}):</span> {escape(w.justification)}"
    )


def _resource(f: Finding) -> str:
    """The name a reader knows, then the type; the full URN (what a waiver selects on) as the hover text."""
    ref = f.resource
    if ref is None:
        return "(stack)"
    name = f"{ref.namespace}/{ref.name}" if ref.namespace and ref.name else ref.name or ref.key
    kind = ref.kind or ref.type
    return (
        f'<span title="{escape(ref.key)}"><strong>{escape(name)}</strong><br>'
        f'<span class="muted">{escape(kind)}</span></span>'
    )


def _where(location: Location | None) -> str:
    return f"<code>{escape(location.file)}:{location.line}</code>" if location else ""


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


def _waivers_section(result: GateResult) -> str:
    """Waiver problems matter to the verdict (a malformed file exits 2): shown with the findings, above the controls."""
    return "<h2>Waivers</h2>\n" + _waivers(result)


def _waivers(result: GateResult) -> str:
    outcome = result.waivers
    header = (
        '<colgroup><col class="id"><col class="policy"><col class="owner"><col class="ticket"><col class="expires">'
        "<col></colgroup><tr><th>Waiver</th><th>Policy</th><th>Owner</th><th>Ticket</th><th>Expires</th><th>Justification</th></tr>"
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
        parts.append(f'<h3>{escape(title)}</h3><table class="waivers">{header}')
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
    timings = " · ".join(f"{escape(stage)} {seconds:.2f} s" for stage, seconds in result.timings.items())
    return (
        f"<p>Tools: {tools} · generated {escape(result.generated_at)}</p><p>Timings: {timings or 'n/a'}</p>"
        f"<details><summary>sha256 of the input, the waivers and {len(rows) - 1} other files</summary>"
        f'<table class="provenance"><colgroup><col style="width:45%"><col></colgroup>{"".join(rows)}</table>'
        "</details>"
    )
