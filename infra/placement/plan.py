"""The plan document as resources, and which EKS cluster each Kubernetes provider talks to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from infra.placement.model import PlacementInputError

EKS_CLUSTER: Final = "aws:eks/cluster:Cluster"
K8S_PROVIDER: Final = "pulumi:providers:kubernetes"


@dataclass(frozen=True)
class Resource:
    urn: str
    type: str
    inputs: dict[str, Any]
    provider: str
    dependencies: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


class Plan:
    def __init__(self, document: Any) -> None:
        if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
            raise PlacementInputError("not a plan document: no `steps` list")
        self.resources: list[Resource] = []
        for step in document["steps"]:
            state = step.get("newState") if isinstance(step, dict) else None
            if not isinstance(state, dict) or not isinstance(state.get("inputs", {}), dict):
                continue  # deletes carry no new state: nothing of theirs will run
            self.resources.append(
                Resource(
                    urn=str(state.get("urn", step.get("urn", ""))),
                    type=str(state.get("type", "")),
                    inputs=state.get("inputs") or {},
                    provider=str(state.get("provider") or ""),
                    dependencies=tuple(state.get("dependencies") or ()),
                )
            )
        self.by_urn = {r.urn: r for r in self.resources}
        first = self.resources[0].urn if self.resources else ""
        self.stack = first.split("::", 1)[0].removeprefix("urn:pulumi:") if first.startswith("urn:pulumi:") else ""

    @classmethod
    def load(cls, path: Path) -> Plan:
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as error:
            raise PlacementInputError(f"{path}: {error}") from None

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]

    def cluster_of(self, resource: Resource) -> str:
        """The EKS cluster name behind a Kubernetes resource's provider (the provider depends on the cluster)."""
        provider = self.by_urn.get(resource.provider.rsplit("::", 1)[0])
        if provider is not None:
            names = {
                self.by_urn[d].inputs.get("name")
                for d in provider.dependencies
                if d in self.by_urn and self.by_urn[d].type == EKS_CLUSTER
            }
            if len(names) == 1 and isinstance(name := next(iter(names)), str):
                return name
        clusters = [c.inputs.get("name") for c in self.of_type(EKS_CLUSTER)]
        if len(clusters) == 1 and isinstance(clusters[0], str):
            return clusters[0]
        raise PlacementInputError(f"{resource.urn}: cannot tell which cluster its provider deploys to")
