"""`ai-platform plan` (make plan) writes the rule files next to the plan: build/<stack>/rules/<region>/<group>.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from infra.components.monitoring.alerts import rule_groups
from infra.offline.cli import main
from tests.monitoring.conftest import ROOT, stack_config


@pytest.mark.slow  # runs the dev program under mocks
def test_plan_writes_every_regions_rule_groups(tmp_path: Path) -> None:
    stale = tmp_path / "rules" / "eu-west-1" / "ai-platform.model.removed.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("groups: []\n")
    assert main(["plan", "--stack", "dev", "--out", str(tmp_path), "--root", str(ROOT)]) == 0
    config = stack_config("dev")
    for region in config.regions:
        expected = rule_groups(config, stack="dev", region=region.name)
        written = sorted((tmp_path / "rules" / region.name).glob("*.yaml"))
        assert [p.name for p in written] == sorted(f"{g['name']}.yaml" for g in expected)
        for group in expected:
            path = tmp_path / "rules" / region.name / f"{group['name']}.yaml"
            assert yaml.safe_load(path.read_text()) == {"groups": [group]}
    assert not stale.exists()
