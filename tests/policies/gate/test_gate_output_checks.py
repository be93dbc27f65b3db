"""`--out` and `--waivers` are checked before evaluation; a report that cannot be written loses no other report."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any, NoReturn

import pytest
from gate_support import GateRunner, plan_document, step, write_plan

from policies.gate import cli, reports
from policies.gate.reports import REPORT_FILES


@pytest.fixture
def no_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Evaluation must not start: these checks come first."""

    def refuse(*_: Any, **__: Any) -> NoReturn:
        raise AssertionError("evaluation started before --out/--waivers were checked")

    monkeypatch.setattr(cli, "run_gate", refuse)


def _plan(tmp_path: Path) -> Path:
    return write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b", {"acl": "public-read"})))


def _one_line(stderr: str, *fragments: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert all(fragment in lines[0] for fragment in fragments), lines[0]


def test_an_out_that_is_a_file_is_refused_before_evaluation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_evaluation: None
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    for out in (taken, taken / "below"):
        code = cli.main(["--plan", str(_plan(tmp_path)), "--out", str(out)])
        assert code == 2
        _one_line(capsys.readouterr().err, str(out), "--out")


def test_an_out_that_holds_a_report_name_as_a_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_evaluation: None
) -> None:
    (tmp_path / "out" / "report.sarif").mkdir(parents=True)
    assert cli.main(["--plan", str(_plan(tmp_path)), "--out", str(tmp_path / "out")]) == 2
    _one_line(capsys.readouterr().err, "report.sarif")


def test_a_waivers_directory_is_refused_before_evaluation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_evaluation: None
) -> None:
    waivers = tmp_path / "waivers"
    waivers.mkdir()
    code = cli.main(["--plan", str(_plan(tmp_path)), "--out", str(tmp_path / "out"), "--waivers", str(waivers)])
    assert code == 2
    _one_line(capsys.readouterr().err, str(waivers), "not a regular file")


def test_a_report_that_cannot_be_written_loses_no_other_report_and_exits_2(
    gate: GateRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*_: Any) -> NoReturn:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reports, "write_sarif", disk_full)
    run = gate(plan=_plan(tmp_path))
    assert run.exit_code == 2
    _one_line(run.stderr, "report.sarif", "could not write report", "No space left on device")
    assert "policy gate: FAIL" in run.stdout  # the verdict is still printed
    written = {name for name in REPORT_FILES if (run.out / name).is_file()}
    assert written == set(REPORT_FILES) - {"report.sarif"}
    assert run.report["verdict"] == "fail"
