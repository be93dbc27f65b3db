"""The engine-independent finding model every source produces and every report consumes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Literal

Engine = Literal["rego", "checkov", "schema", "gate", "trivy"]
# fail: the rule's condition holds. unknown: the verdict depends on values not known before apply.
# error: the rule could not be evaluated (never a pass). info: a note that never blocks.
Status = Literal["fail", "unknown", "error", "info"]
Effect = Literal["deny", "warn"]
# Against a baseline report (--baseline): new in this run, unchanged from the baseline, or absent (in the
# baseline only: fixed or gone). None when the run has no baseline.
BaselineState = Literal["new", "unchanged", "absent"]


@dataclass(frozen=True)
class ResourceRef:
    """What a finding is about: a plan resource (URN) or a Kubernetes object (kind/namespace/name)."""

    type: str
    urn: str | None = None
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None

    @property
    def key(self) -> str:
        """A stable identity, used by waiver selectors, fingerprints and report grouping."""
        if self.urn:
            return self.urn
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"

    def to_json(self) -> dict[str, str]:
        fields = {
            "type": self.type,
            "urn": self.urn,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }
        return {k: v for k, v in fields.items() if v is not None}


@dataclass(frozen=True)
class Location:
    """A file (relative to the repository root where possible) and a 1-based line."""

    file: str
    line: int = 1


@dataclass(frozen=True)
class AppliedWaiver:
    """The waiver that accepted a finding, as reports show it."""

    id: str
    owner: str
    justification: str
    ticket: str
    expires: str


@dataclass(frozen=True)
class RuleInfo:
    """Everything reports need about a rule, whichever engine runs it."""

    policy_id: str
    engine: Engine
    title: str
    description: str
    severity: str
    controls: tuple[str, ...]
    remediation: str
    effect: Effect = "deny"
    source: Location | None = None
    # Stack config key paths behind what the rule checks (RuleMeta.config_keys); empty: the resource's entry.
    config_keys: tuple[str, ...] = ()
    scope: Literal["any", "platform"] = "any"
    # False when the input held nothing the rule's pack evaluates (no cloud resources for a plan
    # pack, no Kubernetes objects for an admission pack): silence then proves nothing.
    evaluated: bool = True


@dataclass(frozen=True)
class Finding:
    policy_id: str
    engine: Engine
    severity: str
    controls: tuple[str, ...]
    resource: ResourceRef | None
    message: str
    status: Status = "fail"
    effect: Effect = "deny"
    # The primary location: the stack-file line behind the resource when it derives from the stack config (what a
    # PR edits), else the code or manifest position.
    location: Location | None = None
    # Where the program registers the resource (the plan's sourcePosition), shown alongside a stack location.
    code_location: Location | None = None
    waiver: AppliedWaiver | None = field(default=None, compare=False)
    baseline: BaselineState | None = field(default=None, compare=False)
    # For `unknown`: the verdict depends only on values a first preview legitimately leaves unknown
    # (ids, ARNs, generated names; policies/gate/unknowns.py), the only unknowns --allow-unknown accepts.
    legitimately_unknown: bool = False

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    @property
    def fingerprint(self) -> str:
        """Stable across runs: same rule, same resource, same message (and file) → same fingerprint.

        A URN names one resource of a stack, so a plan finding is identified by it alone: its primary location
        may move between the code and the stack file without the finding changing. Anything else (a manifest's
        kind/namespace/name, a Dockerfile, a stack-level finding) is identified within its file too, so the same
        object name in two files stays two results. Never the line: lines move with unrelated edits.
        """
        resource = self.resource.key if self.resource else ""
        parts = [self.policy_id, resource, self.message]
        if self.location is not None and not (self.resource is not None and self.resource.urn):
            parts.append(self.location.file)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def with_waiver(self, waiver: AppliedWaiver) -> Finding:
        return replace(self, waiver=waiver)

    def sort_key(self) -> tuple[str, str, str]:
        return (self.policy_id, self.resource.key if self.resource else "", self.message)
