"""The confused-deputy exemptions are one list (policies/packs/aws/trust.data.yaml) read by the rule and the program."""

from __future__ import annotations

import dataclasses
import json

import pytest

from infra.components.access.iam import CONFUSED_DEPUTY_EXEMPT, service_trust_policy
from policies.engines import Pack, get_engine

ENGINES = ("regorus", "regopy")


def _role(trust: str) -> dict[str, object]:
    return {
        "__type": "aws:iam/role:Role",
        "__urn": "urn:pulumi:prod::ai-platform::aws:iam/role:Role::node",
        "__name": "node",
        "assumeRolePolicy": trust,
    }


def test_the_program_and_the_rule_read_the_same_exemptions(packs: dict[str, Pack]) -> None:
    assert frozenset(packs["aws"].data["aws_trust"]["confusedDeputyExempt"]) == CONFUSED_DEPUTY_EXEMPT


@pytest.mark.parametrize("engine_name", ENGINES)
def test_every_exempt_service_trust_the_program_writes_passes_the_rule(
    packs: dict[str, Pack], engine_name: str
) -> None:
    compiled = get_engine(engine_name).compile(packs["aws"])
    for service in sorted(CONFUSED_DEPUTY_EXEMPT):
        # The program writes no condition for an exempt service (it sends no source keys).
        trust = service_trust_policy(service)
        assert "Condition" not in json.loads(trust)["Statement"][0]
        assert compiled.evaluate(_role(trust))["deny_service_trust_confused_deputy"] == []


@pytest.mark.parametrize("engine_name", ENGINES)
def test_without_its_data_the_rule_exempts_nothing(packs: dict[str, Pack], engine_name: str) -> None:
    trust = service_trust_policy("ec2.amazonaws.com")
    compiled = get_engine(engine_name).compile(dataclasses.replace(packs["aws"], data={}))
    assert compiled.evaluate(_role(trust))["deny_service_trust_confused_deputy"] != []
