"""The standard EKS add-ons, managed by EKS, each pinned to a version from config.

The VPC CNI and the EBS CSI driver get their AWS roles through EKS Pod Identity (the node role carries
no CNI policy). Upgrading: change the version (ai-platform:addons.versions or the defaults file); the
add-on is updated in place (same resource, `resolveConflictsOnUpdate` OVERWRITE: the settings here win).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from infra.components.access.iam import account_id, aws_managed_policy, pod_identity_trust_policy
from infra.components.aws_names import partition_of
from infra.context import StackContext

# Add-ons that nodes need before they become Ready; the others need Ready nodes to schedule on.
NODE_PREREQUISITES = {
    "vpc-cni": {"enableNetworkPolicy": "true", "env": {"ENABLE_PREFIX_DELEGATION": "true"}},
    "kube-proxy": None,
    "eks-pod-identity-agent": None,
}
NEEDS_NODES = {"coredns": {"replicaCount": 2}, "aws-ebs-csi-driver": None}


class Addons(pulumi.ComponentResource):
    before_nodes: list[aws.eks.Addon]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        cluster: aws.eks.Cluster,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:addons:Addons", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self, provider=provider)
        self._cluster = cluster
        self._tags = ctx.tags(region)
        self._name = name
        self._region = region
        self._versions = ctx.config.addon_versions
        self._account = account_id(provider)
        self._cluster_name = ctx.cluster_name(region)
        cni_role, cni_attachment = self._pod_identity_role("vpc-cni", "aws-node", "AmazonEKS_CNI_Policy")
        self.before_nodes = [
            self._addon(
                addon,
                values,
                depends_on=[cni_attachment] if addon == "vpc-cni" else (),
                pod_identity={"role_arn": cni_role.arn, "service_account": "aws-node"} if addon == "vpc-cni" else None,
            )
            for addon, values in NODE_PREREQUISITES.items()
        ]
        self.register_outputs({})

    def _addon(
        self,
        addon: str,
        values: dict[str, object] | None,
        depends_on: Sequence[pulumi.Resource] = (),
        pod_identity: dict[str, pulumi.Input[str]] | None = None,
    ) -> aws.eks.Addon:
        return aws.eks.Addon(
            f"{self._name}-{addon}",
            cluster_name=self._cluster.name,
            addon_name=addon,
            addon_version=self._versions[addon],
            pod_identity_associations=[pod_identity] if pod_identity else None,
            configuration_values=json.dumps(values) if values else None,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=self._tags,
            opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(depends_on=list(depends_on))),
        )

    def _pod_identity_role(
        self, key: str, service_account: str, policy: str
    ) -> tuple[aws.iam.Role, aws.iam.RolePolicyAttachment]:
        """A role only `kube-system/<service_account>` of this cluster can assume, with one managed policy."""
        trust = self._account.apply(
            lambda account: pod_identity_trust_policy(account, self._cluster_name, "kube-system", service_account)
        )
        role = aws.iam.Role(f"{self._name}-{key}", assume_role_policy=trust, tags=self._tags, opts=self._child)
        attachment = aws.iam.RolePolicyAttachment(
            f"{self._name}-{key}",
            role=role.name,
            policy_arn=aws_managed_policy(partition_of(self._region), policy),
            opts=self._child,
        )
        return role, attachment

    def after_nodes(self, node_groups: Sequence[aws.eks.NodeGroup], *, volume_key_alias: str) -> None:
        """Add-ons whose pods need schedulable nodes (CoreDNS, EBS CSI)."""
        ebs_role, attachment = self._pod_identity_role(
            "ebs-csi", "ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy"
        )
        # The managed policy covers AWS-managed keys only; volumes of a StorageClass naming the region's
        # storage key (the monitoring stack's) need these grants on that key.
        kms = aws.iam.RolePolicy(
            f"{self._name}-ebs-csi-kms",
            role=ebs_role.id,
            policy=self._account.apply(
                lambda account: ebs_csi_kms_policy(partition_of(self._region), self._region, account, volume_key_alias)
            ),
            opts=self._child,
        )
        for addon, values in NEEDS_NODES.items():
            self._addon(addon, values, depends_on=[*node_groups, attachment, kms])
        aws.eks.PodIdentityAssociation(
            f"{self._name}-ebs-csi",
            cluster_name=self._cluster.name,
            namespace="kube-system",
            service_account="ebs-csi-controller-sa",
            role_arn=ebs_role.arn,
            tags=self._tags,
            opts=self._child,
        )


def ebs_csi_kms_policy(partition: str, region: str, account: str, key_alias: str) -> str:
    """What the EBS CSI driver needs to create and attach volumes encrypted with a customer-managed key
    (AWS's EBS CSI documentation), on the key carrying `key_alias` only. Selected by alias rather than by
    the key's generated ARN, so that a first `pulumi preview` already shows the whole document."""
    keys = f"arn:{partition}:kms:{region}:{account}:key/*"
    alias = {"ForAnyValue:StringEquals": {"kms:ResourceAliases": key_alias}}
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "GrantsForAttachedVolumes",
                    "Effect": "Allow",
                    "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                    "Resource": keys,
                    "Condition": {**alias, "Bool": {"kms:GrantIsForAWSResource": "true"}},
                },
                {
                    "Sid": "EncryptVolumes",
                    "Effect": "Allow",
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:DescribeKey",
                    ],
                    "Resource": keys,
                    "Condition": alias,
                },
            ],
        }
    )
