"""Checks on the output directory, the waiver file and the engine, made before any input is evaluated.

An unusable `--out`, a `--waivers` that is not a file or an `OPA_URL` that is not a reachable URL is found
before the evaluation with one clear line and exit 2, instead of after it (when the verdict would be lost) or
as engine-error findings (exit 1, which reads as a policy violation).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from policies.engines.base import OPA_URL_VARIABLE
from policies.engines.registry import engine_name
from policies.gate.errors import GateInputError


def check_out_dir(out: Path, report_names: tuple[str, ...]) -> None:
    """`--out` is (or can be created as) a writable directory in which every report name is free for a file."""
    if out.exists() and not out.is_dir():
        raise GateInputError(out, "--out is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        # Permissions alone do not tell (root, read-only mounts, ACLs): create and remove a real file.
        with tempfile.NamedTemporaryFile(dir=out, prefix=".gate-write-check-"):
            pass
    except OSError as error:
        raise GateInputError(out, f"--out is not a writable directory: {error.strerror or error}") from None
    for name in report_names:
        target = out / name
        if target.exists() and not target.is_file():
            raise GateInputError(target, "--out already holds this report name as something other than a file")


def check_waivers_file(waivers: Path | None) -> None:
    """An explicit `--waivers` must be an existing regular file."""
    if waivers is None:
        return
    if not waivers.exists():
        raise GateInputError(waivers, "waiver file does not exist")
    if not waivers.is_file():
        raise GateInputError(waivers, "--waivers is not a regular file (a directory?)")


def check_engine(name: str | None) -> None:
    """The remote OPA engine, when it is the one chosen, has a valid `OPA_URL` and answers on it.

    A reachable server that then fails a query is still an engine-error finding: that is the engine failing,
    not the gate's configuration.
    """
    if engine_name(name) != "opa":
        return
    # Imported on demand, as the registry does: opa-python-client's import is slow and embedded runs skip it.
    from policies.engines.opa_engine import EXAMPLE_URL, OpaEngine, url_problem  # noqa: PLC0415

    url = os.environ.get(OPA_URL_VARIABLE, "")
    if not url:
        raise GateInputError(OPA_URL_VARIABLE, f"not set; --engine opa needs the server's URL (e.g. {EXAMPLE_URL})")
    where = f"{OPA_URL_VARIABLE}={url}"
    problem = url_problem(url) or OpaEngine(url).unreachable()
    if problem:
        raise GateInputError(where, problem)
