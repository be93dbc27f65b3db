"""The contract every finding source honours, so engines can be added without touching the pipeline.

A source turns the subject (cloud resources and Kubernetes objects) into findings and describes the
rules it ran; checkov plugs in later as one more source with its own id → severity/controls table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from policies.gate.findings import Finding, RuleInfo
from policies.gate.subject import GateSubject


@dataclass
class SourceResult:
    rules: list[RuleInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # engine or tool name → version, for the report's tool versions
    tools: dict[str, str] = field(default_factory=dict)
    # policy file (repository-relative) → sha256, for the report's hashes
    policy_files: dict[str, str] = field(default_factory=dict)
    # anything else the report shows about this source (e.g. the Kubernetes schema version used)
    details: dict[str, Any] = field(default_factory=dict)


class FindingSource(Protocol):
    name: str

    def run(self, subject: GateSubject) -> SourceResult: ...
