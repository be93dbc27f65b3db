from __future__ import annotations

from pathlib import Path

import pytest
from gate_support import GateRunner


@pytest.fixture
def gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> GateRunner:
    """Run the gate CLI in-process; defaults to the tiny test packs, an empty waiver file and regorus."""
    return GateRunner(tmp_path, capsys)
