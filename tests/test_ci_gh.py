"""The scripts the workflows use to talk to GitHub (.ci/gh): the comment/issue body and its cut to GitHub's limit,
the sticky PR comment (updated, never duplicated) and the one compliance issue per stack (opened, updated, closed).

GitHub's API cannot be reached here, so a stand-in `gh` on PATH answers from canned JSON (filtered by the real
jq, as gh's --jq would) and records every call; the scripts under test are the real ones.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.binaries import require

ROOT = Path(__file__).resolve().parents[1]
GH_DIR = ROOT / ".ci" / "gh"
RUN_URL = "https://github.example/o/r/actions/runs/42"


def _body_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_gh_body", GH_DIR / "body.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


body = _body_module()


def test_a_report_within_the_limit_is_the_body_after_the_marker() -> None:
    text = "# Policy gate\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert body.render("policy-gate:dev", text, RUN_URL) == "<!-- policy-gate:dev -->\n" + text


def test_a_report_over_the_limit_is_cut_at_a_line_and_links_the_run() -> None:
    line = "| finding | " + "x" * 80 + " |\n"
    report = line * 2000  # ~190,000 characters, about three times GitHub's limit
    rendered = body.render("policy-gate:prod", report, RUN_URL)
    assert len(rendered) <= body.GITHUB_BODY_LIMIT
    assert rendered.startswith("<!-- policy-gate:prod -->\n" + line)
    kept, _, note = rendered.partition("\n\n---\n")
    assert kept.endswith(line), "the cut falls between lines, not inside a table row"
    assert f"of {len(report):,} characters shown" in note and f"]({RUN_URL})" in note


def test_a_tight_limit_still_holds() -> None:
    report = "a line\n" * 100
    rendered = body.render("m", report, RUN_URL, limit=400)
    assert len(rendered) <= 400 and "Report truncated" in rendered


def test_no_report_says_so_and_links_the_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(GH_DIR / "body.py"), "--marker", "m", "--report", str(tmp_path / "none.md"),
         "--run-url", RUN_URL],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert (
        result.stdout == f"<!-- m -->\nThe policy gate wrote no report: its log is in [the workflow run]({RUN_URL}).\n"
    )


def test_a_limit_with_no_room_for_the_report_is_exit_2(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text("x\n" * 1000, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(GH_DIR / "body.py"), "--marker", "m", "--report", str(report), "--run-url", RUN_URL,
         "--limit", "50"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "leaves no room" in result.stderr


FAKE_GH = """\
#!/usr/bin/env python3
import json, os, shutil, subprocess, sys
state = os.environ["FAKE_GH_STATE"]
args = sys.argv[1:]
with open(os.path.join(state, "calls.jsonl"), "a") as log:
    log.write(json.dumps(args) + "\\n")
def value(flag):
    return args[args.index(flag) + 1] if flag in args else None
def keep(path, name):
    shutil.copy(path, os.path.join(state, name))
if args[:2] == ["api", "--paginate"]:
    canned = os.path.join(state, "comments.json")
elif args[:2] == ["issue", "list"]:
    canned = os.path.join(state, "issues.json")
else:
    for flag in ("-F",):
        if flag in args and value(flag).startswith("body=@"):
            keep(value(flag)[len("body=@"):], "body.md")
    if "--body-file" in args:
        keep(value("--body-file"), "body.md")
    sys.exit(0)
sys.exit(subprocess.run([os.environ["FAKE_GH_JQ"], "-r", value("--jq"), canned]).returncode)
"""


@pytest.fixture
def github(tmp_path: Path) -> dict[str, str]:
    """Environment that puts the stand-in gh first on PATH; its canned answers and call log live in tmp_path."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH, encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "comments.json").write_text("[]", encoding="utf-8")
    (tmp_path / "issues.json").write_text("[]", encoding="utf-8")
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_GH_STATE": str(tmp_path),
        "FAKE_GH_JQ": require("jq"),
        "GITHUB_REPOSITORY": "o/r",
    }


def _calls(env: dict[str, str]) -> list[list[str]]:
    log = Path(env["FAKE_GH_STATE"]) / "calls.jsonl"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def _run(script: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GH_DIR / script), *args], capture_output=True, text=True, check=False, env=env)


