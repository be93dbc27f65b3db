"""Run one component alone under the offline mock engine and return what it registered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi

from infra.offline.recorder import RecordedResource, install

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "ai-platform"


def record(stack: str, declare: Callable[[], object]) -> list[RecordedResource]:
    monitor = install(PROJECT, stack, ROOT)

    def program() -> None:
        declare()

    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
    return monitor.recorded
