"""Values the gate cannot read, and the probes that tell whether a rule's verdict depends on them.

Two kinds of value are opaque: Pulumi's unknown sentinel (an output that does not exist before apply:
an ARN, an id) and `[secret]` (what the CLI prints for a secret; envelopes are normalised to it when a
plan is loaded, policies/gate/inputs/secrets.py). A rule that reads an opaque value has no verdict, and
the gate must say so instead of passing it.

Rego engines cannot report which input paths a rule read, so the gate probes: it evaluates the input as
given and once per probe value, with every opaque value replaced by that value. The probes
(policies/gate/data/unknowns.yaml) are the worst cases of the shapes rules check: open CIDRs, any port,
wildcards, both booleans, an admin roleRef, as scalars, lists and one object. A rule that fires under
every variant fails; one that fires under some is `unknown` (blocking); under none, it passes.

`--allow-unknown` may downgrade an `unknown` only when its verdict depends on nothing but values a real
first preview legitimately leaves unknown (see `is_legitimate`). When an input holds both kinds, the
gate probes again (`refinements`): legitimate values alone, then each other path alone; any change of
verdict that the other values cause keeps the finding blocking.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from infra.pulumi_wire import SECRET, UNKNOWN

OPAQUE = frozenset({UNKNOWN, SECRET})

JsonPath = tuple[str | int, ...]

_DATA = Path(__file__).parent / "data" / "unknowns.yaml"
_WORST = {"$worst": "object"}


@cache
def _data() -> dict[str, Any]:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{_DATA}: not a mapping")
    return data


def _resolve(value: Any, worst: dict[str, Any]) -> Any:
    if value == _WORST:
        return worst
    if isinstance(value, list):
        return [_resolve(item, worst) for item in value]
    return value


@cache
def probes() -> tuple[Any, ...]:
    data = _data()
    worst = dict(data["worstObject"])
    return tuple(_resolve(probe, worst) for probe in data["probes"])


PROBES: tuple[Any, ...] = probes()


def is_opaque(value: Any) -> bool:
    return isinstance(value, str) and value in OPAQUE


@cache
def unread_keys() -> frozenset[str]:
    return frozenset(str(key) for key in _data().get("unreadKeys", []))


def max_refined_paths() -> int:
    return int(_data()["legitimatelyUnknown"]["maxRefinedPaths"])


def opaque_paths(value: Any, path: JsonPath = ()) -> Iterator[JsonPath]:
    """The path of every opaque value inside `value` that some rule may read, depth first."""
    if is_opaque(value):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in unread_keys():
                yield from opaque_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from opaque_paths(item, (*path, index))


def contains_unknown(value: Any) -> bool:
    """True when `value` holds anything opaque (unknown or secret)."""
    return next(opaque_paths(value), None) is not None


def substitute(value: Any, probe: Any, only: frozenset[JsonPath] | None = None, path: JsonPath = ()) -> Any:
    """A copy of `value` with every opaque value (or only those at `only`) replaced by `probe`."""
    if is_opaque(value):
        return probe if only is None or path in only else value
    if isinstance(value, dict):
        return {
            key: item if key in unread_keys() else substitute(item, probe, only, (*path, key))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [substitute(item, probe, only, (*path, index)) for index, item in enumerate(value)]
    return value


def variants(value: Any) -> list[Any]:
    """The inputs to evaluate: the value itself, then one per probe when it holds opaque values."""
    if not contains_unknown(value):
        return [value]
    return [value, *(substitute(value, probe) for probe in PROBES)]


def _matches(key: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns)


def is_legitimate(document: Any, path: JsonPath) -> bool:
    """True for the unknown sentinel (never `[secret]`) under a key that names a cloud-generated value.

    The nearest object key above the value must match `legitimatelyUnknown.keys` and no key on the
    path may match `legitimatelyUnknown.never` (CIDRs, roleRefs, policies stay blocking however named).
    """
    value = document
    for step in path:
        value = value[step]  # type: ignore[index]
    if value != UNKNOWN:
        return False
    keys = [step for step in path if isinstance(step, str)]
    if not keys:
        return False
    rules = _data()["legitimatelyUnknown"]
    if any(_matches(key, rules["never"]) for key in keys):
        return False
    return _matches(keys[-1], rules["keys"])


@dataclass(frozen=True)
class Split:
    """The opaque paths of one input: those a preview legitimately leaves unknown, and the rest."""

    legitimate: frozenset[JsonPath]
    other: frozenset[JsonPath]

    @property
    def mixed(self) -> bool:
        return bool(self.legitimate) and bool(self.other)


def split(document: Any) -> Split:
    paths = list(opaque_paths(document))
    legitimate = frozenset(p for p in paths if is_legitimate(document, p))
    return Split(legitimate, frozenset(paths) - legitimate)


@dataclass(frozen=True)
class Refinement:
    """Extra variants for an input whose opaque values are of both kinds, and how to read them.

    `legit_only[i]` replaces only the legitimate values with probe i: compared with the coarse
    variant i (everything replaced), a difference is caused by the other values. `per_path` replaces
    one other path at a time: compared with the input as given, a difference is caused by that path.
    """

    legit_only: list[Any]
    per_path: list[Any]

    @property
    def documents(self) -> list[Any]:
        return [*self.legit_only, *self.per_path]


def refinement(document: Any, parts: Split, *, per_path: bool = True) -> Refinement:
    legit_only = [substitute(document, probe, parts.legitimate) for probe in PROBES]
    singles = (
        [substitute(document, probe, frozenset({path})) for path in sorted(parts.other, key=str) for probe in PROBES]
        if per_path
        else [substitute(document, probe, parts.other) for probe in PROBES]
    )
    return Refinement(legit_only, singles)


def depends_on_other(coarse: Sequence[bool | None], refined: Sequence[bool | None]) -> bool:
    """Whether a rule's firing changed because of non-legitimate values.

    `coarse`: fired on [input as given, probe 1..n]; `refined`: fired on the refinement's documents.
    None marks a variant the engine failed on (a probe of a type the field never has): no evidence.
    A refinement with no evidence at all counts as a dependence, so it never lifts a finding.
    """
    count = len(PROBES)
    legit_only, singles = refined[:count], refined[count:]
    if all(fired is None for fired in refined):
        return True
    pairs = [(fired, coarse[index + 1]) for index, fired in enumerate(legit_only)]
    pairs += [(fired, coarse[0]) for fired in singles]
    return any(a is not None and b is not None and a != b for a, b in pairs)
