"""Per-region EKS control plane: API-mode access entries, private endpoint, envelope encryption, audit logs."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from infra.components.access.iam import account_id, aws_managed_policy, service_trust_policy
from infra.components.aws_names import partition_of
from infra.context import StackContext

CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
BREAK_GLASS_TAG = "ai-platform/break-glass"


class Cluster(pulumi.ComponentResource):
    eks: aws.eks.Cluster
    oidc_provider: aws.iam.OpenIdConnectProvider

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        private_subnet_ids: Sequence[pulumi.Input[str]],
        secrets_key_arn: pulumi.Input[str],
        logs_key_arn: pulumi.Input[str],
        security_group_id: pulumi.Input[str],
        team_principals: dict[str, list[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:cluster:Cluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        config = ctx.config
        tags = ctx.tags(region)
        partition = partition_of(region)
        cluster_name = ctx.cluster_name(region)

        # Confused deputy: EKS accepts aws:SourceAccount and aws:SourceArn in the cluster role's trust policy.
        trust = account_id(provider).apply(
            lambda account: service_trust_policy(
                "eks.amazonaws.com", account, f"arn:{partition}:eks:{region}:{account}:cluster/{cluster_name}"
            )
        )
        role = aws.iam.Role(f"{name}-control-plane", assume_role_policy=trust, tags=tags, opts=child)
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-control-plane",
            role=role.name,
            policy_arn=aws_managed_policy(partition, "AmazonEKSClusterPolicy"),
            opts=child,
        )
        # Created before the cluster so EKS writes into a group with our retention and key.
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-control-plane",
            name=f"/aws/eks/{cluster_name}/cluster",
            retention_in_days=config.cluster.log_retention_days,
            kms_key_id=logs_key_arn,
            tags=tags,
            opts=child,
        )

        endpoint = config.cluster.endpoint
        self.eks = aws.eks.Cluster(
            name,
            name=cluster_name,
            version=config.kubernetes_version,
            role_arn=role.arn,
            vpc_config={
                "subnet_ids": list(private_subnet_ids),
                # Updated in place by EKS (UpdateClusterConfig): adding it does not replace the cluster.
                "security_group_ids": [security_group_id],
                "endpoint_private_access": True,
                "endpoint_public_access": endpoint.public_access,
                "public_access_cidrs": endpoint.public_access_cidrs if endpoint.public_access else None,
            },
            access_config={"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False},
            encryption_config={"provider": {"key_arn": secrets_key_arn}, "resources": ["secrets"]},
            enabled_cluster_log_types=CONTROL_PLANE_LOG_TYPES,
            deletion_protection=config.deletion_protection,
            # Add-ons are managed below as EKS add-ons, so none is bootstrapped unmanaged.
            bootstrap_self_managed_addons=False,
            upgrade_policy={"support_type": "STANDARD"},
            tags=tags,
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[attachment, log_group])),
        )
        issuer = self.eks.identities.apply(lambda ids: ids[0]["oidcs"][0]["issuer"])  # type: ignore[index]
        self.oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc", url=issuer, client_id_lists=["sts.amazonaws.com"], tags=tags, opts=child
        )

        # The declared administrators' entries carry the break-glass tag: the gate's
        # aws.stack_deny_eks_cluster_admin_access admits a cluster-admin association only through one.
        for index, role_arn in enumerate(config.cluster.admin_role_arns):
            entry = aws.eks.AccessEntry(
                f"{name}-admin-{index}",
                cluster_name=self.eks.name,
                principal_arn=role_arn,
                type="STANDARD",
                tags={**tags, BREAK_GLASS_TAG: "true"},
                opts=child,
            )
            aws.eks.AccessPolicyAssociation(
                f"{name}-admin-{index}",
                cluster_name=self.eks.name,
                principal_arn=entry.principal_arn,
                policy_arn=f"arn:{partition}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}",
                access_scope={"type": "cluster"},
                opts=child,
            )
        # Team principals get only Kubernetes groups; namespaced RoleBindings grant what the groups may do.
        for index, (principal, groups) in enumerate(sorted(team_principals.items())):
            aws.eks.AccessEntry(
                f"{name}-team-{index}",
                cluster_name=self.eks.name,
                principal_arn=principal,
                type="STANDARD",
                kubernetes_groups=groups,
                tags=tags,
                opts=child,
            )

        self.register_outputs(
            {"name": self.eks.name, "endpoint": self.eks.endpoint, "oidcProviderArn": self.oidc_provider.arn}
        )
