"""The gate's failOn floor, held again by the config model (defence in depth; the gate enforces it too).

Reads the floors and the expiry cap from the gate's data (policies/gate/data/waiver_policy.yaml) and the
`exceptions:` of policies/waivers.yaml, so both places answer from one record. The gate does the full
validation of the record (policies/gate/exceptions.py); here an exception counts when it names the
setting, the environment and a value at least as weak as the configured one, has an owner, a
justification and a ticket, and is valid today within the cap. `stacks:` is checked by the gate only
(the model does not know the stack's name).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIVER_POLICY_FILE = REPO_ROOT / "policies" / "gate" / "data" / "waiver_policy.yaml"
WAIVERS_FILE = REPO_ROOT / "policies" / "waivers.yaml"
SEVERITY_ORDER = ("low", "medium", "high", "critical")  # weakest threshold last


def fail_on_floor_problem(environment: str, fail_on: str, *, today: dt.date | None = None) -> str | None:
    """Why `fail_on` is not allowed for `environment` (None when it is at or above the floor, or excepted)."""
    policy = _read(WAIVER_POLICY_FILE)
    floor = (policy.get("failOnFloor") or {}).get(environment)
    if floor not in SEVERITY_ORDER or fail_on not in SEVERITY_ORDER:
        return None
    if SEVERITY_ORDER.index(fail_on) <= SEVERITY_ORDER.index(floor):
        return None
    today = today or dt.date.today()
    latest = today + dt.timedelta(days=int(policy.get("maxExpiryDays", 365)))
    exceptions = _read(WAIVERS_FILE).get("exceptions") or []
    if any(_allows(e, environment, fail_on, today, latest) for e in exceptions if isinstance(e, dict)):
        return None
    return (
        f"{fail_on} is weaker than the floor {floor!r} of {environment}; lower it only with an `exceptions:` "
        f"record (setting: failOn, environment: {environment}, value, owner, justification, ticket, expires) "
        "in policies/waivers.yaml"
    )


def _allows(entry: dict[str, Any], environment: str, fail_on: str, today: dt.date, latest: dt.date) -> bool:
    value = entry.get("value")
    expires = entry.get("expires")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            return False
    return (
        entry.get("setting") == "failOn"
        and entry.get("environment") == environment
        and value in SEVERITY_ORDER
        and SEVERITY_ORDER.index(fail_on) <= SEVERITY_ORDER.index(value)
        and all(isinstance(entry.get(k), str) and entry[k].strip() for k in ("id", "owner", "justification", "ticket"))
        and isinstance(expires, dt.date)
        and today <= expires <= latest
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return document if isinstance(document, dict) else {}
