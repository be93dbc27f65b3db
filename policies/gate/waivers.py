"""Waivers (policies/waivers.yaml): accountable, expiring exceptions to individual findings.

A waiver names one policy id and a resource selector, an owner, a justification, a ticket and an expiry
date. It accepts matching `fail` and `unknown` findings (never engine errors). An expired waiver stops
applying and is reported; a malformed one is an error (exit 2); one that matched nothing is stale; one
expiring within 30 days is listed so its owner renews or fixes in time.

Fail-closed limits (policies/gate/data/waiver_policy.yaml): a wildcard selector (see `is_wildcard`)
needs `scope: all` and a justification that says something, and no waiver may expire more than
`maxExpiryDays` after the run date: either is malformed (exit 2), never silently accepted.
The same file holds `exceptions:` to settings (policies/gate/exceptions.py).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from infra.bounds import BoundsError, load_yaml_node, read_text
from policies.gate.errors import GateInputError
from policies.gate.exceptions import SettingException, parse_exceptions
from policies.gate.findings import AppliedWaiver, Finding, ResourceRef
from policies.gate.waiver_policy import is_wildcard, parse_date, waiver_policy

EXPIRING_WITHIN_DAYS = 30
REQUIRED_FIELDS = ("id", "policy", "resource", "owner", "justification", "ticket", "expires")
SELECTOR_FIELDS = ("urn", "type", "kind", "namespace", "name")
_OPTIONAL_FIELDS = ("stacks", "scope")
WILDCARD_SCOPE = "all"  # the value a wildcard selector must state


@dataclass(frozen=True)
class Waiver:
    id: str
    policy: str
    selector: dict[str, str]
    owner: str
    justification: str
    ticket: str
    expires: dt.date
    stacks: tuple[str, ...]
    line: int
    scope: str | None = None

    def applies_to_stack(self, stack: str | None) -> bool:
        return not self.stacks or stack in self.stacks

    def matches(self, finding: Finding) -> bool:
        if finding.policy_id != self.policy or finding.status not in ("fail", "unknown"):
            return False
        return finding.resource is not None and _selector_matches(self.selector, finding.resource)

    def applied(self) -> AppliedWaiver:
        return AppliedWaiver(
            id=self.id,
            owner=self.owner,
            justification=self.justification,
            ticket=self.ticket,
            expires=self.expires.isoformat(),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "policy": self.policy,
            "resource": self.selector,
            "owner": self.owner,
            "justification": self.justification,
            "ticket": self.ticket,
            "expires": self.expires.isoformat(),
            "stacks": list(self.stacks),
            "scope": self.scope,
            "line": self.line,
        }


@dataclass(frozen=True)
class MalformedWaiver:
    line: int
    id: str | None
    problem: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "id": self.id, "problem": self.problem}


@dataclass(frozen=True)
class WaiverFile:
    path: Path | None
    waivers: list[Waiver]
    malformed: list[MalformedWaiver]
    exceptions: list[SettingException] = field(default_factory=list)


@dataclass
class WaiverOutcome:
    """What happened to each waiver in this run, for the reports."""

    applied: dict[str, int] = field(default_factory=dict)  # waiver id → findings accepted
    expired: list[Waiver] = field(default_factory=list)
    stale: list[Waiver] = field(default_factory=list)
    expiring_soon: list[Waiver] = field(default_factory=list)
    out_of_scope: list[Waiver] = field(default_factory=list)
    malformed: list[MalformedWaiver] = field(default_factory=list)
    by_id: dict[str, Waiver] = field(default_factory=dict)
    exceptions_applied: list[SettingException] = field(default_factory=list)  # e.g. prod's failOn floor lowered


def load_waivers(path: Path | None, *, required: bool) -> WaiverFile:
    """Parse the waiver file; malformed entries are collected, not raised, so reports can list them."""
    if path is None or not path.exists():
        if required and path is not None:
            raise GateInputError(path, "waiver file does not exist")
        return WaiverFile(path=None, waivers=[], malformed=[])
    if not path.is_file():
        raise GateInputError(path, "waiver file is not a regular file (a directory?)")
    try:
        # One bounded read and parse (size, depth, aliases: infra/bounds/limits.yaml); over the bounds is exit 2.
        root, document = load_yaml_node(read_text(path, "waivers"), str(path))
    except BoundsError as error:
        raise GateInputError(path, error.detail, where=str(error.line) if error.line else None) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else 1
        return WaiverFile(path, [], [MalformedWaiver(line, None, f"invalid YAML: {error.problem}")])
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return WaiverFile(path, [], [MalformedWaiver(1, None, f"cannot read: {error}")])
    if document is None:
        return WaiverFile(path, [], [])
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("waivers", []), list)
        or not isinstance(document.get("exceptions", []), list)
    ):
        return WaiverFile(
            path, [], [MalformedWaiver(1, None, "top level must be a mapping with `waivers` and `exceptions` lists")]
        )
    unknown_keys = sorted(str(k) for k in set(document) - {"waivers", "exceptions"})
    if unknown_keys:
        return WaiverFile(path, [], [MalformedWaiver(1, None, f"unknown top-level key(s) {', '.join(unknown_keys)}")])
    entries = document.get("waivers") or []
    lines = _entry_lines(root, "waivers", len(entries))
    waivers: list[Waiver] = []
    malformed: list[MalformedWaiver] = []
    seen: set[str] = set()
    for entry, line in zip(entries, lines, strict=True):
        parsed = _parse_entry(entry, line)
        if isinstance(parsed, MalformedWaiver):
            malformed.append(parsed)
        elif parsed.id in seen:
            malformed.append(MalformedWaiver(line, parsed.id, "duplicate waiver id"))
        else:
            seen.add(parsed.id)
            waivers.append(parsed)
    raw_exceptions = document.get("exceptions") or []
    exceptions, problems = parse_exceptions(raw_exceptions, _entry_lines(root, "exceptions", len(raw_exceptions)))
    malformed += [MalformedWaiver(line, entry_id, problem) for line, entry_id, problem in problems]
    return WaiverFile(path, waivers, malformed, exceptions)


def apply_waivers(
    findings: list[Finding],
    waiver_file: WaiverFile,
    *,
    today: dt.date,
    stack: str | None,
    known_policies: Collection[str] | None,
) -> tuple[list[Finding], WaiverOutcome]:
    """Attach the first valid matching waiver to each finding and say what became of every waiver."""
    outcome = WaiverOutcome(malformed=list(waiver_file.malformed))
    active: list[Waiver] = []
    latest = waiver_policy().latest_expiry(today)
    for waiver in waiver_file.waivers:
        outcome.by_id[waiver.id] = waiver
        if waiver.expires > latest:
            # Fail closed: a waiver beyond the cap is an error for the whole file, whatever stack it targets.
            outcome.malformed.append(MalformedWaiver(waiver.line, waiver.id, _beyond_cap(waiver.expires, latest)))
        elif known_policies is not None and waiver.policy not in known_policies:
            outcome.malformed.append(
                MalformedWaiver(waiver.line, waiver.id, f"no rule has policy id {waiver.policy!r}")
            )
        elif not waiver.applies_to_stack(stack):
            outcome.out_of_scope.append(waiver)
        elif waiver.expires < today:
            outcome.expired.append(waiver)
        else:
            active.append(waiver)
            if waiver.expires <= today + dt.timedelta(days=EXPIRING_WITHIN_DAYS):
                outcome.expiring_soon.append(waiver)
    result: list[Finding] = []
    for finding in findings:
        match = next((w for w in active if w.matches(finding)), None)
        if match is None:
            result.append(finding)
            continue
        outcome.applied[match.id] = outcome.applied.get(match.id, 0) + 1
        result.append(finding.with_waiver(match.applied()))
    outcome.stale = [w for w in active if w.id not in outcome.applied]
    return result, outcome


def _parse_entry(entry: Any, line: int) -> Waiver | MalformedWaiver:
    if not isinstance(entry, dict):
        return MalformedWaiver(line, None, "a waiver must be a mapping")
    waiver_id = entry.get("id") if isinstance(entry.get("id"), str) else None
    missing = [key for key in REQUIRED_FIELDS if key not in entry or entry[key] in (None, "")]
    if missing:
        return MalformedWaiver(line, waiver_id, f"missing {', '.join(missing)}")
    unknown = sorted(set(entry) - set(REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS))
    if unknown:
        return MalformedWaiver(line, waiver_id, f"unknown field(s) {', '.join(unknown)}")
    for key in ("id", "policy", "owner", "justification", "ticket"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            return MalformedWaiver(line, waiver_id, f"{key} must be a non-empty string")
    selector = entry["resource"]
    if not isinstance(selector, dict) or not selector:
        return MalformedWaiver(line, waiver_id, f"resource must be a mapping of {', '.join(SELECTOR_FIELDS)}")
    bad_keys = sorted(set(selector) - set(SELECTOR_FIELDS))
    if bad_keys or not all(isinstance(v, str) and v for v in selector.values()):
        return MalformedWaiver(
            line, waiver_id, f"resource selector takes non-empty strings for {', '.join(SELECTOR_FIELDS)} only"
        )
    expires = parse_date(entry["expires"])
    if expires is None:
        return MalformedWaiver(line, waiver_id, f"expires {entry['expires']!r} is not a YYYY-MM-DD date")
    stacks = entry.get("stacks", [])
    if not isinstance(stacks, list) or not all(isinstance(s, str) for s in stacks):
        return MalformedWaiver(line, waiver_id, "stacks must be a list of stack names")
    scope = entry.get("scope")
    if scope is not None and scope != WILDCARD_SCOPE:
        return MalformedWaiver(line, waiver_id, f"scope must be {WILDCARD_SCOPE!r} (got {scope!r})")
    if is_wildcard(selector):
        if scope != WILDCARD_SCOPE:
            return MalformedWaiver(
                line,
                waiver_id,
                f"resource selector {_selector_text(selector)} is a wildcard (it can match many resources): "
                f"it needs `scope: {WILDCARD_SCOPE}` and a justification for all of them, or an exact urn or name",
            )
        problem = waiver_policy().justification_problem(entry["justification"])
        if problem:
            return MalformedWaiver(line, waiver_id, f"wildcard waiver: {problem}")
    return Waiver(
        id=entry["id"],
        policy=entry["policy"],
        selector=dict(selector),
        owner=entry["owner"],
        justification=" ".join(entry["justification"].split()),
        ticket=entry["ticket"],
        expires=expires,
        stacks=tuple(stacks),
        line=line,
        scope=scope,
    )


def _selector_text(selector: dict[str, str]) -> str:
    return "{" + ", ".join(f"{key}: {value!r}" for key, value in selector.items()) + "}"


def _beyond_cap(expires: dt.date, latest: dt.date) -> str:
    days = waiver_policy().max_expiry_days
    return (
        f"expires {expires.isoformat()}, beyond the cap of {days} days from the run date "
        f"(latest allowed {latest.isoformat()}, policies/gate/data/waiver_policy.yaml)"
    )


def _selector_matches(selector: dict[str, str], resource: ResourceRef) -> bool:
    values = resource.to_json()
    return all(key in values and fnmatch.fnmatchcase(values[key], pattern) for key, pattern in selector.items())


def _entry_lines(root: Any, list_key: str, count: int) -> list[int]:
    """1-based line of each entry of the `waivers` (or `exceptions`) list, for messages that point into the file."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if getattr(key, "value", None) == list_key and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return [1] * count
