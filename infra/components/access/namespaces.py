"""Governed namespaces: restricted Pod Security, a quota, default limits and default-deny networking."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

PSS_LEVEL = "restricted"
KUBE_VERSION_LABEL_VALUE = "latest"


@dataclass(frozen=True)
class Quota:
    cpu: str
    memory: str
    gpus: int
    pods: int


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
        hard = {
            "requests.cpu": quota.cpu,
            "limits.cpu": quota.cpu,
            "requests.memory": quota.memory,
            "limits.memory": quota.memory,
            "pods": str(quota.pods),
            "requests.nvidia.com/gpu": str(quota.gpus),
        }
        k8s.core.v1.ResourceQuota(
            f"{name}-quota", metadata={**metadata, "name": "compute"}, spec={"hard": hard}, opts=in_namespace
        )
        k8s.core.v1.LimitRange(
            f"{name}-limits",
            metadata={**metadata, "name": "defaults"},
            spec={
                "limits": [
                    {
                        "type": "Container",
                        "default": {"cpu": "500m", "memory": "512Mi"},
                        "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                    }
                ]
            },
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
