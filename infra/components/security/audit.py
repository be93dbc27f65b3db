"""Audit trail of the account and access logs of the platform's buckets.

- AccessLogBucket (one per region): receives S3 server access logs of the platform's buckets in that
  region. S3 delivers access logs only to a bucket in the same region, encrypted with SSE-S3 (SSE-KMS is
  not supported for the target) and without an object-lock default retention, so this bucket is
  versioned, public-access-blocked, TLS-only and expires logs after the configured retention.
- AuditTrail (one per stack, in the primary region): a multi-region CloudTrail trail with log file
  validation, encrypted with its own KMS key, into a versioned, object-locked (COMPLIANCE),
  KMS-encrypted, public-access-blocked bucket whose access logs go to the primary region's log bucket and
  whose lifecycle expires noncurrent versions after the lock period and aborts failed multipart uploads.
  Key and bucket policies let CloudTrail in only for this trail (aws:SourceArn, confused deputy).
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from infra.components.access.iam import account_id
from infra.components.aws_names import partition_of
from infra.components.security.encryption import key_administration
from infra.context import TAG_DATA_CLASS, StackContext


def _tls_only(arn: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def access_log_bucket_policy(arn: str, account: str, source_bucket_pattern: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                _tls_only(arn),
                {
                    "Sid": "S3ServerAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/*",
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": source_bucket_pattern},
                    },
                },
            ],
        }
    )


def trail_bucket_policy(arn: str, account: str, trail_arn: str) -> str:
    source = {"StringEquals": {"aws:SourceArn": trail_arn, "aws:SourceAccount": account}}
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                _tls_only(arn),
                {
                    "Sid": "CloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": arn,
                    "Condition": source,
                },
                {
                    "Sid": "CloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/AWSLogs/{account}/*",
                    "Condition": {
                        "StringEquals": {**source["StringEquals"], "s3:x-amz-acl": "bucket-owner-full-control"}
                    },
                },
            ],
        }
    )


def trail_key_policy(account: str, partition: str, trail_arn: str) -> str:
    trail_context = f"arn:{partition}:cloudtrail:*:{account}:trail/*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                key_administration(partition, account),
                {
                    "Sid": "CloudTrailEncrypt",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:GenerateDataKey*",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:SourceArn": trail_arn},
                        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail_context},
                    },
                },
                {
                    "Sid": "CloudTrailDescribeKey",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:DescribeKey",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
                },
            ],
        }
    )


def _public_access_block(name: str, bucket: aws.s3.Bucket, opts: pulumi.ResourceOptions) -> None:
    aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
    )


class AccessLogBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:audit:AccessLogBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        prefix = f"{ctx.project}-{ctx.stack}-"
        self.bucket = aws.s3.Bucket(
            name,
            bucket_prefix=f"{prefix}access-logs-",
            force_destroy=False,
            tags=ctx.tags(region, **{TAG_DATA_CLASS: "logs"}),
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            name, bucket=self.bucket.id, versioning_configuration={"status": "Enabled"}, opts=child
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=self.bucket.id,
            # S3 server access logging supports only SSE-S3 on the target bucket.
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child,
        )
        _public_access_block(name, self.bucket, child)
        days = ctx.config.audit.access_log_retention_days
        aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=self.bucket.id,
            rules=[
                {
                    "id": "access-log-retention",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "expiration": {"days": days},
                    "noncurrent_version_expiration": {"noncurrent_days": 30},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[versioning])),
        )
        partition = partition_of(region)
        policy = pulumi.Output.all(self.bucket.arn, account_id(provider)).apply(
            lambda a: access_log_bucket_policy(a[0], a[1], f"arn:{partition}:s3:::{prefix}*")
        )
        aws.s3.BucketPolicy(name, bucket=self.bucket.id, policy=policy, opts=child)
        self.register_outputs({"bucket": self.bucket.bucket})

    def log(self, name: str, source: aws.s3.Bucket, opts: pulumi.ResourceOptions) -> aws.s3.BucketLogging:
        """Send `source`'s server access logs here, under a prefix named after the resource."""
        return aws.s3.BucketLogging(
            name,
            bucket=source.id,
            target_bucket=self.bucket.id,
            target_prefix=f"{name}/",
            opts=opts,
        )


class AuditTrail(pulumi.ComponentResource):
    trail: aws.cloudtrail.Trail

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        access_logs: AccessLogBucket,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:audit:AuditTrail", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        tags = ctx.tags(region)
        partition = partition_of(region)
        trail_name = f"{ctx.project}-{ctx.stack}"
        account = account_id(provider)
        trail_arn = account.apply(lambda a: f"arn:{partition}:cloudtrail:{region}:{a}:trail/{trail_name}")

        key = aws.kms.Key(
            f"{name}-key",
            description=f"{ctx.project} {ctx.stack}: CloudTrail",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(account, trail_arn).apply(lambda a: trail_key_policy(a[0], partition, a[1])),
            tags=tags,
            opts=child,
        )
        aws.kms.Alias(
            f"{name}-key", name=f"alias/{ctx.project}-{ctx.stack}-cloudtrail", target_key_id=key.key_id, opts=child
        )
        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket_prefix=f"{ctx.project}-{ctx.stack}-cloudtrail-",
            object_lock_enabled=True,
            force_destroy=False,
            tags=ctx.tags(region, **{TAG_DATA_CLASS: "audit"}),
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-bucket", bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=child
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-bucket",
            bucket=bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": key.arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        _public_access_block(f"{name}-bucket", bucket, child)
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-bucket",
            bucket=bucket.id,
            rule={"default_retention": {"mode": "COMPLIANCE", "days": ctx.config.audit.trail_object_lock_days}},
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[versioning])),
        )
        # Current log files stay (they are the audit record); noncurrent versions expire once the object lock
        # has released them, and failed multipart uploads are cleaned up instead of billed indefinitely.
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-bucket",
            bucket=bucket.id,
            rules=[
                {
                    "id": "trail-noncurrent-and-uploads",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "noncurrent_version_expiration": {"noncurrent_days": ctx.config.audit.trail_object_lock_days},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[versioning])),
        )
        bucket_policy = aws.s3.BucketPolicy(
            f"{name}-bucket",
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, account, trail_arn).apply(
                lambda a: trail_bucket_policy(a[0], a[1], a[2])
            ),
            opts=child,
        )
        access_logs.log(f"{name}-bucket", bucket, child)
        self.trail = aws.cloudtrail.Trail(
            name,
            name=trail_name,
            s3_bucket_name=bucket.id,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=key.arn,
            tags=tags,
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[bucket_policy])),
        )
        self.register_outputs({"trail": self.trail.arn, "bucket": bucket.bucket})
