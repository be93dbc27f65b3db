"""Checks on the output directory and the waiver file, made before any input is evaluated.

An unusable `--out` or a `--waivers` that is not a file is found in milliseconds with one clear line and
exit 2, instead of after the whole evaluation (when the verdict would be lost).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

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
