"""The supported Python versions are declared once (pyproject.toml requires-python) and CI tests each of them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = ("drift_jobs", "storage_jobs")


def _requires_python(pyproject: Path) -> str:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    value: str = data["project"]["requires-python"]
    return value


def supported_minors() -> list[str]:
    spec = SpecifierSet(_requires_python(ROOT / "pyproject.toml"))
    return [f"3.{minor}" for minor in range(8, 30) if spec.contains(f"3.{minor}.0")]


def test_the_range_is_bounded_and_starts_at_3_11() -> None:
    # An open range would claim versions nobody has run; 3.11 is the floor of ruff's and mypy's target.
    minors = supported_minors()
    assert minors[0] == "3.11"
    assert len(minors) < 10, "requires-python needs an upper bound: the versions CI tests"


def test_workspace_members_declare_the_same_range() -> None:
    root = _requires_python(ROOT / "pyproject.toml")
    assert {member: _requires_python(ROOT / member / "pyproject.toml") for member in MEMBERS} == dict.fromkeys(
        MEMBERS, root
    )


def test_the_lock_was_resolved_for_that_range() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    assert SpecifierSet(lock["requires-python"]) == SpecifierSet(_requires_python(ROOT / "pyproject.toml"))


def test_ci_tests_every_supported_version() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["python"] == supported_minors()
    setup = next(step for step in job["steps"] if step.get("uses") == "./.github/actions/setup")
    assert setup["with"]["python"] == "${{ matrix.python }}"
