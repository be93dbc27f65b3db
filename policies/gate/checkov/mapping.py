"""Our table for checkov's check ids (policies/checkov/mapping/*.yaml): severity, controls, adopted or not."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from policies.engines.control_ids import CONTROL_ID
from policies.gate.severity import severity_scale

CHECKOV_POLICIES = Path(__file__).resolve().parents[2] / "checkov"


@dataclass(frozen=True)
class CheckovRule:
    check_id: str
    severity: str
    controls: tuple[str, ...]
    adopted: bool = True
    reason: str | None = None  # why a check is not adopted
    mapped: bool = True  # False: the id is not in the table; severity is the default
    # Stack config key paths that decide the checked value (as a Rego rule's custom.config_keys): where findings point.
    config_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckovMapping:
    rules: dict[str, CheckovRule]
    default_severity: str

    def rule(self, check_id: str) -> CheckovRule:
        """The table's entry, or an unmapped rule with the default severity and no controls."""
        found = self.rules.get(check_id)
        if found is not None:
            return found
        return CheckovRule(check_id=check_id, severity=self.default_severity, controls=(), mapped=False)


class MappingError(ValueError):
    """The mapping table is malformed: names the file, the check id and what is wrong."""


@cache
def checkov_mapping(root: Path = CHECKOV_POLICIES) -> CheckovMapping:
    """Every `mapping/*.yaml` under `root` merged (an id in two files is an error), and the default severity."""
    levels = set(severity_scale().names())
    defaults: Any = yaml.safe_load((root / "defaults.yaml").read_text(encoding="utf-8"))
    default = str((defaults or {}).get("defaultSeverity", ""))
    if default not in levels:
        raise MappingError(f"{root / 'defaults.yaml'}: defaultSeverity {default!r} is not one of {sorted(levels)}")
    rules: dict[str, CheckovRule] = {}
    origin: dict[str, Path] = {}
    for path in sorted((root / "mapping").glob("*.yaml")):
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("checks"), dict):
            raise MappingError(f"{path}: expected a mapping with `checks`")
        for check_id, entry in data["checks"].items():
            if check_id in origin:
                raise MappingError(f"{path}: {check_id} is already mapped in {origin[check_id]}")
            rules[str(check_id)] = _rule(path, str(check_id), entry, levels)
            origin[str(check_id)] = path
    return CheckovMapping(rules=rules, default_severity=default)


def _rule(path: Path, check_id: str, entry: Any, levels: set[str]) -> CheckovRule:
    if not isinstance(entry, dict):
        raise MappingError(f"{path}: {check_id}: expected a mapping")
    severity = str(entry.get("severity", ""))
    if severity not in levels:
        raise MappingError(f"{path}: {check_id}: severity {severity!r} is not one of {sorted(levels)}")
    controls = entry.get("controls") or []
    if not isinstance(controls, list) or not all(isinstance(c, str) for c in controls):
        raise MappingError(f"{path}: {check_id}: controls must be a list of control ids")
    # Spelled as the Rego packs spell them, or the control row would split in two.
    misspelled = [c for c in controls if not CONTROL_ID.match(c)]
    if misspelled:
        raise MappingError(f"{path}: {check_id}: control ids {misspelled} do not follow the catalogue's spelling")
    adopted = entry.get("adopted", True)
    reason = entry.get("reason")
    if adopted is False and not (isinstance(reason, str) and reason.strip()):
        raise MappingError(f"{path}: {check_id}: adopted: false needs a reason")
    config_keys = entry.get("config_keys") or []
    if not isinstance(config_keys, list) or not all(isinstance(k, str) and k for k in config_keys):
        raise MappingError(f"{path}: {check_id}: config_keys must be a list of stack config key paths")
    return CheckovRule(
        check_id=check_id,
        severity=severity,
        controls=tuple(controls),
        adopted=bool(adopted),
        reason=" ".join(reason.split()) if isinstance(reason, str) else None,
        config_keys=tuple(config_keys),
    )
