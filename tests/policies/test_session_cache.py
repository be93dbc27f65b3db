"""The session cache (session_cache.py) that lets xdist workers share the expensive inputs of the policy tests."""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest
import session_cache
from session_cache import REPO_ROOT, OfflinePlans, SessionCache


def _compute_once_in_a_worker(directory: str, log: str) -> bytes:
    """What an xdist worker does: ask for a key that the other worker asks for at the same time."""
    arrivals = Path(log).parent
    (arrivals / f"arrived-{os.getpid()}").touch()

    def compute() -> bytes:
        with Path(log).open("a", encoding="utf-8") as handle:
            handle.write("computed\n")
        # Finish only once the other process has asked too: without the lock it would compute as well.
        deadline = time.monotonic() + 30
        while len(list(arrivals.glob("arrived-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        return b"value"

    return SessionCache(Path(directory)).get("key", compute)


def test_two_processes_asking_for_one_key_compute_it_once(tmp_path: Path) -> None:
    log = tmp_path / "log"
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        values = pool.starmap(_compute_once_in_a_worker, [(str(tmp_path / "cache"), str(log))] * 2)
    assert values == [b"value", b"value"]
    assert log.read_text(encoding="utf-8").splitlines() == ["computed"]


def test_a_stored_value_is_read_back_and_other_keys_are_computed(tmp_path: Path) -> None:
    calls: list[str] = []

    def compute(value: str) -> bytes:
        calls.append(value)
        return value.encode()

    cache = SessionCache(tmp_path)
    assert cache.get("a", lambda: compute("1")) == b"1"
    assert SessionCache(tmp_path).get("a", lambda: compute("2")) == b"1"  # another worker's view of the directory
    assert cache.get("b", lambda: compute("3")) == b"3"
    assert calls == ["1", "3"]
    assert cache.computed == ["a", "b"]


def test_a_key_another_process_is_computing_is_none_without_waiting_and_a_free_one_is_computed(tmp_path: Path) -> None:
    cache = SessionCache(tmp_path)
    stem = hashlib.sha256(b"busy").hexdigest()[:32]
    with (tmp_path / f"{stem}.lock").open("a") as held:  # another open file: as another process's lock
        fcntl.flock(held, fcntl.LOCK_EX)
        assert cache.get_if_free("busy", lambda: b"computed") is None
        assert cache.get_if_free("free", lambda: b"computed") == b"computed"
    assert cache.get_if_free("busy", lambda: b"computed") == b"computed"
    assert cache.computed == ["free", "busy"]


def test_a_failed_computation_stores_nothing_and_the_next_caller_computes_again(tmp_path: Path) -> None:
    cache = SessionCache(tmp_path)

    def fail() -> bytes:
        raise RuntimeError("program failed")

    with pytest.raises(RuntimeError, match="program failed"):
        cache.get("a", fail)
    assert cache.get("a", lambda: b"ok") == b"ok"


def test_xdist_workers_share_the_session_directory_and_a_plain_session_uses_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Factory:
        def getbasetemp(self) -> Path:
            return tmp_path / "pytest-7" / "popen-gw1"

    factory: Any = Factory()
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert SessionCache.for_session(factory).directory == tmp_path / "pytest-7" / "session-cache"
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert SessionCache.for_session(factory).directory == tmp_path / "pytest-7" / "popen-gw1" / "session-cache"


def test_each_offline_plan_document_is_a_copy_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []

    def plan_json(stack: str) -> bytes:
        runs.append(stack)
        return b'{"config": {}, "steps": [{"urn": "a"}]}'

    monkeypatch.setattr(session_cache, "_plan_json", plan_json)
    plans = OfflinePlans(SessionCache(tmp_path))
    first, second = plans.document("dev"), plans.document("dev")
    first["steps"].clear()
    assert second == {"config": {}, "steps": [{"urn": "a"}]}
    assert runs == ["dev"]


@pytest.mark.slow
def test_an_offline_plan_is_what_the_program_and_plan_document_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The smallest stack, its program run once: the stored JSON must give back exactly (values and key order) the
    # document the tests built themselves before.
    from infra.offline import plan  # noqa: PLC0415 (spawned processes above skip pulumi)

    result = plan.run_program("dev", REPO_ROOT)
    asked: list[tuple[str, Path]] = []

    def run_program(stack: str, root: Path) -> Any:
        asked.append((stack, root))
        return result

    monkeypatch.setattr(plan, "run_program", run_program)
    document = OfflinePlans(SessionCache(tmp_path)).document("dev")
    assert asked == [("dev", REPO_ROOT)]
    assert json.dumps(document) == json.dumps(plan.plan_document(*result))
    assert document == plan.plan_document(*result)
