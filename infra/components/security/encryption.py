"""Per-region customer-managed KMS keys: one per purpose, all rotating."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from infra.components.aws_names import partition_of
from infra.context import StackContext

KEY_PURPOSES = ("eks-secrets", "logs", "storage")


def key_alias(ctx: StackContext, purpose: str) -> str:
    """The alias of a purpose's key in every region (aliases are regional, so one name serves all)."""
    return f"alias/{ctx.project}-{ctx.stack}-{purpose}"


def key_administration(partition: str, account: str) -> dict[str, Any]:
    """The key-policy statement that lets the account's IAM policies govern the key (AWS's default)."""
    return {
        "Sid": "AccountAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def key_policy(account_id: str, region: str) -> str:
    """A regional key's policy: the account governs it; CloudWatch Logs may use it for the region's log groups."""
    return _key_policy(account_id, region)


def _key_policy(account_id: str, region: str) -> str:
    partition = partition_of(region)
    log_groups = f"arn:{partition}:logs:{region}:{account_id}:log-group:*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                key_administration(partition, account_id),
                {
                    # CloudWatch Logs encrypts log groups (flow logs, EKS control plane) with the key.
                    "Sid": "CloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": [
                        "kms:Encrypt*",
                        "kms:Decrypt*",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:Describe*",
                    ],
                    "Resource": "*",
                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
                },
            ],
        }
    )


class Encryption(pulumi.ComponentResource):
    """KMS keys for EKS secrets envelope encryption, log groups and storage (EBS, S3)."""

    keys: dict[str, aws.kms.Key]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:encryption:Encryption", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
        policy = identity.account_id.apply(lambda account: _key_policy(account, region))
        self.keys = {}
        for purpose in KEY_PURPOSES:
            key = aws.kms.Key(
                f"{name}-{purpose}",
                description=f"{ctx.project} {ctx.stack} {region}: {purpose}",
                enable_key_rotation=True,
                rotation_period_in_days=365,
                deletion_window_in_days=30,
                policy=policy,
                tags=ctx.tags(region),
                opts=child,
            )
            aws.kms.Alias(
                f"{name}-{purpose}",
                name=key_alias(ctx, purpose),
                target_key_id=key.key_id,
                opts=child,
            )
            self.keys[purpose] = key
        self.register_outputs({purpose: key.arn for purpose, key in self.keys.items()})
