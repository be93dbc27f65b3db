"""The repository's own files checkov scans in every gate run: workspace members' Dockerfiles and the workflows.

Members come from pyproject.toml's `[tool.uv.workspace]` (never a hard-coded list), so a new job image is
scanned as soon as it joins the workspace.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from policies.gate.checkov.settings import CheckovSettings


class WorkspaceError(ValueError):
    """pyproject.toml's workspace table cannot be read: names the file and the key."""


def workspace_members(repo_root: Path) -> list[Path]:
    """Member directories (globs expanded as uv does); none when the project is not a workspace."""
    pyproject = repo_root / "pyproject.toml"
    if not pyproject.is_file():
        return []
    try:
        data: dict[str, Any] = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise WorkspaceError(f"{pyproject}: not valid TOML: {error}") from error
    members = data.get("tool", {}).get("uv", {}).get("workspace", {}).get("members", [])
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise WorkspaceError(f"{pyproject}: tool.uv.workspace.members must be a list of paths or globs")
    found: list[Path] = []
    for pattern in members:
        found += [path for path in sorted(repo_root.glob(pattern)) if path.is_dir()]
    return found


def dockerfiles(repo_root: Path, settings: CheckovSettings) -> list[Path]:
    """Each workspace member's Dockerfile that exists."""
    candidates = (member / settings.dockerfile_name for member in workspace_members(repo_root))
    return [path for path in candidates if path.is_file()]


def workflows(repo_root: Path, settings: CheckovSettings) -> list[Path]:
    found = {path for pattern in settings.workflow_globs for path in repo_root.glob(pattern)}
    return sorted(path for path in found if path.is_file())
