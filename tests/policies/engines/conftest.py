from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policies.engines import Pack, load_pack

MANIFEST = "runtime: opa\nversion: 0.0.1\n"
HEADER = "package probe\n\nimport rego.v1\n\n"
METADATA = """# METADATA
# title: Probe rule
# description: A rule written for a test.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6]
#   message: Fix the probe.
"""

PackFactory = Callable[..., Pack]


@pytest.fixture
def make_pack(tmp_path: Path) -> PackFactory:
    """Write a one-module pack; `rules` is Rego placed after the package header."""

    def make(rules: str, *, manifest: str = MANIFEST, tests: str | None = None, name: str = "probe") -> Pack:
        directory = tmp_path / name
        directory.mkdir()
        (directory / "PulumiPolicy.yaml").write_text(manifest)
        (directory / "probe.rego").write_text(HEADER + rules)
        if tests is not None:
            (directory / "probe_test.rego").write_text(HEADER + tests)
        return load_pack(directory)

    return make


def rule(name: str, body: str) -> str:
    """A decision rule with valid METADATA."""
    return f"{METADATA}{name} contains msg if {{\n{body}\n}}\n\n"
