"""Values not known before apply, and the probes that tell whether a rule's verdict depends on them.

A preview shows an output that does not exist yet (an ARN, an id) as Pulumi's unknown sentinel. A rule
that reads such a value has no verdict yet, and the gate must say so instead of passing it.

Rego engines cannot report which input paths a rule read, so the gate probes: it evaluates the input as
given (the sentinel is an ordinary non-empty string) and once more per probe value, with every unknown
replaced by that value. The probes cover the usual shapes of a check (truthy/falsy booleans, zero, a
wildcard string). A rule whose verdict is the same under every variant does not depend on the unknowns;
one whose verdict changes gets the `unknown` status. This is sound for rules whose outcome is decided by
one of these shapes, and errs towards `unknown` (never towards a pass) for the others.
"""

from __future__ import annotations

from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# Every unknown is replaced by one of these in turn; the sentinel itself is the first variant.
PROBES: tuple[Any, ...] = (True, False, 0, "*")


def contains_unknown(value: Any) -> bool:
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    return False


def substitute(value: Any, probe: Any) -> Any:
    """A copy of `value` with every unknown replaced by `probe`."""
    if isinstance(value, str):
        return probe if value == UNKNOWN else value
    if isinstance(value, dict):
        return {key: substitute(item, probe) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, probe) for item in value]
    return value


def variants(value: Any) -> list[Any]:
    """The inputs to evaluate: the value itself, then one per probe when it holds unknowns."""
    if not contains_unknown(value):
        return [value]
    return [value, *(substitute(value, probe) for probe in PROBES)]
