"""Errors that end a gate run with exit code 2 (bad input or usage), each naming the file at fault."""

from __future__ import annotations

from pathlib import Path


class GateInputError(Exception):
    """An input the gate cannot assess: the message names the file and, where known, the position in it.

    `where` is a line/column (`12:5`) for JSON and YAML syntax errors, or a JSON pointer (`/steps/3/newState`)
    for a plan step that does not have the preview shape.
    """

    def __init__(self, file: Path | str, message: str, *, where: str | None = None) -> None:
        self.file = str(file)
        self.where = where
        self.detail = message
        location = f"{self.file}:{where}" if where and where[0].isdigit() else self.file
        pointer = f" at {where}" if where and not where[0].isdigit() else ""
        super().__init__(f"{location}{pointer}: {message}")
