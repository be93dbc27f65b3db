"""The adversarial corpus (tests/policies/adversarial/): every evasion case blocks or is refused, on both engines."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_support import REAL_PACKS, REPO_ROOT, GateRunner

ADVERSARIAL = REPO_ROOT / "tests" / "policies" / "adversarial"
ENGINES = ("regorus", "regopy")
SIDECAR = ".expected.yaml"


@dataclass(frozen=True)
class Case:
    family: str
    name: str
    input: Path
    expected: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.family}/{self.name}"


def _input_of(sidecar: Path) -> Path:
    stem = sidecar.name.removesuffix(SIDECAR)
    candidates = [sidecar.with_name(stem + suffix) for suffix in (".json", ".yaml")] + [sidecar.with_name(stem)]
    found = [path for path in candidates if path.exists() or path.is_symlink()]
    if len(found) != 1:
        raise AssertionError(f"{sidecar}: expected exactly one input named {stem}.json, {stem}.yaml or {stem}/")
    return found[0]


def _cases() -> list[Case]:
    cases: list[Case] = []
    for sidecar in sorted(ADVERSARIAL.rglob(f"*{SIDECAR}")):
        expected = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
        family = sidecar.relative_to(ADVERSARIAL).parts[0]
        cases.append(Case(family, sidecar.name.removesuffix(SIDECAR), _input_of(sidecar), expected))
    return cases


CASES = _cases()
PARAMS = [
    pytest.param(case, engine, id=f"{case.id}[{engine}]")
    for case in CASES
    for engine in case.expected.get("engines", ENGINES)
]


def test_every_case_states_a_refusal_and_why() -> None:
    assert CASES, "the adversarial corpus is empty"
    for case in CASES:
        assert case.expected.get("exit") in (1, 2), f"{case.id}: `exit` must be 1 or 2"
        assert case.expected.get("why"), f"{case.id}: say what the case evades (`why`)"
        if case.expected["exit"] == 1:
            assert case.expected.get("policy_ids"), f"{case.id}: an exit-1 case names the policy ids that must block"


@pytest.mark.parametrize(("case", "engine"), PARAMS)
def test_adversarial_case_blocks_or_is_refused(case: Case, engine: str, gate: GateRunner, tmp_path: Path) -> None:
    expected = case.expected
    args = [str(arg) for arg in expected.get("args", [])]
    waivers = case.input.parent / expected["waivers"] if expected.get("waivers") else None
    if case.input.suffix == ".json":
        run = gate(*args, plan=case.input, packs=REAL_PACKS, waivers=waivers, engine=engine)
    elif case.input.suffix == ".yaml":
        # A single YAML case is gated alone: copy it into a directory of its own.
        directory = tmp_path / "manifests"
        directory.mkdir()
        shutil.copy(case.input, directory / case.input.name)
        run = gate(*args, manifests=directory, packs=REAL_PACKS, waivers=waivers, engine=engine)
    else:
        run = gate(*args, manifests=case.input, packs=REAL_PACKS, waivers=waivers, engine=engine)
    assert run.exit_code == expected["exit"], (
        f"{case.id} on {engine}: exit {run.exit_code}, expected {expected['exit']} ({expected['why']})\n"
        f"stdout: {run.stdout[-2000:]}\nstderr: {run.stderr[-2000:]}"
    )
    if expected["exit"] == 2:
        assert "Traceback" not in run.stderr, f"{case.id}: bad input must be one clear line, not a traceback"
        return
    blocking = run.policy_ids(blocking=True)
    missing = set(expected["policy_ids"]) - blocking
    assert not missing, f"{case.id} on {engine}: {sorted(missing)} not among the blocking findings {sorted(blocking)}"
