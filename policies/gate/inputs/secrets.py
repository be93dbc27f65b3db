"""Pulumi's wire envelopes in a plan document, normalised the way the CLI prints them (DESIGN §5.2).

A plan written by another producer may carry a secret as the SDK's envelope,
`{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": ...}`, instead of
the `[secret]` a `pulumi preview --json` prints. A rule reading the envelope sees an object where it
expects a CIDR or a list, and stays silent; read as `[secret]` the value is opaque, and the gate probes
it like an unknown (policies/gate/unknowns.py). The wrapped value is dropped on purpose: a secret's
plaintext must not reach reports, and a rule must not pass on the strength of a value the CLI hides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.pulumi_wire import (
    OUTPUT_SIGNATURE,
    RESOURCE_SIGNATURE,
    SECRET,
    SECRET_SIGNATURE,
    SIGNATURE_KEY,
    UNKNOWN,
)
from policies.gate.errors import GateInputError


def normalise_envelopes(path: Path, document: Any) -> Any:
    """`document` with every envelope replaced (see `unwrap`); too deep a document is bad input."""
    try:
        return unwrap(document)
    except RecursionError:
        raise GateInputError(path, "plan document is nested too deeply to read") from None


def unwrap(value: Any) -> Any:
    """A copy of `value` with every secret envelope as `[secret]`, output values unwrapped, references as URNs."""
    if isinstance(value, dict):
        signature = value.get(SIGNATURE_KEY)
        if signature == SECRET_SIGNATURE:
            return SECRET
        if signature == OUTPUT_SIGNATURE:
            if value.get("secret"):
                return SECRET
            return unwrap(value["value"]) if "value" in value else UNKNOWN
        if signature == RESOURCE_SIGNATURE:
            urn = value.get("urn")
            return urn if isinstance(urn, str) else UNKNOWN
        if signature is not None:  # an envelope of a kind the gate does not know: opaque, never readable
            return UNKNOWN
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    return value
