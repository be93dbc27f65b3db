"""Read rule METADATA blocks from Rego source text.

DESIGN §5.3: metadata is read from the source files, not through engine built-ins, because not
every embedded engine supports `rego.metadata.rule()`. A METADATA block is a run of comment lines
starting with `# METADATA` and holding YAML; it annotates the rule defined on the next code line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from policies.engines.errors import EngineError

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")

RuleKind = Literal["resource", "stack"]
RuleEffect = Literal["deny", "warn"]
# "platform": a stack rule about this platform's own stacks (its config contract, its topology); it is evaluated
# only when the plan is one of ours and reads not-evaluated on any other Pulumi preview. "any": every plan.
RuleScope = Literal["any", "platform"]
RULE_SCOPES: tuple[str, ...] = ("any", "platform")

# A decision rule is a partial set named deny_*/warn_* (resource or admission rules) or
# stack_deny_*/stack_warn_* (stack rules); helpers and tests never match.
DECISION_RULE = re.compile(r"^(?P<name>(?:stack_)?(?:deny|warn)_[A-Za-z0-9_]+)\s+contains\b")
_METADATA_START = re.compile(r"^#\s*METADATA\s*$")
_COMMENT = re.compile(r"^#( ?)(?P<text>.*)$")


@dataclass(frozen=True)
class RuleMeta:
    """One decision rule of a pack with the metadata the gate needs to report it."""

    pack: str
    rule: str
    policy_id: str
    kind: RuleKind
    effect: RuleEffect
    title: str
    description: str
    severity: str
    controls: tuple[str, ...]
    message: str
    file: Path
    line: int
    # Stack config key paths (`cluster.endpoint.publicAccess`, `nodePools.*.maxSize`; `*` is the entry a resource
    # belongs to) whose values produce what the rule checks: findings point at the deepest of them in the stack file.
    config_keys: tuple[str, ...] = ()
    scope: RuleScope = "any"


@dataclass(frozen=True)
class _Annotation:
    data: dict[str, Any]
    line: int


def decision_rule_lines(source: str) -> dict[str, int]:
    """Map each decision rule name to the 1-based line of its first definition."""
    first: dict[str, int] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        match = DECISION_RULE.match(line)
        if match and match["name"] not in first:
            first[match["name"]] = number
    return first


def parse_rules(pack: str, file: Path, source: str) -> list[RuleMeta]:
    """Return the decision rules defined in one module, each with its validated METADATA."""
    annotations = _annotations_by_rule_line(pack, file, source)
    rules: list[RuleMeta] = []
    for name, line in decision_rule_lines(source).items():
        annotation = annotations.get(line)
        where = f"{file.name}:{line} rule {name}"
        if annotation is None:
            raise EngineError("decision rule has no # METADATA block directly above it", pack=pack, where=where)
        rules.append(_rule_meta(pack, name, file, line, annotation, where))
    return rules


def _annotations_by_rule_line(pack: str, file: Path, source: str) -> dict[int, _Annotation]:
    """Collect METADATA blocks keyed by the line number of the code line that follows each block."""
    lines = source.splitlines()
    found: dict[int, _Annotation] = {}
    index = 0
    while index < len(lines):
        if not _METADATA_START.match(lines[index].strip()):
            index += 1
            continue
        start = index
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].lstrip().startswith("#"):
            comment = _COMMENT.match(lines[index].lstrip())
            body.append(comment["text"] if comment else "")
            index += 1
        try:
            data = yaml.safe_load("\n".join(body)) or {}
        except yaml.YAMLError as error:
            where = f"{file.name}:{start + 1}"
            raise EngineError(f"METADATA is not valid YAML: {error}", pack=pack, where=where) from error
        if not isinstance(data, dict):
            raise EngineError("METADATA must be a YAML mapping", pack=pack, where=f"{file.name}:{start + 1}")
        # The annotated rule is the next code line: OPA attaches a block to the rule right after it.
        found[index + 1] = _Annotation(data=data, line=start + 1)
    return found


def _rule_meta(pack: str, name: str, file: Path, line: int, annotation: _Annotation, where: str) -> RuleMeta:
    data = annotation.data
    custom = data.get("custom")
    if not isinstance(custom, dict):
        raise EngineError("METADATA lacks a `custom` mapping", pack=pack, where=where)
    title = _required_text(data, "title", pack, where)
    description = _required_text(data, "description", pack, where)
    message = _required_text(custom, "message", pack, where)
    severity = _required_text(custom, "severity", pack, where)
    if severity not in SEVERITIES:
        raise EngineError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}", pack=pack, where=where)
    controls = custom.get("controls")
    if not isinstance(controls, list) or not controls or not all(isinstance(c, str) and c for c in controls):
        raise EngineError("custom.controls must be a non-empty list of control ids", pack=pack, where=where)
    config_keys = custom.get("config_keys", [])
    if not isinstance(config_keys, list) or not all(isinstance(k, str) and k for k in config_keys):
        raise EngineError("custom.config_keys must be a list of stack config key paths", pack=pack, where=where)
    scope = custom.get("scope", "any")
    if scope not in RULE_SCOPES:
        raise EngineError(f"custom.scope {scope!r} is not one of {', '.join(RULE_SCOPES)}", pack=pack, where=where)
    return RuleMeta(
        pack=pack,
        rule=name,
        policy_id=f"{pack}.{name}",
        kind="stack" if name.startswith("stack_") else "resource",
        effect="warn" if name.removeprefix("stack_").startswith("warn_") else "deny",
        title=title,
        description=description,
        severity=severity,
        controls=tuple(controls),
        message=message,
        file=file,
        line=line,
        config_keys=tuple(config_keys),
        scope=scope,
    )


def _required_text(data: dict[str, Any], key: str, pack: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise EngineError(f"METADATA field {key!r} is missing or empty", pack=pack, where=where)
    return " ".join(value.split())
