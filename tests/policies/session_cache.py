"""Results that several test modules need, computed once per pytest session and shared by its xdist workers.

Under `pytest -n 2` each worker imports the modules whose tests it is sent and builds their module fixtures
itself, so an expensive input (a stack's offline plan: the Pulumi program under mocks, 5-15 s; a stack's first
preview gated on both engines) was made once per module and worker. Here the first worker that needs one computes
it while holding a file lock in the session's shared temporary directory and stores it there; every other caller
waits for that lock and reads the stored bytes. The store lives in the session's own temporary directory (a new
one for every session), so nothing computed by an earlier session or another checkout is ever read.

The pattern is pytest-xdist's documented one for session fixtures shared between workers ("Making session-scoped
fixtures execute only once").
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


class SessionCache:
    """Bytes by key, computed by the first caller in the session; `directory` is shared by all its workers."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.computed: list[str] = []  # keys this process computed itself (the tests of this module read it)

    @classmethod
    def for_session(cls, factory: pytest.TempPathFactory) -> SessionCache:
        # An xdist worker's base temp is <session dir>/popen-gwN: the session directory above it is the one the
        # workers share. Without xdist the session's own base temp is that directory.
        base = factory.getbasetemp()
        shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
        return cls(shared / "session-cache")

    def get(self, key: str, compute: Callable[[], bytes]) -> bytes:
        value = self._get(key, compute, wait=True)
        assert value is not None
        return value

    def get_if_free(self, key: str, compute: Callable[[], bytes]) -> bytes | None:
        """Like get, but None at once while another process is computing the key (so the caller can do other work)."""
        return self._get(key, compute, wait=False)

    def _get(self, key: str, compute: Callable[[], bytes], *, wait: bool) -> bytes | None:
        stem = hashlib.sha256(key.encode()).hexdigest()[:32]
        stored = self.directory / f"{stem}.bin"
        with (self.directory / f"{stem}.lock").open("a") as lock:
            try:
                # Released when the file closes, also if compute() raises.
                fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            try:
                if stored.is_file():
                    return stored.read_bytes()
                value = compute()
                partial = stored.with_suffix(".partial")
                partial.write_bytes(value)
                partial.replace(stored)  # a reader never sees half a file
                self.computed.append(key)
                return value
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


class OfflinePlans:
    """The project's stacks' offline plans, `plan_document(*run_program(stack, REPO_ROOT))`, made once per session.

    The program runs once per stack for the whole session (not once per module and xdist worker); every call
    returns a new document, so a test that edits its copy changes nothing another test reads.
    """

    def __init__(self, cache: SessionCache) -> None:
        self.cache = cache

    def document(self, stack: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.cache.get(f"offline-plan:{stack}", lambda: _plan_json(stack)))
        return document


def _plan_json(stack: str) -> bytes:
    from infra.offline.plan import plan_document, run_program  # noqa: PLC0415 (pulumi: only where a plan is made)

    recorded, config = run_program(stack, REPO_ROOT)
    # Plain json.dumps keeps the document's key order: json.loads gives back the dict plan_document built.
    return json.dumps(plan_document(recorded, config)).encode()
