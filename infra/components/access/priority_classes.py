"""The platform's PriorityClasses (system, inference, batch), from priority_classes.yaml next to this file.

The names are module constants so that workloads (drift jobs, the monitoring stack, the GPU agents, the
autoscaler) and the team quotas import them instead of spelling them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pulumi
import pulumi_kubernetes as k8s
import yaml

DATA_FILE: Final = Path(__file__).with_name("priority_classes.yaml")
PREEMPTION_POLICIES: Final = frozenset({"PreemptLowerPriority", "Never"})


@dataclass(frozen=True)
class PriorityClassSpec:
    key: str
    name: str
    value: int
    preemption_policy: str
    description: str


@functools.cache
def priority_classes() -> dict[str, PriorityClassSpec]:
    document = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    specs = {
        key: PriorityClassSpec(
            key=key,
            name=str(entry["name"]),
            value=int(entry["value"]),
            preemption_policy=str(entry["preemptionPolicy"]),
            description=" ".join(str(entry["description"]).split()),
        )
        for key, entry in document.items()
    }
    unknown = {s.name: s.preemption_policy for s in specs.values() if s.preemption_policy not in PREEMPTION_POLICIES}
    if unknown:
        raise ValueError(f"{DATA_FILE.name}: unknown preemptionPolicy {unknown}")
    return specs


SYSTEM: Final = priority_classes()["system"].name
INFERENCE: Final = priority_classes()["inference"].name
BATCH: Final = priority_classes()["batch"].name
# Classes a team namespace may not use: its quota allows 0 pods of these (GovernedNamespace).
PLATFORM_ONLY: Final = (SYSTEM,)


class PriorityClasses(pulumi.ComponentResource):
    """The three classes in one cluster. Cluster-scoped: created before any namespace that uses them."""

    def __init__(self, name: str, *, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ai-platform:priority:PriorityClasses", name, None, opts)
        self.classes = {
            spec.key: k8s.scheduling.v1.PriorityClass(
                f"{name}-{spec.key}",
                metadata={"name": spec.name, "labels": {"app.kubernetes.io/part-of": "ai-platform"}},
                value=spec.value,
                preemption_policy=spec.preemption_policy,
                global_default=False,
                description=spec.description,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for spec in priority_classes().values()
        }
        self.register_outputs({"names": {key: spec.name for key, spec in priority_classes().items()}})
