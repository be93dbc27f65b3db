"""The storage pack reads what the program writes: the profile ConfigMap's name and key, prod's environment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tests.infra.plan_view import PlanView

PACK_DATA = Path(__file__).resolve().parents[2] / "policies" / "packs" / "storage" / "storage.data.yaml"


def _pack_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PACK_DATA.read_text(encoding="utf-8"))["storage_pack"]
    return data


def test_the_pack_finds_the_platform_profile_the_program_writes(plans: dict[str, PlanView]) -> None:
    profile = _pack_data()["profile"]
    for stack, plan in plans.items():
        maps = [c for c in plan.k8s_objects("ConfigMap") if c.inputs["metadata"]["name"] == profile["configMap"]]
        assert maps, stack
        for config_map in maps:
            document = json.loads(config_map.inputs["data"][profile["key"]])
            assert (document["environment"] == _pack_data()["prodEnvironment"]) == (stack == "prod")
