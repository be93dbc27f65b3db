"""Explicit, minimal security groups for the EKS control plane, the nodes and the VPC interface endpoints.

What each group allows, and why (rules are data in SG_RULES, so tests and docs read the same list):
- control plane (additional SG on the EKS-managed ENIs): ingress 443 from the nodes (kubelets and pods
  call the API); egress to the nodes on 10250 (kubelet: logs, exec, metrics) and 443 (admission
  webhooks and aggregated APIs served by pods). A webhook served on another port needs its own rule.
- nodes (set on the launch templates, so EKS does not add its permissive cluster SG): all traffic
  from other nodes (pod-to-pod over the VPC CNI, CoreDNS, kube-proxy); 443 and 10250 from the control
  plane; egress to other nodes, 443 to the control plane and to the VPC (interface endpoints), and
  443 to anywhere: nodes pull images from registries outside AWS (ghcr.io, registry.k8s.io) through
  the NAT gateways. DNS (the VPC resolver) and NTP (Amazon Time Sync) are link-local and not subject
  to security groups. No ingress from outside the VPC.
- endpoints: ingress 443 from the VPC CIDR only; no egress (interface endpoints answer, never call).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from infra.context import StackContext

Group = Literal["cluster", "nodes", "endpoints"]
Peer = Literal["cluster", "nodes", "vpc", "anywhere"]


@dataclass(frozen=True)
class SgRule:
    group: Group
    direction: Literal["ingress", "egress"]
    peer: Peer
    protocol: str
    from_port: int | None
    to_port: int | None
    why: str

    @property
    def key(self) -> str:
        ports = (
            "all"
            if self.from_port is None
            else f"{self.from_port}" + ("" if self.to_port == self.from_port else f"-{self.to_port}")
        )
        return f"{self.group}-{self.direction}-{self.peer}-{ports}"


SG_RULES: tuple[SgRule, ...] = (
    SgRule("cluster", "ingress", "nodes", "tcp", 443, 443, "kubelets and pods call the Kubernetes API"),
    SgRule("cluster", "egress", "nodes", "tcp", 10250, 10250, "API server to kubelet: logs, exec, metrics"),
    SgRule("cluster", "egress", "nodes", "tcp", 443, 443, "API server to admission webhooks and aggregated APIs"),
    SgRule("nodes", "ingress", "nodes", "-1", None, None, "pod-to-pod and node-to-node traffic (VPC CNI)"),
    SgRule("nodes", "ingress", "cluster", "tcp", 10250, 10250, "API server to kubelet"),
    SgRule("nodes", "ingress", "cluster", "tcp", 443, 443, "API server to webhooks served by pods"),
    SgRule("nodes", "egress", "nodes", "-1", None, None, "pod-to-pod and node-to-node traffic (VPC CNI)"),
    SgRule("nodes", "egress", "cluster", "tcp", 443, 443, "kubelets and pods call the Kubernetes API"),
    SgRule("nodes", "egress", "vpc", "tcp", 443, 443, "VPC interface endpoints (ECR, S3, STS, Logs, KMS)"),
    SgRule("nodes", "egress", "anywhere", "tcp", 443, 443, "image pulls from registries outside AWS via NAT"),
    SgRule("endpoints", "ingress", "vpc", "tcp", 443, 443, "clients inside the VPC reach the endpoints over TLS"),
)

_DESCRIPTIONS: dict[Group, str] = {
    "cluster": "EKS control plane: API from nodes only",
    "nodes": "EKS nodes: node-to-node, control plane, TLS egress",
    "endpoints": "VPC interface endpoints: TLS from the VPC",
}


class SecurityGroups(pulumi.ComponentResource):
    groups: dict[Group, aws.ec2.SecurityGroup]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        vpc_id: pulumi.Input[str],
        vpc_cidr: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:network:SecurityGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        tags = ctx.tags(region)
        # Groups without inline rules; each rule is its own resource, so the cluster and node groups
        # can reference each other without a cycle.
        self.groups = {
            group: aws.ec2.SecurityGroup(
                f"{name}-{group}",
                vpc_id=vpc_id,
                description=description,
                revoke_rules_on_delete=True,
                tags={**tags, "Name": f"{name}-{group}"},
                opts=child,
            )
            for group, description in _DESCRIPTIONS.items()
        }
        for rule in SG_RULES:
            peer: dict[str, pulumi.Input[str]] = {}
            if rule.peer == "vpc":
                peer["cidr_ipv4"] = vpc_cidr
            elif rule.peer == "anywhere":
                peer["cidr_ipv4"] = "0.0.0.0/0"
            else:
                peer["referenced_security_group_id"] = self.groups[rule.peer].id
            ports: dict[str, int] = {}
            if rule.from_port is not None and rule.to_port is not None:
                ports = {"from_port": rule.from_port, "to_port": rule.to_port}
            args = {
                "security_group_id": self.groups[rule.group].id,
                "ip_protocol": rule.protocol,
                "description": rule.why,
                "tags": tags,
                **peer,
                **ports,
            }
            if rule.direction == "ingress":
                aws.vpc.SecurityGroupIngressRule(f"{name}-{rule.key}", **args, opts=child)  # type: ignore[arg-type]
            else:
                aws.vpc.SecurityGroupEgressRule(f"{name}-{rule.key}", **args, opts=child)  # type: ignore[arg-type]
        self.register_outputs({group: sg.id for group, sg in self.groups.items()})
