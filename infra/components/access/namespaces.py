"""Governed namespaces: restricted Pod Security, a quota, default limits and default-deny networking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from infra.components.nodes.spec import NVIDIA, accelerators

PSS_LEVEL = "restricted"
KUBE_VERSION_LABEL_VALUE = "latest"


@dataclass(frozen=True)
class Quota:
    cpu: str
    memory: str
    gpus: int
    pods: int


def gpu_quota_key(accelerator: str = NVIDIA) -> str:
    """The quota item for an accelerator's extended resource, from the scheduling contract. Only the
    `requests.` form exists: Kubernetes refuses `limits.<extended resource>` in a quota, since extended
    resources cannot be overcommitted (requests always equal limits)."""
    resource = accelerators()[accelerator].resource
    if resource is None:
        raise ValueError(f"accelerator {accelerator!r} advertises no extended resource")
    return f"requests.{resource}"


def compute_quota(quota: Quota) -> dict[str, str]:
    return {
        "requests.cpu": quota.cpu,
        "limits.cpu": quota.cpu,
        "requests.memory": quota.memory,
        "limits.memory": quota.memory,
        "pods": str(quota.pods),
        gpu_quota_key(NVIDIA): str(quota.gpus),
    }


def container_limit_range() -> dict[str, Any]:
    """Per-container defaults: CPU and memory only. No accelerator appears here at all: a default or
    defaultRequest would hand a GPU to every pod that does not ask for one, and a `max` would make the
    LimitRanger refuse every pod that sets no GPU limit (it requires a limit for each resource with a max).
    The per-namespace GPU ceiling is the quota's `requests.<resource>`."""
    return {
        "type": "Container",
        "default": {"cpu": "500m", "memory": "512Mi"},
        "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
    }


def priority_class_quota(denied: Sequence[str]) -> dict[str, Any]:
    """A quota of 0 pods for the given PriorityClasses: the API server refuses any pod of those classes in
    the namespace (the quota admission rejects what exceeds a scoped `hard`)."""
    return {
        "hard": {"pods": "0"},
        "scopeSelector": {
            "matchExpressions": [{"scopeName": "PriorityClass", "operator": "In", "values": list(denied)}]
        },
    }


class GovernedNamespace(pulumi.ComponentResource):
    namespace: k8s.core.v1.Namespace

    def __init__(
        self,
        name: str,
        *,
        namespace: str,
        quota: Quota,
        labels: dict[str, str],
        opts: pulumi.ResourceOptions,
        pod_security: str = PSS_LEVEL,
        denied_priority_classes: Sequence[str] = (),
    ) -> None:
        super().__init__("ai-platform:namespaces:GovernedNamespace", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        pss = {f"pod-security.kubernetes.io/{mode}": pod_security for mode in ("enforce", "audit", "warn")}
        pss |= {
            f"pod-security.kubernetes.io/{mode}-version": KUBE_VERSION_LABEL_VALUE
            for mode in ("enforce", "audit", "warn")
        }
        self.namespace = k8s.core.v1.Namespace(
            name, metadata={"name": namespace, "labels": {**labels, **pss}}, opts=child
        )
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        metadata = {"namespace": namespace}
        k8s.core.v1.ResourceQuota(
            f"{name}-quota",
            metadata={**metadata, "name": "compute"},
            spec={"hard": compute_quota(quota)},
            opts=in_namespace,
        )
        if denied_priority_classes:
            k8s.core.v1.ResourceQuota(
                f"{name}-priority-quota",
                metadata={**metadata, "name": "platform-priority-classes"},
                spec=priority_class_quota(denied_priority_classes),
                opts=in_namespace,
            )
        k8s.core.v1.LimitRange(
            f"{name}-limits",
            metadata={**metadata, "name": "defaults"},
            spec={"limits": [container_limit_range()]},
            opts=in_namespace,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-default-deny",
            metadata={**metadata, "name": "default-deny"},
            spec={"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
            opts=in_namespace,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-allow-dns",
            metadata={**metadata, "name": "allow-dns"},
            spec={
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                            }
                        ],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
            opts=in_namespace,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-allow-same-namespace",
            metadata={**metadata, "name": "allow-same-namespace"},
            spec={
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": {}}]}],
            },
            opts=in_namespace,
        )
        self.register_outputs({"name": namespace})
