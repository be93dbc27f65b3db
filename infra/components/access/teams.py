"""Team namespaces and RBAC: EKS access entries map IAM roles to groups; RoleBindings grant the groups."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from infra.components.access import priority_classes
from infra.components.access.namespaces import GovernedNamespace, Quota
from infra.components.security.pki.names import TRUST_BUNDLE_LABELS
from infra.config.model import TeamConfig

TEAM_ROLES = ("admin", "edit", "view")


def team_group(team: str, role: str) -> str:
    return f"ai-platform:team:{team}:{role}"


def team_principals(teams: list[TeamConfig]) -> dict[str, list[str]]:
    """IAM role ARN -> Kubernetes groups; one access entry per principal, however many teams it is in."""
    principals: dict[str, list[str]] = {}
    for team in teams:
        for role in TEAM_ROLES:
            for arn in getattr(team.access, role):
                principals.setdefault(arn, []).append(team_group(team.name, role))
    return principals


class TeamAccess(pulumi.ComponentResource):
    namespace: GovernedNamespace

    def __init__(self, name: str, *, team: TeamConfig, opts: pulumi.ResourceOptions) -> None:
        super().__init__("ai-platform:teams:TeamAccess", name, None, opts)
        self.namespace = GovernedNamespace(
            f"{name}-namespace",
            namespace=team.name,
            quota=Quota(team.quota.cpu, team.quota.memory, team.quota.gpus, team.quota.pods),
            # The platform CA bundle (trust-manager) is written here: team workloads use the object store.
            labels={"ai-platform/team": team.name, "ai-platform/cost-center": team.cost_center, **TRUST_BUNDLE_LABELS},
            # Teams choose inference or batch; the system class is the platform's own.
            denied_priority_classes=priority_classes.PLATFORM_ONLY,
            opts=pulumi.ResourceOptions(parent=self),
        )
        for role in TEAM_ROLES:
            k8s.rbac.v1.RoleBinding(
                f"{name}-{role}",
                metadata={"namespace": team.name, "name": f"team-{role}"},
                role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
                subjects=[
                    {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": team_group(team.name, role)}
                ],
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.namespace.namespace]),
            )
        self.register_outputs({"namespace": team.name})
