"""Pick an engine by name: the embedded one by default, the remote OPA when `OPA_URL` is set."""

from __future__ import annotations

import os

from policies.engines.base import OPA_URL_VARIABLE, Engine
from policies.engines.errors import EngineError
from policies.engines.regopy_engine import RegopyEngine
from policies.engines.regorus_engine import RegorusEngine

# regorus, not regopy: on the synthetic 5,000-resource plan the gate takes 13 s on regorus and 126 s on
# regopy 1.5.2, whose evaluation of the ai_governance stack rules over that many resources also fails
# (reported as an engine error, so the gate fails closed). regopy stays the second engine that every
# fixture and the stacks' own plans are compared against.
DEFAULT_EMBEDDED = "regorus"
EMBEDDED_ENGINES: tuple[str, ...] = ("regopy", "regorus")
ENGINE_NAMES: tuple[str, ...] = (*EMBEDDED_ENGINES, "opa")


def engine_name(name: str | None = None) -> str:
    """The engine `name` stands for: `None` means `opa` when `OPA_URL` is set, else the default embedded one."""
    return name or ("opa" if os.environ.get(OPA_URL_VARIABLE) else DEFAULT_EMBEDDED)


def get_engine(name: str | None = None) -> Engine:
    """Return the named engine (`engine_name`)."""
    chosen = engine_name(name)
    if chosen == "regopy":
        return RegopyEngine()
    if chosen == "regorus":
        return RegorusEngine()
    if chosen == "opa":
        # Imported on demand: opa-python-client pulls in aiohttp (over a second of start-up) that
        # embedded runs never use.
        from policies.engines.opa_engine import OpaEngine  # noqa: PLC0415

        return OpaEngine()
    raise EngineError(f"unknown engine {chosen!r}; choose one of {', '.join(ENGINE_NAMES)}")
