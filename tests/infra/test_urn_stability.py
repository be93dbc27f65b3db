"""`pulumi up` on an existing stack must not replace what it already runs: every URN of the stacks as of
each recorded commit (tests/infra/data/urns_<commit>.json: f7cb41e, the foundation; 2630f33, the last commit
before node pools became a map of named pools) is still declared, or is an alias of a resource that is
(explicit `aliases`, or inherited from an aliased parent as the engine does), or is a deliberate removal
listed with its reason in tests/infra/data/urn_removals.yaml.

URNs are those of the offline plan (the SDK mock's URN scheme), recorded and compared the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest
import yaml

from infra.offline.plan import run_program
from infra.offline.recorder import RecordedResource, install

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).with_name("data")
SNAPSHOTS = {
    path.stem.removeprefix("urns_"): json.loads(path.read_text(encoding="utf-8"))
    for path in sorted(DATA.glob("urns_*.json"))
}
REMOVALS = [re.compile(entry["pattern"]) for entry in yaml.safe_load((DATA / "urn_removals.yaml").read_text())]


def child_urn(parent_urn: str, type_: str, name: str) -> str:
    """The URN a child gets under `parent_urn` (the mock engine's rule: the parent's own type, then the child's)."""
    head, project, qualified, _ = parent_urn.split("::", 3)
    return f"{head}::{project}::{qualified.split('$')[-1]}${type_}::{name}"


def covered_urns(recorded: Iterable[RecordedResource]) -> set[str]:
    """Every URN the engine would match to a declared resource: its own, its aliases, and its URN under
    each alias of its parent (recursively)."""
    resources = list(recorded)
    by_urn = {r.urn: r for r in resources}
    memo: dict[str, set[str]] = {}

    def names(resource: RecordedResource) -> set[str]:
        if resource.urn in memo:
            return memo[resource.urn]
        own = {resource.urn, *resource.aliases}
        parent = by_urn.get(resource.parent)
        if parent is not None:
            name = resource.urn.rsplit("::", 1)[1]
            own |= {child_urn(old, resource.type, name) for old in names(parent) - {parent.urn}}
        memo[resource.urn] = own
        return own

    return set().union(*(names(r) for r in resources)) if resources else set()


def unaccounted(old: Iterable[str], recorded: Iterable[RecordedResource]) -> list[str]:
    covered = covered_urns(recorded)
    return sorted(u for u in old if u not in covered and not any(p.search(u) for p in REMOVALS))


def test_both_snapshots_are_checked() -> None:
    assert {"f7cb41e", "2630f33"} <= set(SNAPSHOTS)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_old_urn_is_declared_aliased_or_deliberately_removed(stack: str) -> None:
    recorded, _ = run_program(stack, ROOT)
    for commit, snapshot in SNAPSHOTS.items():
        missing = unaccounted(snapshot["stacks"][stack], recorded)
        assert missing == [], f"URNs of {commit} that `pulumi up` would delete (add an alias):\n" + "\n".join(missing)


# Top-level resources of the mock engine's URN scheme are children of the root stack resource.
TOP = "urn:pulumi:dev::ai-platform::pulumi:pulumi:Stack$"


def _record(program: object) -> list[RecordedResource]:
    monitor = install("ai-platform", "dev", ROOT)
    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call,operator]
    return monitor.recorded


def test_a_renamed_resource_without_alias_is_reported() -> None:
    def program() -> None:
        aws.s3.Bucket("new-name")

    old = [f"{TOP}aws:s3/bucket:Bucket::old-name"]
    assert unaccounted(old, _record(program)) == old


def test_an_alias_by_name_covers_the_old_urn() -> None:
    def program() -> None:
        aws.s3.Bucket("new-name", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old-name")]))

    assert unaccounted([f"{TOP}aws:s3/bucket:Bucket::old-name"], _record(program)) == []


def test_children_inherit_the_alias_of_a_parent_whose_type_changed() -> None:
    class Moved(pulumi.ComponentResource):
        def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
            super().__init__("ai-platform:test:New", name, None, opts)
            aws.s3.Bucket("child", opts=pulumi.ResourceOptions(parent=self))

    def program() -> None:
        Moved("component", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(type_="ai-platform:test:Old")]))

    old = [
        f"{TOP}ai-platform:test:Old::component",
        "urn:pulumi:dev::ai-platform::ai-platform:test:Old$aws:s3/bucket:Bucket::child",
    ]
    recorded = _record(program)
    assert unaccounted(old, recorded) == []
    # Without the parent's alias, the child's old URN is not covered either.
    for resource in recorded:
        resource.aliases = []
    assert unaccounted(old, recorded) == sorted(old)
