"""The one exception every engine failure becomes, so the gate can report it instead of passing."""

from __future__ import annotations


class EngineError(Exception):
    """A pack could not be loaded, compiled or evaluated.

    The message always names the pack and, where known, the rule or file, because an engine
    failure must surface as an error finding and never as a silent pass.
    """

    def __init__(self, message: str, *, pack: str | None = None, where: str | None = None) -> None:
        self.pack = pack
        self.where = where
        prefix = ""
        if pack:
            prefix += f"pack {pack!r}"
        if where:
            prefix += f"{', ' if prefix else ''}{where}"
        super().__init__(f"{prefix}: {message}" if prefix else message)
