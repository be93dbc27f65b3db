"""`make plan` (infra/offline) writes build/<stack>/alertmanager.yaml next to plan.json: the generated config."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.components.monitoring.alertmanager import render
from infra.offline.plan import write_plan
from tests.monitoring.alertmanager_support import ROOT, stack_config


@pytest.mark.slow
def test_the_plan_writes_the_stacks_alertmanager_config(tmp_path: Path) -> None:
    write_plan("dev", ROOT, tmp_path)
    assert (tmp_path / "alertmanager.yaml").read_text() == render(stack_config("dev"), stack="dev")
