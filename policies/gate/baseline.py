"""--baseline: read an earlier run's report.json and mark each finding of this run new, unchanged or absent.

Matching is one-to-one (a baseline finding matches at most one finding of this run, so a second copy of a finding
is new) and runs in two passes:

1. fingerprints: the baseline's own `fingerprint` field, and the fingerprint this run's recipe gives the baseline
   finding rebuilt from its JSON. The second makes a change of recipe between the base and the head (a field added
   to the hash) match what it would have matched had the base used the head's recipe.
2. what is left, on rule + resource + message: a finding whose fingerprint moved only because its location did
   (an object moved to another file, a stack key to another line) is still the same finding. Running this after
   pass 1 over the leftovers keeps same-named objects of different files apart: each baseline entry is used once.

Baseline findings nothing matched are `absent` (fixed, or their resource gone): reported, never blocking.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar, cast, get_args

from policies.gate.errors import GateInputError
from policies.gate.findings import AppliedWaiver, Effect, Engine, Finding, Location, ResourceRef, Status
from policies.gate.report_schema import REPORT_SCHEMA_VERSION

_T = TypeVar("_T")


@dataclass(frozen=True)
class BaselineEntry:
    finding: Finding
    fingerprint: str  # as the baseline recorded it, whatever its recipe


@dataclass(frozen=True)
class Baseline:
    path: Path
    shown: str  # the path as messages name it
    input_kind: str
    stack: str | None
    entries: tuple[BaselineEntry, ...]

    def check_applies(self, *, input_kind: str, stack: str | None) -> None:
        """A report of another stack or input kind would turn every finding new and every old one absent: refuse.

        An error rather than a warning: the comparison would be meaningless, and a wrong path is better fixed than
        reported on.
        """
        if (self.input_kind, self.stack) != (input_kind, stack):
            raise GateInputError(
                self.shown,
                f"baseline is a report of {_describe(self.input_kind, self.stack)}, this run gates "
                f"{_describe(input_kind, stack)}: pass the report of the same stack and input kind",
            )


@dataclass(frozen=True)
class Comparison:
    findings: list[Finding]  # this run's findings, each with baseline "new" or "unchanged"
    absent: list[Finding]  # the baseline's findings no longer present, baseline "absent"


def load_baseline(path: Path, shown: str | None = None) -> Baseline:
    """Read and validate a report.json; anything missing, unreadable or malformed is a GateInputError (exit 2)."""
    shown = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GateInputError(shown, "baseline report does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise GateInputError(shown, f"baseline report cannot be read: {error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise GateInputError(
            shown, f"baseline report is not JSON: {error.msg}", where=f"{error.lineno}:{error.colno}"
        ) from None
    reader = _Reader(shown)
    document = reader.field(document, "", dict, "an object (a gate report.json)")
    version = document.get("schemaVersion")
    if version != REPORT_SCHEMA_VERSION:
        raise GateInputError(
            shown,
            f"baseline report has schemaVersion {version!r}, this gate reads {REPORT_SCHEMA_VERSION} "
            "(a report.json of the gate)",
            where="/schemaVersion",
        )
    source = reader.field(document.get("input"), "/input", dict, "an object")
    kind = reader.field(source.get("kind"), "/input/kind", str, "a string")
    stack = reader.optional(source.get("stack"), "/input/stack", str, "a string or null")
    items = reader.field(document.get("findings"), "/findings", list, "a list")
    entries = tuple(reader.entry(item, f"/findings/{n}") for n, item in enumerate(items))
    return Baseline(path=path, shown=shown, input_kind=kind, stack=stack, entries=entries)


def compare(findings: Iterable[Finding], baseline: Baseline) -> Comparison:
    current = list(findings)
    used = [False] * len(baseline.entries)
    matched = [False] * len(current)

    by_fingerprint: dict[str, list[int]] = {}
    for index, entry in enumerate(baseline.entries):
        for fingerprint in dict.fromkeys((entry.fingerprint, entry.finding.fingerprint)):
            by_fingerprint.setdefault(fingerprint, []).append(index)
    _match(current, matched, used, by_fingerprint, lambda finding: finding.fingerprint)

    by_identity: dict[tuple[str, str, str], list[int]] = {}
    for index, entry in enumerate(baseline.entries):
        if not used[index]:
            by_identity.setdefault(_identity(entry.finding), []).append(index)
    _match(current, matched, used, by_identity, _identity)

    marked = [replace(f, baseline="unchanged" if seen else "new") for f, seen in zip(current, matched, strict=True)]
    absent = [replace(e.finding, baseline="absent") for e, seen in zip(baseline.entries, used, strict=True) if not seen]
    return Comparison(findings=marked, absent=sorted(absent, key=Finding.sort_key))


def _match(
    current: list[Finding],
    matched: list[bool],
    used: list[bool],
    index: dict[_T, list[int]],
    key: Callable[[Finding], _T],
) -> None:
    for position, finding in enumerate(current):
        if matched[position]:
            continue
        for candidate in index.get(key(finding), ()):
            if not used[candidate]:
                used[candidate] = True
                matched[position] = True
                break


def _identity(finding: Finding) -> tuple[str, str, str]:
    return (finding.policy_id, finding.resource.key if finding.resource else "", finding.message)


def _describe(input_kind: str, stack: str | None) -> str:
    return f"stack {stack!r} ({input_kind})" if stack else f"a {input_kind} input with no stack"


class _Reader:
    """Typed access to the baseline JSON; every mismatch names the file and the JSON pointer."""

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def fail(self, where: str, what: str) -> GateInputError:
        return GateInputError(self.shown, f"malformed baseline report: expected {what}", where=where or "/")

    def field(self, value: Any, where: str, kind: type[_T], what: str) -> _T:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(where, what)
        return value

    def optional(self, value: Any, where: str, kind: type[_T], what: str) -> _T | None:
        return None if value is None else self.field(value, where, kind, what)

    def choice(self, value: Any, where: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(where, "one of " + ", ".join(allowed))
        return cast(str, value)

    def location(self, value: Any, where: str) -> Location | None:
        if value is None:
            return None
        body = self.field(value, where, dict, "an object with file and line, or null")
        return Location(
            self.field(body.get("file"), f"{where}/file", str, "a string"),
            self.field(body.get("line"), f"{where}/line", int, "an integer"),
        )

    def resource(self, value: Any, where: str) -> ResourceRef | None:
        if value is None:
            return None
        body = self.field(value, where, dict, "an object or null")
        names = ("urn", "kind", "namespace", "name")
        parts = {name: self.optional(body.get(name), f"{where}/{name}", str, "a string") for name in names}
        return ResourceRef(type=self.field(body.get("type"), f"{where}/type", str, "a string"), **parts)

    def waiver(self, value: Any, where: str) -> AppliedWaiver | None:
        if value is None:
            return None
        body = self.field(value, where, dict, "an object or null")
        names = ("id", "owner", "justification", "ticket", "expires")
        return AppliedWaiver(**{name: self.field(body.get(name), f"{where}/{name}", str, "a string") for name in names})

    def entry(self, value: Any, where: str) -> BaselineEntry:
        item = self.field(value, where, dict, "an object (a finding)")
        controls = self.field(item.get("controls"), f"{where}/controls", list, "a list of strings")
        finding = Finding(
            policy_id=self.field(item.get("policyId"), f"{where}/policyId", str, "a string"),
            engine=cast(Engine, self.choice(item.get("engine"), f"{where}/engine", get_args(Engine))),
            severity=self.field(item.get("severity"), f"{where}/severity", str, "a string"),
            controls=tuple(self.field(c, f"{where}/controls/{n}", str, "a string") for n, c in enumerate(controls)),
            resource=self.resource(item.get("resource"), f"{where}/resource"),
            message=self.field(item.get("message"), f"{where}/message", str, "a string"),
            status=cast(Status, self.choice(item.get("status"), f"{where}/status", get_args(Status))),
            effect=cast(Effect, self.choice(item.get("effect"), f"{where}/effect", get_args(Effect))),
            location=self.location(item.get("location"), f"{where}/location"),
            # Optional: reports written before code locations existed have none.
            code_location=self.location(item.get("codeLocation"), f"{where}/codeLocation"),
            waiver=self.waiver(item.get("waiver"), f"{where}/waiver"),
            legitimately_unknown=bool(item.get("legitimatelyUnknown", False)),
        )
        fingerprint = self.field(item.get("fingerprint"), f"{where}/fingerprint", str, "a string")
        return BaselineEntry(finding=finding, fingerprint=fingerprint)
