"""What the checker reasons about: pools (nodes a node group would start) and workloads (pod templates)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from infra.pulumi_wire import SECRET, UNKNOWN

MustRunOn = Literal["any", "all", "accelerator"]
MUST_RUN_ON: Final = ("any", "all", "accelerator")
# Taint effects that keep a pod off a node; PreferNoSchedule only steers the scheduler.
BLOCKING_EFFECTS: Final = frozenset({"NoSchedule", "NoExecute"})
# Values a plan may hold where a scheduling field should be: never read as a label, key or value.
OPAQUE: Final = frozenset({SECRET, UNKNOWN})


class PlacementInputError(ValueError):
    """The plan or a table cannot be read as scheduling data (wrong type, secret, unknown value)."""


@dataclass(frozen=True)
class Taint:
    key: str
    value: str
    effect: str

    def __str__(self) -> str:
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


@dataclass(frozen=True)
class Pool:
    cluster: str
    name: str
    urn: str
    labels: Mapping[str, str]
    taints: tuple[Taint, ...]
    accelerator: str
    """The accelerator its AMI type ships the driver for ("none" without one)."""


@dataclass(frozen=True)
class Placement:
    """The node-facing part of a pod spec, as Kubernetes objects (validated by the matcher)."""

    node_selector: Mapping[str, Any] = field(default_factory=dict)
    tolerations: tuple[Mapping[str, Any], ...] = ()
    affinity: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Workload:
    cluster: str
    kind: str
    namespace: str
    name: str
    urn: str
    placement: Placement
    requests: frozenset[str] = frozenset()
    """Extended resources any container requests or limits (limits imply requests for them)."""
    must_run_on: MustRunOn = "any"
    accelerator: str | None = None
    """For must_run_on "accelerator": which accelerator's pools."""
    release: str | None = None
    """"namespace/name" of the Helm release or "addon <name>" that renders it; None for a native object."""

    @property
    def ref(self) -> str:
        own = f"{self.kind} {self.namespace}/{self.name}"
        return f"{self.release}: {own}" if self.release else own
