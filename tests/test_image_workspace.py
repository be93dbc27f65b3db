"""Each image builds from the uv workspace lock: `uv sync --frozen` refuses a workspace whose members'
manifests are missing, so every Dockerfile copies every member's pyproject.toml before its first sync."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILES = sorted(ROOT.glob("*/Dockerfile"))


def _members() -> list[str]:
    workspace = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["uv"]["workspace"]
    return list(workspace["members"])


def test_every_image_of_the_workspace_is_checked() -> None:
    assert {p.parent.name for p in DOCKERFILES} == set(_members())


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_every_member_manifest_is_copied_before_the_first_sync(dockerfile: Path) -> None:
    lines = [line.strip() for line in dockerfile.read_text(encoding="utf-8").splitlines()]
    first_sync = next(i for i, line in enumerate(lines) if line.startswith("RUN uv sync"))
    copied = " ".join(line for line in lines[:first_sync] if line.startswith("COPY "))
    for member in _members():
        assert f"{member}/pyproject.toml" in copied, f"{dockerfile}: {member}/pyproject.toml not copied before uv sync"
