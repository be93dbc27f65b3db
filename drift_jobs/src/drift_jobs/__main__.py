"""`drift-job` (the image's entrypoint) and `python -m drift_jobs`: the CLI, started and ended lean.

The cyclic garbage collector is off while the job's modules load: pydantic, numpy and pyarrow create hundreds of
thousands of objects at import, none of them garbage, and collecting them took 30-50 ms of a 1 s run. What the
imports created is then frozen out of later collections (`gc.freeze`) and collection resumes for the run itself.
The end is `drift_jobs.cli.entry`: flush, then exit without tearing the interpreter down.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from types import ModuleType
from typing import NoReturn


def load_cli() -> ModuleType:
    """Import the CLI with the collector paused, then freeze what the imports created and resume collecting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from drift_jobs import cli  # noqa: PLC0415 - the point: imported with the collector paused
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    return cli


def main() -> NoReturn:
    entry: Callable[[], NoReturn] = load_cli().entry
    entry()


if __name__ == "__main__":  # pragma: no cover
    main()
