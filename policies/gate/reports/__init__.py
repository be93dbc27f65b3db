"""The five reports of a gate run (DESIGN §5.4), written next to each other in the output directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from policies.gate.pipeline import GateResult
from policies.gate.reports.html_report import html_report
from policies.gate.reports.json_report import write_json
from policies.gate.reports.junit import write_junit
from policies.gate.reports.markdown import markdown_report
from policies.gate.reports.sarif import write_sarif

REPORT_FILES = ("report.json", "report.sarif", "report.xml", "report.md", "report.html")


class ReportWriteError(OSError):
    """Some reports could not be written (disk full, path taken); the others were written all the same."""

    def __init__(self, written: list[Path], failed: dict[Path, str]) -> None:
        self.written = written
        self.failed = failed
        super().__init__("; ".join(f"{path}: could not write: {why}" for path, why in failed.items()))


def write_reports(result: GateResult, directory: Path) -> list[Path]:
    """Write every report; one that fails does not stop the others (raises ReportWriteError at the end)."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path, sarif_path, junit_path, markdown_path, html_path = (directory / name for name in REPORT_FILES)
    writers: list[tuple[Path, Callable[[], object]]] = [
        (json_path, lambda: write_json(result, json_path)),
        (sarif_path, lambda: write_sarif(result, sarif_path)),
        (junit_path, lambda: write_junit(result, junit_path)),
        (markdown_path, lambda: markdown_path.write_text(markdown_report(result), encoding="utf-8")),
        (html_path, lambda: html_path.write_text(html_report(result), encoding="utf-8")),
    ]
    written: list[Path] = []
    failed: dict[Path, str] = {}
    for path, write in writers:
        try:
            write()
        except OSError as error:
            failed[path] = str(error)
        else:
            written.append(path)
    if failed:
        raise ReportWriteError(written, failed)
    return written
