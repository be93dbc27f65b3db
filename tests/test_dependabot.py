""".github/dependabot.yml: every entry points at a directory holding what its ecosystem reads, and everything the
repository pins (actions, the uv workspace, base images, the hash-locked tools) has an entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".github" / "dependabot.yml"


def _updates() -> list[dict[str, Any]]:
    document = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert document["version"] == 2
    updates: list[dict[str, Any]] = document["updates"]
    return updates


def _directories(entry: dict[str, Any]) -> list[Path]:
    listed = entry.get("directories") or [entry["directory"]]
    return [ROOT / str(d).lstrip("/") for d in listed]


def _covered(ecosystem: str) -> set[Path]:
    return {d.resolve() for e in _updates() if e["package-ecosystem"] == ecosystem for d in _directories(e)}


def _holds(ecosystem: str, directory: Path) -> bool:
    """What each ecosystem reads in its directory."""
    if ecosystem == "github-actions":
        return any((directory / ".github" / "workflows").glob("*.yml"))
    if ecosystem == "uv":
        return (directory / "pyproject.toml").is_file() and (directory / "uv.lock").is_file()
    if ecosystem == "docker":
        return (directory / "Dockerfile").is_file()
    if ecosystem == "pip":
        inputs = list(directory.glob("*.in"))
        return bool(inputs) and all(path.with_suffix(".txt").is_file() for path in inputs)
    raise AssertionError(f"{CONFIG}: no check for ecosystem {ecosystem!r}")


ENTRIES = [(e["package-ecosystem"], d) for e in _updates() for d in _directories(e)]


@pytest.mark.parametrize(("ecosystem", "directory"), ENTRIES, ids=lambda v: str(v).replace(str(ROOT), ""))
def test_each_directory_holds_what_its_ecosystem_reads(ecosystem: str, directory: Path) -> None:
    assert directory.is_dir(), f"{CONFIG}: {ecosystem} directory {directory} does not exist"
    assert _holds(ecosystem, directory), f"{CONFIG}: {directory} holds nothing {ecosystem} updates"


@pytest.mark.parametrize("entry", _updates(), ids=lambda e: e["package-ecosystem"])
def test_each_entry_is_weekly_grouped_and_labelled(entry: dict[str, Any]) -> None:
    assert entry["schedule"]["interval"] == "weekly"
    assert entry["groups"] and all(group["patterns"] for group in entry["groups"].values())
    assert "dependencies" in entry["labels"]


def test_every_pinned_thing_in_the_repository_has_an_entry() -> None:
    dockerfiles = {p.parent.resolve() for p in ROOT.glob("*/Dockerfile")}
    assert dockerfiles and dockerfiles <= _covered("docker")
    tool_locks = {p.parent.resolve() for p in (ROOT / ".ci" / "tools").glob("*.in")}
    assert tool_locks and tool_locks <= _covered("pip")
    assert ROOT.resolve() in _covered("uv") and ROOT.resolve() in _covered("github-actions")


def test_each_ecosystem_has_one_entry() -> None:
    ecosystems = [e["package-ecosystem"] for e in _updates()]
    # Two entries of one ecosystem over one directory make Dependabot reject the whole file.
    assert sorted(ecosystems) == sorted(set(ecosystems))
