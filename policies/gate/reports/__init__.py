"""The five reports of a gate run (DESIGN §5.4), written next to each other in the output directory."""

from __future__ import annotations

from pathlib import Path

from policies.gate.pipeline import GateResult
from policies.gate.reports.html_report import html_report
from policies.gate.reports.json_report import write_json
from policies.gate.reports.junit import write_junit
from policies.gate.reports.markdown import markdown_report
from policies.gate.reports.sarif import write_sarif

REPORT_FILES = ("report.json", "report.sarif", "report.xml", "report.md", "report.html")


def write_reports(result: GateResult, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path, sarif_path, junit_path, markdown_path, html_path = (directory / name for name in REPORT_FILES)
    write_json(result, json_path)
    write_sarif(result, sarif_path)
    write_junit(result, junit_path)
    markdown_path.write_text(markdown_report(result), encoding="utf-8")
    html_path.write_text(html_report(result), encoding="utf-8")
    return [json_path, sarif_path, junit_path, markdown_path, html_path]
