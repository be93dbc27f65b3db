"""Per-region backup vault on S3 (the off-site copy of 3-2-1): versioned, KMS-encrypted, object-locked."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from infra.components.access.iam import account_id, service_trust_policy
from infra.components.aws_names import partition_of
from infra.components.security.audit import AccessLogBucket
from infra.context import TAG_DATA_CLASS, StackContext


class BackupVault(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning
    key_arn: pulumi.Input[str]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        key_arn: pulumi.Input[str],
        key_alias: str,
        access_logs: AccessLogBucket,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:backups:BackupVault", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        backup = ctx.config.storage.backup
        lifecycle = ctx.config.storage.lifecycle
        self.key_arn = key_arn
        self.key_alias = key_alias
        self.region = region
        self.bucket_prefix = f"{ctx.project}-{ctx.stack}-backups-"
        self.bucket = aws.s3.Bucket(
            f"{name}-backups",
            bucket_prefix=self.bucket_prefix,
            object_lock_enabled=True,
            force_destroy=False,
            tags=ctx.tags(region, **{TAG_DATA_CLASS: "backup"}),
            opts=child,
        )
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-backups", bucket=self.bucket.id, versioning_configuration={"status": "Enabled"}, opts=child
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-backups",
            bucket=self.bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": key_arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-backups",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-backups",
            bucket=self.bucket.id,
            rule={"default_retention": {"mode": "COMPLIANCE", "days": backup.object_lock_days}},
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[self.versioning])),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-backups",
            bucket=self.bucket.id,
            rules=[
                {
                    "id": "tiering-and-retention",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "transitions": [
                        {"days": lifecycle.cold_after_days, "storage_class": "STANDARD_IA"},
                        # Glacier Instant Retrieval, not Flexible: Velero's kopia repository reads its oldest
                        # deduplicated blobs on every restore, and a GLACIER object cannot be read without a
                        # restore request first. Every class here serves a plain GET.
                        {"days": lifecycle.archive_after_days, "storage_class": "GLACIER_IR"},
                    ],
                    "noncurrent_version_expiration": {
                        "noncurrent_days": max(backup.retention_days, backup.object_lock_days)
                    },
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[self.versioning])),
        )
        # TLS only: deny any request that is not over HTTPS.
        aws.s3.BucketPolicy(
            f"{name}-backups",
            bucket=self.bucket.id,
            policy=self.bucket.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "DenyInsecureTransport",
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:*",
                                "Resource": [arn, f"{arn}/*"],
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        ],
                    }
                )
            ),
            opts=child,
        )
        access_logs.log(f"{name}-backups", self.bucket, child)
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})

    def replicate_to(
        self, destinations: list[BackupVault], *, ctx: StackContext, region: str, provider: aws.Provider
    ) -> None:
        """Geo-replicate every backup to the standby regions (data-loss scenario: RPO bounded by replication lag)."""
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        # The trust and permission documents name buckets by their prefix and keys by their alias, not
        # by generated ARNs: a first `pulumi preview` knows these values (the account comes from a data
        # source), so the gate can read the documents before anything exists. The prefix is the stack's
        # backup buckets in every region, all holding the same backups.
        partition = partition_of(region)
        # Confused deputy: only replication from this account's backup buckets may assume the role.
        trust = account_id(provider).apply(
            lambda account: service_trust_policy("s3.amazonaws.com", account, bucket_arn_pattern(partition, self))
        )
        role = aws.iam.Role(
            f"{self._name}-replication",
            assume_role_policy=trust,
            tags=ctx.tags(region),
            opts=child,
        )
        policy = account_id(provider).apply(lambda account: replication_policy(partition, account, self, destinations))
        policy_resource = aws.iam.RolePolicy(f"{self._name}-replication", role=role.id, policy=policy, opts=child)
        aws.s3.BucketReplicationConfig(
            f"{self._name}-replication",
            bucket=self.bucket.id,
            role=role.arn,
            rules=[
                {
                    "id": f"off-region-copy-{index}",
                    "priority": index,
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "delete_marker_replication": {"status": "Enabled"},
                    "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
                    "destination": {
                        "bucket": destination.bucket.arn,
                        "storage_class": "STANDARD_IA",
                        "encryption_configuration": {"replica_kms_key_id": destination.key_arn},
                        # Replication Time Control bounds the lag at 15 minutes, inside the one-hour RPO.
                        "replication_time": {"status": "Enabled", "time": {"minutes": 15}},
                        "metrics": {"status": "Enabled", "event_threshold": {"minutes": 15}},
                    },
                }
                for index, destination in enumerate(destinations)
            ],
            opts=pulumi.ResourceOptions.merge(
                child,
                pulumi.ResourceOptions(
                    depends_on=[self.versioning, policy_resource, *[d.versioning for d in destinations]]
                ),
            ),
        )


def bucket_arn_pattern(partition: str, vault: BackupVault) -> str:
    return f"arn:{partition}:s3:::{vault.bucket_prefix}*"


def key_statement(partition: str, account: str, vault: BackupVault, actions: list[str]) -> dict[str, Any]:
    """KMS actions on the vault's key, named by its alias (the key ARN is generated at creation)."""
    return {
        "Effect": "Allow",
        "Action": actions,
        "Resource": [f"arn:{partition}:kms:{vault.region}:{account}:key/*"],
        "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [vault.key_alias]}},
    }


def replication_policy(partition: str, account: str, source: BackupVault, destinations: list[BackupVault]) -> str:
    source_buckets = bucket_arn_pattern(partition, source)
    destination_buckets = sorted({bucket_arn_pattern(partition, d) for d in destinations})
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    "Resource": [source_buckets],
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                        "s3:GetObjectRetention",
                        "s3:GetObjectLegalHold",
                    ],
                    "Resource": [f"{source_buckets}/*"],
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:ReplicateObject",
                        "s3:ReplicateDelete",
                        "s3:ReplicateTags",
                        "s3:ObjectOwnerOverrideToBucketOwner",
                    ],
                    "Resource": [f"{arn}/*" for arn in destination_buckets],
                },
                key_statement(partition, account, source, ["kms:Decrypt"]),
                *(key_statement(partition, account, d, ["kms:Encrypt", "kms:GenerateDataKey"]) for d in destinations),
            ],
        }
    )
