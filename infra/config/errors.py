"""Configuration problems that name the key path, the value and what is allowed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

NAMESPACE = "ai-platform"
# The key path of a problem with the whole file (unreadable, YAML syntax, over the bounds).
FILE_PROBLEM = "(file)"


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with the stack config, located by its key path."""

    path: str
    value: Any
    message: str
    file: str | None = None
    line: int | None = None

    def render(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        return f"{where}{self.describe()}"

    def describe(self) -> str:
        """The problem without its place: key path, what is wrong and the value found."""
        return f"{self.path}: {self.message} (got {_short(self.value)})"


class ConfigError(Exception):
    """Raised before any resource is declared when the stack config is invalid."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        body = "\n".join(f"  - {p.render()}" for p in problems)
        super().__init__(f"invalid stack configuration ({len(problems)} {noun}):\n{body}")


def _short(value: Any) -> str:
    if value is _MISSING:
        return "nothing"
    try:
        text = json.dumps(value, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
MISSING: Any = _MISSING


def key_path(parts: tuple[str | int, ...]) -> str:
    """`("nodePools", "gpu", "maxSize")` -> `ai-platform:nodePools.gpu.maxSize`; list indexes in brackets."""
    if not parts:
        return f"{NAMESPACE}:"
    head, *rest = parts
    text = f"{NAMESPACE}:{head}"
    for part in rest:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
