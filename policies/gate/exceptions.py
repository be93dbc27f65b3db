"""Exceptions to gate settings (the `exceptions:` list of policies/waivers.yaml), e.g. prod's failOn floor.

An exception is a waiver for a setting rather than a finding: it lets one environment (optionally some
of its stacks) use a setting weaker than its floor, with an owner, a justification, a ticket and an
expiry capped like a waiver's. It is shown in every report when it is used.

  - id: EXC-1
    setting: failOn          # the only setting with a floor today
    environment: prod
    value: high              # the weakest value it allows
    owner: platform-team@example.com
    justification: ...
    ticket: PLAT-1
    expires: 2027-01-31
    stacks: [prod]           # optional
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from policies.gate.waiver_policy import parse_date, waiver_policy

SETTINGS = ("failOn",)
_REQUIRED = ("id", "setting", "environment", "value", "owner", "justification", "ticket", "expires")
_OPTIONAL = ("stacks",)

Problem = tuple[int, str | None, str]  # line, exception id, what is wrong


@dataclass(frozen=True)
class SettingException:
    id: str
    setting: str
    environment: str
    value: str
    owner: str
    justification: str
    ticket: str
    expires: dt.date
    stacks: tuple[str, ...]
    line: int

    def covers(self, *, setting: str, environment: str | None, stack: str | None) -> bool:
        return self.setting == setting and self.environment == environment and (not self.stacks or stack in self.stacks)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "setting": self.setting,
            "environment": self.environment,
            "value": self.value,
            "owner": self.owner,
            "justification": self.justification,
            "ticket": self.ticket,
            "expires": self.expires.isoformat(),
            "stacks": list(self.stacks),
            "line": self.line,
        }


def parse_exceptions(entries: list[Any], lines: list[int]) -> tuple[list[SettingException], list[Problem]]:
    exceptions: list[SettingException] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for entry, line in zip(entries, lines, strict=True):
        parsed = _parse(entry, line)
        if isinstance(parsed, tuple):
            problems.append(parsed)
        elif parsed.id in seen:
            problems.append((line, parsed.id, "duplicate exception id"))
        else:
            seen.add(parsed.id)
            exceptions.append(parsed)
    return exceptions, problems


def expiry_problem(exception: SettingException, today: dt.date) -> str | None:
    """Why an exception cannot be used today (expired, or beyond the expiry cap), else None."""
    latest = waiver_policy().latest_expiry(today)
    if exception.expires < today:
        return f"exception {exception.id} expired on {exception.expires.isoformat()}"
    if exception.expires > latest:
        return (
            f"exception {exception.id} expires {exception.expires.isoformat()}, beyond the cap of "
            f"{waiver_policy().max_expiry_days} days (latest allowed {latest.isoformat()})"
        )
    return None


def _parse(entry: Any, line: int) -> SettingException | Problem:
    if not isinstance(entry, dict):
        return (line, None, "an exception must be a mapping")
    entry_id = entry.get("id") if isinstance(entry.get("id"), str) else None
    missing = [key for key in _REQUIRED if key not in entry or entry[key] in (None, "")]
    if missing:
        return (line, entry_id, f"exception: missing {', '.join(missing)}")
    unknown = sorted(str(k) for k in set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        return (line, entry_id, f"exception: unknown field(s) {', '.join(unknown)}")
    for key in ("id", "setting", "environment", "value", "owner", "justification", "ticket"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            return (line, entry_id, f"exception: {key} must be a non-empty string")
    if entry["setting"] not in SETTINGS:
        return (line, entry_id, f"exception: setting must be one of {', '.join(SETTINGS)}")
    problem = waiver_policy().justification_problem(entry["justification"])
    if problem:
        return (line, entry_id, f"exception: {problem}")
    expires = parse_date(entry["expires"])
    if expires is None:
        return (line, entry_id, f"exception: expires {entry['expires']!r} is not a YYYY-MM-DD date")
    stacks = entry.get("stacks", [])
    if not isinstance(stacks, list) or not all(isinstance(s, str) for s in stacks):
        return (line, entry_id, "exception: stacks must be a list of stack names")
    return SettingException(
        id=entry["id"],
        setting=entry["setting"],
        environment=entry["environment"],
        value=entry["value"],
        owner=entry["owner"],
        justification=" ".join(entry["justification"].split()),
        ticket=entry["ticket"],
        expires=expires,
        stacks=tuple(stacks),
        line=line,
    )
