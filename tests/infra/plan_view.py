"""Queries over a plan document, so tests read like a reviewer's checklist."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from infra.offline.fake_cloud import outputs_for


@dataclass(frozen=True)
class Resource:
    urn: str
    type: str
    custom: bool
    inputs: dict[str, Any]
    parent: str
    provider: str
    dependencies: list[str]
    protect: bool = False

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[1]


class PlanView:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.resources = [
            Resource(
                s["urn"],
                s["newState"]["type"],
                s["newState"]["custom"],
                s["newState"]["inputs"],
                s["newState"]["parent"],
                s["newState"]["provider"],
                s["newState"]["dependencies"],
                bool(s["newState"].get("protect", False)),
            )
            for s in document["steps"]
        ]
        self.by_urn = {r.urn: r for r in self.resources}

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]

    def region_of(self, resource: Resource) -> str:
        provider = self.by_urn[resource.provider.rsplit("::", 1)[0]]
        region: str = provider.inputs["region"]
        return region

    def find_by_output(self, type_: str, key: str, value: Any) -> Resource:
        """The resource of `type_` whose mocked output `key` equals `value` (e.g. a KMS key by its ARN)."""
        for r in self.of_type(type_):
            _, state = outputs_for(r.type, r.name, r.inputs, self.region_of(r))
            if state.get(key) == value:
                return r
        raise AssertionError(f"no {type_} has {key} = {value!r}")

    def k8s_objects(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.type.startswith("kubernetes:") and r.type.endswith(f":{kind}")]

    def config(self, key: str) -> Any:
        return json.loads(self.document["config"][f"ai-platform:{key}"])
