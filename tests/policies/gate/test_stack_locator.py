"""The stack-line resolver (policies/gate/locations.py): which line of the stack file a finding points at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policies.gate.findings import Location
from policies.gate.locations import StackFileLocator
from policies.gate.subject import CloudResource

STACK = """\
config:
  ai-platform:environment: prod
  ai-platform:cluster:
    endpoint:
      publicAccess: true
  ai-platform:nodePools:
    gpu:
      accelerator: nvidia
    gpu-large:
      accelerator: nvidia
      maxSize: 8
  ai-platform:teams:
    - name: ml-research
      quota: {gpus: 4}
    - name: risk
"""
CODE = Location("infra/components/example.py", 42)


def _line(text: str) -> int:
    return STACK.splitlines().index(text) + 1


def _resource(type_: str, name: str, inputs: dict[str, Any] | None = None) -> CloudResource:
    return CloudResource(
        urn=f"urn:pulumi:prod::ai-platform::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        inputs=inputs or {},
        parent=None,
        provider=None,
        dependencies=(),
        property_dependencies={},
        protect=False,
        pointer="/steps/0",
        source_position=CODE,
    )


@pytest.fixture
def locator(tmp_path: Path) -> StackFileLocator:
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(STACK, encoding="utf-8")
    return StackFileLocator(path, "stacks/Pulumi.prod.yaml")


NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
NAMESPACE = "kubernetes:core/v1:Namespace"


def test_the_written_key_of_the_resources_own_entry(locator: StackFileLocator) -> None:
    pool = _resource(NODE_GROUP, "prod-eu-west-1-gpu-large")  # names `gpu` too: the longer entry name wins
    assert locator.locate(pool, ("nodePools.*.maxSize",)) == Location(
        "stacks/Pulumi.prod.yaml", _line("      maxSize: 8")
    )


def test_a_key_left_to_its_default_points_at_the_nearest_written_ancestor(locator: StackFileLocator) -> None:
    pool = _resource(NODE_GROUP, "prod-eu-west-1-gpu")
    assert locator.stack_line(pool, ("nodePools.*.maxSize",)) == _line("    gpu:")


def test_a_written_key_beats_a_deeper_default_and_the_deepest_written_key_wins(locator: StackFileLocator) -> None:
    namespace = _resource(NAMESPACE, "ml-research", {"metadata": {"name": "ml-research"}})
    keys = ("teams.*.quota.gpus", "cluster.endpoint.publicAccess")
    assert locator.stack_line(namespace, keys) == _line("      quota: {gpus: 4}")  # gpus sits on the quota line
    risk = _resource(NAMESPACE, "risk", {"metadata": {"name": "risk"}})
    assert locator.stack_line(risk, keys) == _line("      publicAccess: true")
    # risk's quota is a default: the written `cluster.endpoint` wins over the team entry, as deep as it.
    assert locator.stack_line(risk, ("teams.*.quota.gpus", "cluster.endpoint")) == _line("    endpoint:")


def test_a_rule_without_keys_points_at_the_entry_of_the_resources_type(locator: StackFileLocator) -> None:
    namespace = _resource(NAMESPACE, "team-ns", {"metadata": {"name": "risk"}})
    assert locator.stack_line(namespace) == _line("    - name: risk")


def test_a_resource_of_no_entry_keeps_its_code_location(locator: StackFileLocator) -> None:
    # `kubernetes:*` objects belong to a team's entry or to none: a cert-manager object is no team's.
    issuer = _resource("kubernetes:cert-manager.io/v1:ClusterIssuer", "platform-ca", {"metadata": {"name": "ca"}})
    assert locator.stack_line(issuer) is None
    assert locator.locate(issuer) == CODE
    assert locator.locate(_resource("random:index/randomPassword:RandomPassword", "grafana")) == CODE
