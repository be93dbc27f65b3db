"""A first `pulumi preview` of each project stack, generated values unknown, through the real gate on both engines.

Without --allow-unknown it must block with `unknown` findings only (never a silent pass, never a plain
failure), and regorus and regopy must report the same findings. With --allow-unknown only what a first
preview legitimately leaves unknown is lifted.

regopy runs on the dev stack's first preview only. Its probing of unknown values is about ten times slower than
on a known plan (prod's first preview took 12 minutes of one core for both engines, most of it regopy's), and the
three stacks' previews on both engines had become half the policy suite's time on a 2-core CI machine. What the
comparison proves (the engines agree on unknown markers, probing and the same packs) does not depend on the
stack's size; engine agreement on the full plans of all three stacks stays in
tests/policies/packs/test_rego_real_plans.py and on unknown probing in test_gate_engines_agree.py.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import pickle
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from gate_support import REPO_ROOT
from isolated import each_in_a_fresh_process, gate_first_preview
from session_cache import SessionCache

from policies.gate.findings import Finding
from policies.gate.pipeline import GateResult
from policies.gate.unknowns import UNKNOWN
from policies.gate.verdict import decide

pytestmark = pytest.mark.slow

STACKS = ("dev", "staging", "prod")
ENGINES = ("regorus", "regopy")
# The engines each stack's first preview is gated on (see the module docstring).
ENGINES_BY_STACK: dict[str, tuple[str, ...]] = {"dev": ENGINES, "staging": ("regorus",), "prod": ("regorus",)}
STACK_ENGINES = [(stack, engine) for stack in STACKS for engine in ENGINES_BY_STACK[stack]]
COMPARED_STACKS = [stack for stack in STACKS if len(ENGINES_BY_STACK[stack]) == len(ENGINES)]
TODAY = dt.date(2026, 11, 20)
# Inputs a rule must read whole before apply: the program builds these documents from names, aliases
# and the account id (known in a first preview), never from generated ARNs.
DOCUMENT_INPUTS = {
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
}


class Previews:
    """`previews[stack, engine]`: the stack's first preview gated on the engine, one fresh process per stack.

    Each stack is written and gated once per session, by the first xdist worker that reads it (session_cache.py);
    the others read the pickled results, as a worker before read them from its own child process.
    """

    def __init__(self, cache: SessionCache, factory: pytest.TempPathFactory) -> None:
        self.cache = cache
        self.factory = factory
        self.by_stack: dict[str, dict[str, GateResult]] = {}

    def __getitem__(self, key: tuple[str, str]) -> GateResult:
        stack, engine = key
        if stack not in self.by_stack:
            self._load(stack)
        return self.by_stack[stack][engine]

    def _load(self, stack: str) -> None:
        # While another worker gates this stack, gate the stacks nobody has started: the two workers split the
        # stacks between them instead of one waiting idle for the other.
        for other in (stack, *(s for s in STACKS if s != stack)):
            if other not in self.by_stack:
                stored = self.cache.get_if_free(self._key(other), functools.partial(self._gate, other))
                if stored is not None:
                    self.by_stack[other] = pickle.loads(stored)
            if stack in self.by_stack:
                return
        self.by_stack[stack] = pickle.loads(self.cache.get(self._key(stack), functools.partial(self._gate, stack)))

    @staticmethod
    def _key(stack: str) -> str:
        return f"first-preview-gate:{stack}:{','.join(ENGINES_BY_STACK[stack])}:{TODAY}"

    def _gate(self, stack: str) -> bytes:
        gate = functools.partial(_gate_stack, directory=self.factory.mktemp(f"preview-{stack}"))
        return pickle.dumps(each_in_a_fresh_process(gate, [stack])[stack])


@pytest.fixture(scope="module")
def previews(session_cache: SessionCache, tmp_path_factory: pytest.TempPathFactory) -> Previews:
    return Previews(session_cache, tmp_path_factory)


def _gate_stack(stack: str, *, directory: Path) -> dict[str, GateResult]:
    engines = ENGINES_BY_STACK[stack]
    return gate_first_preview(stack, repo_root=REPO_ROOT, directory=directory, engines=engines, today=TODAY)


def _key(finding: Finding) -> tuple[Any, ...]:
    return (
        finding.policy_id,
        finding.resource.key if finding.resource else "",
        finding.status,
        finding.legitimately_unknown,
        finding.message,
    )


def _blocking(result: GateResult, *, allow_unknown: bool) -> list[Finding]:
    return decide(result.findings, result.rules.values(), result.verdict.fail_on, allow_unknown=allow_unknown).blocking


@pytest.mark.parametrize("stack", COMPARED_STACKS)
def test_engines_report_the_same_findings_on_a_first_preview(previews: Previews, stack: str) -> None:
    regorus, regopy = (sorted(map(_key, previews[stack, e].findings)) for e in ENGINES)
    assert regorus == regopy


@pytest.mark.parametrize(("stack", "engine"), STACK_ENGINES)
def test_a_first_preview_blocks_as_unknown_without_allow_unknown(previews: Previews, stack: str, engine: str) -> None:
    result = previews[stack, engine]
    assert result.verdict.exit_code == 1 and result.verdict.verdict == "unknown"
    assert {f.status for f in _blocking(result, allow_unknown=False)} == {"unknown"}


@pytest.mark.parametrize(("stack", "engine"), STACK_ENGINES)
def test_allow_unknown_lifts_only_legitimately_unknown_findings(previews: Previews, stack: str, engine: str) -> None:
    result = previews[stack, engine]
    lifted = [f for f in _blocking(result, allow_unknown=False) if f not in _blocking(result, allow_unknown=True)]
    assert lifted and all(f.legitimately_unknown for f in lifted)


@pytest.mark.parametrize("stack", STACKS)
def test_a_compliant_first_preview_passes_with_allow_unknown(previews: Previews, stack: str) -> None:
    for engine in ENGINES_BY_STACK[stack]:
        assert _blocking(previews[stack, engine], allow_unknown=True) == []


@pytest.mark.parametrize("stack", STACKS)
def test_iam_documents_are_readable_in_a_first_preview(previews: Previews, stack: str) -> None:
    unreadable = [
        resource.urn
        for resource in previews[stack, "regorus"].subject.resources
        if resource.type in DOCUMENT_INPUTS and resource.inputs.get(DOCUMENT_INPUTS[resource.type]) == UNKNOWN
    ]
    assert unreadable == []


def test_a_worker_that_finds_a_stack_being_gated_gates_the_stacks_nobody_started(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gated: list[str] = []

    def gate(self: Previews, stack: str) -> bytes:
        gated.append(stack)
        return pickle.dumps(dict.fromkeys(ENGINES_BY_STACK[stack], f"{stack} by this worker"))

    monkeypatch.setattr(Previews, "_gate", gate)
    previews = Previews(SessionCache(tmp_path), tmp_path_factory)
    # The other worker is gating dev: it holds dev's lock until this worker has gated the other two stacks.
    stem = hashlib.sha256(Previews._key("dev").encode()).hexdigest()[:32]
    other_worker = (tmp_path / f"{stem}.lock").open("a")
    fcntl.flock(other_worker, fcntl.LOCK_EX)

    def finish_dev() -> None:
        deadline = time.monotonic() + 30
        while len(gated) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        (tmp_path / f"{stem}.bin").write_bytes(pickle.dumps(dict.fromkeys(ENGINES, "dev by the other worker")))
        other_worker.close()  # releases the lock

    finisher = threading.Thread(target=finish_dev)
    finisher.start()
    try:
        assert previews["dev", "regorus"] == "dev by the other worker"
    finally:
        finisher.join()
    assert gated == ["staging", "prod"]
    assert previews["prod", "regorus"] == "prod by this worker"
