"""Self-contained HTML report: a summary table and, per feature, reference vs current plots.

Inline CSS and SVG only (no scripts, no external assets), so it renders from an object
store, as a CI artifact or offline. Every value from the data is escaped.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from drift_jobs.evaluate.evaluator import Evaluation
from drift_jobs.evaluate.metrics import REGISTRY, for_kind

W, H, PAD = 560, 180, 28
REF_COLOR, CUR_COLOR = "#4e79a7", "#e15759"
STATUS_COLOR = {
    "ok": "#59a14f",
    "warning": "#f28e2b",
    "critical": "#e15759",
}
MAX_CATEGORIES = 30
CDF_POINTS = 200

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;font-size:13px}
td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
.feature{border-top:1px solid #ccc;margin-top:18px;padding-top:8px}.muted{color:#777;font-size:12px}
.plots{display:flex;flex-wrap:wrap;gap:16px}svg{background:#fafafa;border:1px solid #eee}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return _e(value)


def _badge(status: str) -> str:
    color = STATUS_COLOR.get(status, "#999")
    return f'<span class="badge" style="background:{color}">{_e(status)}</span>'


def _bars(labels: list[str], ref: list[int], cur: list[int], title: str) -> str:
    r = np.asarray(ref, dtype=float)
    c = np.asarray(cur, dtype=float)
    r = r / r.sum() if r.sum() else r
    c = c / c.sum() if c.sum() else c
    k = len(labels)
    top = max(float(r.max(initial=0)), float(c.max(initial=0)), 1e-9)
    slot = (W - 2 * PAD) / max(k, 1)
    parts = [f'<svg width="{W}" height="{H + 40}" role="img" aria-label="{_e(title)}">']
    parts.append(f'<text x="{PAD}" y="14" font-size="12">{_e(title)}</text>')
    for i in range(k):
        x = PAD + i * slot
        for j, (share, color) in enumerate(((r[i], REF_COLOR), (c[i], CUR_COLOR))):
            h = (H - 2 * PAD) * share / top
            parts.append(
                f'<rect x="{x + j * slot / 2 + 1:.1f}" y="{H - PAD - h:.1f}" width="{max(slot / 2 - 2, 1):.1f}" '
                f'height="{h:.1f}" fill="{color}"><title>{_e(labels[i])}: '
                f"{'reference' if j == 0 else 'current'} {share:.4f}</title></rect>"
            )
        if k <= 12:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{H - PAD + 12}" font-size="9" text-anchor="middle">'
                f"{_e(labels[i][:10])}</text>"
            )
    parts.append(_legend())
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    return (
        f'<rect x="{W - 170}" y="{H + 16}" width="10" height="10" fill="{REF_COLOR}"/>'
        f'<text x="{W - 156}" y="{H + 25}" font-size="11">reference</text>'
        f'<rect x="{W - 90}" y="{H + 16}" width="10" height="10" fill="{CUR_COLOR}"/>'
        f'<text x="{W - 76}" y="{H + 25}" font-size="11">current</text>'
    )


def _cdf(ev: Evaluation, name: str) -> str:
    prof = ev.profile.numeric[name]
    cur = ev.summary.numeric[name]
    if cur.n == 0:
        return ""
    edges = prof.bins.edges
    # Evenly spaced edge indices: at most one per edge, so strictly increasing (np.unique would load numpy.ma).
    pick = np.linspace(0, len(edges) - 1, min(CDF_POINTS, len(edges))).astype(int)
    x = edges[pick]
    lo, hi = float(x[0]), float(x[-1])
    span = hi - lo or 1.0
    parts = [f'<svg width="{W}" height="{H + 40}" role="img" aria-label="cumulative distribution">']
    parts.append(f'<text x="{PAD}" y="14" font-size="12">cumulative distribution (fine bins)</text>')
    # Pixel coordinates computed as arrays, formatted from Python floats (numpy scalars format 5x slower); the
    # two curves share their x coordinates, formatted once (formatting is most of a report's rendering time).
    px = [f"{v:.1f}" for v in (PAD + (W - 2 * PAD) * (x - lo) / span).tolist()]
    for s, color in ((prof.summary, REF_COLOR), (cur, CUR_COLOR)):
        py = [f"{v:.1f}" for v in (H - PAD - (H - 2 * PAD) * (s.cum_le[pick] / max(s.n, 1))).tolist()]
        pts = " ".join(map(",".join, zip(px, py, strict=True)))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{pts}"/>')
    parts.append(f'<text x="{PAD}" y="{H - PAD + 12}" font-size="9">{lo:.4g}</text>')
    parts.append(f'<text x="{W - PAD}" y="{H - PAD + 12}" font-size="9" text-anchor="end">{hi:.4g}</text>')
    parts.append(_legend())
    parts.append("</svg>")
    return "".join(parts)


def _feature_section(ev: Evaluation, f: dict[str, Any]) -> str:
    rows: list[tuple[str, Any]] = [(m.title, f.get(m.name)) for m in for_kind(f["type"])]
    rows.append(("p-value, BH adjusted", f.get("pvalue_adjusted")))
    if f["type"] == "categorical":
        rows += [("unseen share", f.get("unseen_share"))]
    m = f["missing"]
    rows += [("missing share: reference", m["reference_share"]), ("missing share: current", m["current_share"])]
    table = "".join(f"<tr><td>{_e(k)}</td><td>{_fmt(v)}</td></tr>" for k, v in rows)
    thresholds = "; ".join(
        f"{_e(k)}: warning {t['warning']:g}, critical {t['critical']:g} ({_e(t['source'])})"
        for k, t in f["thresholds"].items()
    )
    reasons = "".join(f"<li>{_e(r)}</li>" for r in f["reasons"])
    plots = ""
    hist = f.get("histogram")
    if hist and f["type"] == "numeric":
        edges = hist["bin_edges"]
        labels = [f"<={e:.3g}" for e in edges] + [f">{edges[-1]:.3g}"]
        plots += _bars(labels, hist["reference"], hist["current"], "share per reference-quantile bin (PSI bins)")
        plots += _cdf(ev, f["name"])
    elif hist:
        order = np.argsort(-(np.asarray(hist["reference"]) + np.asarray(hist["current"])), kind="stable")
        order = order[:MAX_CATEGORIES]
        plots += _bars(
            [hist["labels"][i] for i in order],
            [hist["reference"][i] for i in order],
            [hist["current"][i] for i in order],
            "share per category (top by volume)",
        )
    return (
        f'<div class="feature" id="f-{_e(f["name"])}"><h2>{_e(f["name"])} {_badge(f["status"])}</h2>'
        f'<p class="muted">{_e(f["type"])} {_e(f["role"])}; n reference {_fmt(f["n_reference"])}, '
        f"n current {_fmt(f['n_current'])}; KS method {_e(f.get('ks_method') or '-')}"
        f"{'; thresholds ' + thresholds if thresholds else ''}</p>"
        f'<div class="plots"><table>{table}</table>{plots}</div>'
        f"{'<ul>' + reasons + '</ul>' if reasons else ''}</div>"
    )


def _overview(report: dict[str, Any]) -> str:
    # One column per effect size of the metric registry.
    effects = [m for m in REGISTRY if m.role == "effect"]
    head = "<tr><th>feature</th><th>type</th><th>status</th>"
    head += "".join(f"<th>{_e(m.title)}</th>" for m in effects) + "<th>missing (cur)</th></tr>"
    body = "".join(
        f'<tr><td><a href="#f-{_e(f["name"])}">{_e(f["name"])}</a></td><td>{_e(f["type"])}</td>'
        f"<td>{_badge(f['status'])}</td>"
        + "".join(f"<td>{_fmt(f.get(m.name))}</td>" for m in effects)
        + f"<td>{_fmt(f['missing']['current_share'])}</td></tr>"
        for f in report["features"]
    )
    return f"<table>{head}{body}</table>"


def _section_table(title: str, rows: list[tuple[str, Any, Any, Any, str]], status: str) -> str:
    head = "<tr><th>metric</th><th>reference</th><th>current</th><th>relative change</th><th>status</th></tr>"
    body = "".join(
        f"<tr><td>{_e(n)}</td><td>{_fmt(r)}</td><td>{_fmt(c)}</td><td>{_fmt(d)}</td><td>{_e(s)}</td></tr>"
        for n, r, c, d, s in rows
    )
    return f"<h2>{_e(title)} {_badge(status)}</h2><table>{head}{body}</table>"


def render_html(ev: Evaluation) -> str:
    r = ev.report.to_dict()
    s = r["summary"]
    labels = " &middot; ".join(
        f"{k} <b>{_e(r[k])}</b>" for k in ("model", "model_version", "stack", "region", "cluster") if r.get(k)
    )
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Drift report &ndash; {_e(r['model'])}</title><style>{CSS}</style></head><body>",
        f"<h1>Drift report: {_e(r['model'])} {_badge(s['status'])}</h1>",
        f"<p>{labels}<br><span class='muted'>generated {_e(r['generated_at'])}; reference {_e(r['reference'])}; "
        f"current {_e(r['current'])}; {r['window']['rows']:,} rows; profile {_e(r['profile_id'])}</span></p>",
        f"<p><b>Dataset drift: {'yes' if s['dataset_drifted'] else 'no'}</b> — "
        f"{len(s['drifted_features'])} of {s['features_evaluated']} evaluated features drifted "
        f"({s['drifted_share']:.0%}; decision share {s['decision']['dataset_drift_share']:.0%}, "
        f"BH significance {s['decision']['significance']:g}).</p>",
    ]
    if s["warnings"]:
        parts.append("<ul>" + "".join(f"<li>{_e(w)}</li>" for w in s["warnings"]) + "</ul>")
    if r["columns"]["extra"]:
        parts.append(f"<p class='muted'>extra columns ignored: {_e(', '.join(r['columns']['extra']))}</p>")
    parts.append(_overview(r))
    perf = r.get("performance")
    if perf:
        rows = [(m, v["reference"], v["current"], v["relative_drop"], "") for m, v in perf["metrics"].items()]
        parts.append(_section_table(f"Performance ({perf['task']}, relative drop)", rows, perf["status"]))
    lat = r.get("latency")
    if lat:
        rows = [
            (k, q["reference"], q["current"], q["relative_increase"], q["status"]) for k, q in lat["quantiles"].items()
        ]
        parts.append(_section_table(f"Latency ({lat['column']})", rows, lat["status"]))
    parts.extend(_feature_section(ev, f) for f in r["features"])
    parts.append("</body></html>")
    return "".join(parts)
