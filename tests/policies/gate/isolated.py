"""Runs the plan writer and the gate in a fresh process per call.

The Pulumi mock engine and the embedded Rego engines keep memory between runs in one process (a module
fixture that wrote and gated the three stacks' first previews on both engines grew an xdist worker past
13 GiB); a child process per stack returns it all when it exits.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from infra.offline.plan import write_plan
from policies.gate.pipeline import GateOptions, GateResult, run_gate

T = TypeVar("T")
K = TypeVar("K")


def each_in_a_fresh_process(call: Callable[[K], T], keys: Iterable[K]) -> dict[K, T]:
    """`call(key)` for each key, one child process per call (spawned: no state inherited from the worker)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1) as pool:
        futures = {key: pool.submit(call, key) for key in keys}
        return {key: future.result() for key, future in futures.items()}


def gate_first_preview(
    stack: str, *, repo_root: Path, directory: Path, engines: Iterable[str], today: dt.date
) -> dict[str, GateResult]:
    """Writes the stack's first-preview plan into `directory` and gates it on each engine."""
    path, _ = write_plan(stack, repo_root, directory, first_preview=True)
    return {
        engine: run_gate(
            GateOptions(
                out=directory / engine,
                plan=path,
                engine=engine,
                waivers=repo_root / "policies" / "waivers.yaml",
                today=today,
                repo_root=repo_root,
                checkov=False,  # these tests compare the Rego engines
            )
        )
        for engine in engines
    }
