"""Governance scope: whether a plan is one of this platform's stacks.

Rules with `scope: platform` in their METADATA (policies/engines/metadata.py) hold only for this
platform's own stacks; on any other Pulumi preview they read not-evaluated. A plan is ours when a
resource's URN (`urn:pulumi:<stack>::<project>::<type>::<name>`) names the project of Pulumi.yaml,
which is also the stack config's namespace (NAMESPACE). The URN, not the plan's `config`, is the test
because `pulumi preview --policy-pack` gives the packs no config: the packs' own guard
(`platform_stack` in policies/packs/*/platform_scope.rego) applies this same test, so the gate and the
analyzer agree. One resource of ours is enough: adding a foreign resource cannot switch the rules off.
"""

from __future__ import annotations

from collections.abc import Iterable

from infra.config.errors import NAMESPACE
from policies.engines.metadata import RuleScope
from policies.gate.subject import CloudResource

# Pulumi namespaces a project's own config keys by the project name: `ai-platform:cluster` is config of
# the project `ai-platform`, so the config namespace and the project name are one value.
PLATFORM_PROJECT = NAMESPACE
PLATFORM_SCOPE: RuleScope = "platform"  # typed: mypy refuses a value metadata.py does not define


def urn_project(urn: str) -> str | None:
    """The project a Pulumi URN names, or None for a string that is not a URN."""
    parts = urn.split("::")
    if len(parts) < 4 or not parts[0].startswith("urn:pulumi:"):
        return None
    return parts[1]


def is_platform_plan(resources: Iterable[CloudResource]) -> bool:
    return any(urn_project(resource.urn) == PLATFORM_PROJECT for resource in resources)