def _report(env: dict[str, str]) -> str:
    report = Path(env["FAKE_GH_STATE"]) / "report.md"
    report.write_text("# Policy gate: FAIL\n", encoding="utf-8")
    return str(report)


def test_sticky_comment_created_when_the_pr_has_none(github: dict[str, str]) -> None:
    result = _run("sticky-comment", github, "7", "policy-gate:dev", _report(github), RUN_URL)
    assert result.returncode == 0, result.stderr
    writes = [call for call in _calls(github) if "--method" in call]
    assert [call[:4] for call in writes] == [["api", "--method", "POST", "repos/o/r/issues/7/comments"]]
    posted = (Path(github["FAKE_GH_STATE"]) / "body.md").read_text(encoding="utf-8")
    assert posted == "<!-- policy-gate:dev -->\n# Policy gate: FAIL\n"


def test_sticky_comment_updated_in_place_and_only_the_bots(github: dict[str, str]) -> None:
    comments = [
        {"id": 1, "user": {"login": "someone"}, "body": "<!-- policy-gate:dev -->\nquoted by a person"},
        {"id": 2, "user": {"login": "github-actions[bot]"}, "body": "<!-- policy-gate:prod -->\nanother stack"},
        {"id": 3, "user": {"login": "github-actions[bot]"}, "body": "<!-- policy-gate:dev -->\nold report"},
    ]
    (Path(github["FAKE_GH_STATE"]) / "comments.json").write_text(json.dumps(comments), encoding="utf-8")
    result = _run("sticky-comment", github, "7", "policy-gate:dev", _report(github), RUN_URL)
    assert result.returncode == 0, result.stderr
    writes = [call[:4] for call in _calls(github) if "--method" in call]
    assert writes == [["api", "--method", "PATCH", "repos/o/r/issues/comments/3"]]


def _issues(env: dict[str, str], issues: list[dict[str, object]]) -> None:
    (Path(env["FAKE_GH_STATE"]) / "issues.json").write_text(json.dumps(issues), encoding="utf-8")


TITLE = "Compliance: stack prod has blocking policy findings"


def test_compliance_issue_opened_on_blocking_findings(github: dict[str, str]) -> None:
    result = _run("compliance-issue", github, "prod", "1", _report(github), RUN_URL)
    assert result.returncode == 0, result.stderr
    calls = [call for call in _calls(github) if call[:2] != ["issue", "list"]]
    assert [call[:2] for call in calls] == [["label", "create"], ["issue", "create"]]
    assert calls[1][calls[1].index("--title") + 1] == TITLE


def test_compliance_issue_updated_not_duplicated(github: dict[str, str]) -> None:
    _issues(
        github,
        [{"number": 5, "title": "Compliance: stack dev has blocking policy findings"}, {"number": 9, "title": TITLE}],
    )
    result = _run("compliance-issue", github, "prod", "1", _report(github), RUN_URL)
    assert result.returncode == 0, result.stderr
    calls = [call for call in _calls(github) if call[:2] != ["issue", "list"]]
    assert [call[:3] for call in calls] == [["issue", "edit", "9"]]


def test_compliance_issue_closed_when_compliant_again(github: dict[str, str]) -> None:
    _issues(github, [{"number": 9, "title": TITLE}])
    result = _run("compliance-issue", github, "prod", "0", _report(github), RUN_URL)
    assert result.returncode == 0, result.stderr
    calls = [call for call in _calls(github) if call[:2] != ["issue", "list"]]
    assert [call[:3] for call in calls] == [["issue", "close", "9"]]
    assert RUN_URL in calls[0][calls[0].index("--comment") + 1]


@pytest.mark.parametrize("gate_exit", ["2", "preview-failed", "missing"])
def test_compliance_issue_left_alone_without_a_verdict(github: dict[str, str], gate_exit: str) -> None:
    _issues(github, [{"number": 9, "title": TITLE}])
    result = _run("compliance-issue", github, "prod", gate_exit, _report(github), RUN_URL)
    assert result.returncode == 1 and "did not produce a verdict" in result.stdout
    assert [call for call in _calls(github) if call[:2] != ["issue", "list"]] == []
