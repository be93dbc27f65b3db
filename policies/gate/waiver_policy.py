"""Limits on waivers and exceptions (policies/gate/data/waiver_policy.yaml): expiry cap, wildcards, failOn floors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_DATA = Path(__file__).parent / "data" / "waiver_policy.yaml"
_GLOB = re.compile(r"[*?\[\]]")


@dataclass(frozen=True)
class WaiverPolicy:
    max_expiry_days: int
    min_justification_chars: int
    min_justification_words: int
    placeholders: frozenset[str]
    fail_on_floor: Mapping[str, str]

    def latest_expiry(self, today: dt.date) -> dt.date:
        return today + dt.timedelta(days=self.max_expiry_days)

    def justification_problem(self, text: str) -> str | None:
        """Why a justification says nothing (None when it is acceptable for a wildcard or an exception)."""
        words = text.split()
        if text.strip().lower().strip(".!?-_ ") in self.placeholders or not words:
            return "the justification is a placeholder"
        if len(text.strip()) < self.min_justification_chars or len(words) < self.min_justification_words:
            return (
                f"the justification must say why and what limits the risk (at least "
                f"{self.min_justification_words} words and {self.min_justification_chars} characters)"
            )
        return None


@cache
def waiver_policy() -> WaiverPolicy:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    wildcard = data["wildcard"]
    return WaiverPolicy(
        max_expiry_days=int(data["maxExpiryDays"]),
        min_justification_chars=int(wildcard["minJustificationChars"]),
        min_justification_words=int(wildcard["minJustificationWords"]),
        placeholders=frozenset(str(p).lower() for p in wildcard["placeholders"]),
        fail_on_floor={str(k): str(v) for k, v in (data.get("failOnFloor") or {}).items()},
    )


def is_wildcard(selector: Mapping[str, str]) -> bool:
    """A selector that can match more than one resource: a glob in any field, or neither an exact urn nor name.

    `{type: aws:s3/bucket:Bucket}` matches every bucket; `{urn: "*"}` everything; `{name: "pub*"}` many.
    """
    if any(_GLOB.search(value) for value in selector.values()):
        return True
    return "urn" not in selector and "name" not in selector


def parse_date(value: Any) -> dt.date | None:
    """A waiver or exception date as YAML gives it (a date, or an ISO string); None when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
