"""The PR gate's baseline plumbing: .ci/gate-baseline (the merge base's own report of a stack), the workflow step
that passes it on, and the Makefile's GATE_ARGS that carries --baseline to the gate in every branch of `make gate`.

The script runs against a throwaway git repository whose base commit has its own small Makefile: what the script
owns is the git plumbing (merge base, worktree, tolerance of the base gate's exit code, the missing cases), and the
base's `make gate` is its input. The gate's own --baseline behaviour is tested in tests/policies/gate.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "gate-baseline"
WORKFLOW = ROOT / ".github" / "workflows" / "policy-gate.yml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
# The base's gate: writes its report (unless told not to) and exits 1, as a base with blocking findings does.
BASE_MAKEFILE = """\
gate:
\t@test -n "$(NO_REPORT)" || { mkdir -p build/$(STACK) && echo '{"stack": "$(STACK)"}' > build/$(STACK)/report.json; }
\t@echo "base gate of $(STACK)"; exit 1
"""


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: the qa stack and a gate; head (checked out): one commit on top that adds the new stack."""
    repo = tmp_path / "repo"
    (repo / "stacks").mkdir(parents=True)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    (repo / "Makefile").write_text(BASE_MAKEFILE, encoding="utf-8")
    (repo / "stacks" / "Pulumi.qa.yaml").write_text("config: {}\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "base")
    _git(repo, "checkout", "--quiet", "-b", "head")
    (repo / "stacks" / "Pulumi.new.yaml").write_text("config: {}\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "head")
    return repo


def _run(repo: Path, stack: str, base_ref: str = "main", **env: str) -> tuple[subprocess.CompletedProcess[str], str]:
    summary = repo.parent / "summary.md"
    result = subprocess.run(
        [str(SCRIPT), stack, base_ref, "out/report.json"],
        cwd=repo,
        env={**os.environ, **GIT_ENV, "GITHUB_STEP_SUMMARY": str(summary), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result, summary.read_text(encoding="utf-8") if summary.exists() else ""


def test_the_merge_base_report_is_copied_even_when_the_base_gate_blocks(repo: Path) -> None:
    result, summary = _run(repo, "qa")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "report=out/report.json"
    assert (repo / "out" / "report.json").read_text(encoding="utf-8").strip() == '{"stack": "qa"}'
    base = _git(repo, "rev-parse", "--short", "main")
    # Tolerated: 1 from the gate, or 2 from a make that does not pass the tool's own code through.
    assert re.search(rf"compared with the merge base {base} \(its gate exited [12]\)", summary), summary
    assert _git(repo, "worktree", "list").count("\n") == 0  # the base's worktree is removed again


def test_a_stack_new_in_the_pr_runs_without_a_baseline_and_says_so(repo: Path) -> None:
    result, summary = _run(repo, "new")
    assert (result.returncode, result.stdout.strip()) == (0, "report=")
    assert "stack new does not exist on the merge base" in summary and "without a baseline" in summary
    assert not (repo / "out").exists()


def test_a_base_gate_without_a_report_runs_without_a_baseline_and_says_so(repo: Path) -> None:
    result, summary = _run(repo, "qa", NO_REPORT="1")
    assert (result.returncode, result.stdout.strip()) == (0, "report=")
    assert "wrote no build/qa/report.json" in summary and "without a baseline" in summary


def test_no_merge_base_runs_without_a_baseline_and_says_so(repo: Path) -> None:
    _git(repo, "checkout", "--quiet", "--orphan", "unrelated")
    _git(repo, "commit", "--quiet", "-m", "unrelated history")
    result, summary = _run(repo, "qa")
    assert (result.returncode, result.stdout.strip()) == (0, "report=")
    assert "no merge base of main and HEAD" in summary


def _gate_job() -> dict[str, Any]:
    workflow: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job: dict[str, Any] = workflow["jobs"]["gate"]
    return job


def test_the_pr_gate_passes_the_merge_base_report_as_its_baseline() -> None:
    steps = _gate_job()["steps"]
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # merge-base needs the base branch's history
    baseline = next(s for s in steps if s.get("id") == "baseline")
    assert baseline["run"].startswith(".ci/gate-baseline ") and '>> "$GITHUB_OUTPUT"' in baseline["run"]
    gate = next(s for s in steps if s.get("id") == "gate")
    assert steps.index(baseline) < steps.index(gate)
    assert gate["env"]["BASELINE"] == "${{ steps.baseline.outputs.report }}"
    assert 'GATE_ARGS="${BASELINE:+--baseline $BASELINE}"' in gate["run"]


@pytest.mark.parametrize("source", ["STACK=prod", "PLAN=p.json", "MANIFESTS=m"])
def test_make_gate_passes_gate_args_in_every_branch(source: str) -> None:
    dry = subprocess.run(
        ["make", "-n", "gate", source, "GATE_ARGS=--baseline b/report.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    gate_lines = [line for line in dry.stdout.splitlines() if re.search(r"python -m policies\.gate ", line)]
    assert len(gate_lines) == 1 and gate_lines[0].endswith(" --baseline b/report.json"), dry.stdout
