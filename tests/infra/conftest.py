from __future__ import annotations

from pathlib import Path

import pytest

from infra.offline.plan import plan_document, run_program
from tests.infra.plan_view import PlanView

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("dev", "staging", "prod")


@pytest.fixture(scope="session")
def plans() -> dict[str, PlanView]:
    views = {}
    for stack in STACKS:
        recorded, config = run_program(stack, ROOT)
        views[stack] = PlanView(plan_document(recorded, config))
    return views


@pytest.fixture(params=STACKS)
def plan(request: pytest.FixtureRequest, plans: dict[str, PlanView]) -> PlanView:
    return plans[request.param]
