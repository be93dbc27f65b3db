"""Velero: the cluster's backups (copy 2 of 3-2-1) in the region's AWS backup vault (docs/backups.md).

File-system backups with kopia through the node agent (every pod volume, `defaultVolumesToFsBackup`), no EBS
snapshots (they cannot be restored in another region), written under `velero/` in the region's BackupVault
bucket and encrypted with the vault's KMS key. Credentials come from EKS Pod Identity for Velero's service
account only (no keys in a Secret); the role may touch the vault bucket's `velero/` prefix and use its key.
The Schedule backs up every namespace except the restore check's scratch namespace, every
storage.backup.everyHours, kept retentionDays. The vault's object lock and off-region replication
(continuity/backups.py) apply to these objects as to every other backup.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Final

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import yaml
from storage_jobs.restore_check import contract as restore_contract

from infra.components.access import priority_classes
from infra.components.access.iam import PodIdentityNames, account_id, pod_identity
from infra.components.access.namespaces import GovernedNamespace, Quota
from infra.components.aws_names import partition_of
from infra.components.continuity.backups import BackupVault, bucket_arn_pattern, key_statement
from infra.components.continuity.restore_check import egress_rules
from infra.components.monitoring import names
from infra.components.monitoring.network import scrape_ingress
from infra.components.nodes.spec import role_label
from infra.components.storage import contract as storage
from infra.config.model import BackupConfig, PlatformConfig
from infra.context import StackContext

CHART: Final = "velero"
CHARTS_FILE: Final = Path(__file__).with_name("charts.yaml")
VALUES_FILE: Final = Path(__file__).with_name("values") / "velero.yaml"
RELEASE_NAME: Final = "velero"
SERVICE_ACCOUNT: Final = "velero"
PREFIX: Final = "velero"
LOCATION: Final = "default"
# The chart's metrics port (values.yaml metrics.podAnnotations prometheus.io/port).
METRICS_PORT: Final = 8085
# Per node: the node agent's limits (values/velero.yaml); plus the server and the restore check's job.
NODE_AGENT_CPU_MILLI, NODE_AGENT_MEMORY_MI = 1000, 1024
FIXED_CPU_MILLI, FIXED_MEMORY_MI, FIXED_PODS = 3000, 3072, 10


@functools.cache
def chart_pin() -> dict[str, str]:
    table: dict[str, dict[str, str]] = yaml.safe_load(CHARTS_FILE.read_text(encoding="utf-8"))
    return {key: str(value) for key, value in table[CHART].items()}


def namespace() -> str:
    return storage.namespace("velero")


def schedule_cron(backup: BackupConfig) -> str:
    """Every `everyHours` hours on the hour (everyHours divides 24, so the spacing is even across midnight)."""
    return "0 0 * * *" if backup.every_hours == 24 else f"0 */{backup.every_hours} * * *"


def ttl(backup: BackupConfig) -> str:
    return f"{backup.retention_days * 24}h0m0s"


def max_nodes(config: PlatformConfig) -> int:
    return sum(pool.max_size for pool in config.node_pools.values())


def quota(config: PlatformConfig) -> Quota:
    """Grows with the pools: one node agent per node at the pools' maximum size (a quota too small silently
    refuses the node agents of the nodes added last, and their volumes are then never backed up)."""
    nodes = max_nodes(config)
    cpu = FIXED_CPU_MILLI + NODE_AGENT_CPU_MILLI * nodes
    memory = FIXED_MEMORY_MI + NODE_AGENT_MEMORY_MI * nodes
    return Quota(f"{cpu}m", f"{memory}Mi", 0, FIXED_PODS + nodes)


def iam_policy(partition: str, account: str, vault: BackupVault) -> str:
    """What Velero's AWS plugin and kopia need (velero-plugin-for-aws README, without the EC2 snapshot
    actions): objects under velero/ in the vault bucket, listing of that prefix, and the vault key.

    Like the vault's replication role, the document names the bucket by the stack's vault prefix and the key
    by its alias, not by generated ARNs: a first `pulumi preview` can then show it to the gate. The prefix
    also matches the stack's other regions' vaults, which hold replicas of the same backups."""
    bucket = bucket_arn_pattern(partition, vault)
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "VeleroObjects",
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObject",
                        "s3:PutObject",
                        "s3:DeleteObject",
                        "s3:AbortMultipartUpload",
                        "s3:ListMultipartUploadParts",
                    ],
                    "Resource": [f"{bucket}/{PREFIX}/*"],
                },
                {
                    "Sid": "ListVeleroPrefix",
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": [bucket],
                    "Condition": {"StringLike": {"s3:prefix": [f"{PREFIX}/*", f"{PREFIX}/"]}},
                },
                {
                    "Sid": "VaultKey",
                    **key_statement(partition, account, vault, ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"]),
                },
            ],
        }
    )


def values(
    config: PlatformConfig,
    *,
    region: str,
    bucket: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    system_tolerations: list[dict[str, Any]],
) -> dict[str, Any]:
    """The release values. The bucket and key are outputs of the vault, left as leaves of the values: before
    the vault exists only these two are unknown in a preview, and the policies still read everything else."""
    base: dict[str, Any] = yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))
    pin = chart_pin()
    repository, tag = pin["image"].rsplit(":", 1)
    node_agent = {**base["nodeAgent"], "priorityClassName": priority_classes.SYSTEM}
    backup = config.storage.backup
    return {
        **base,
        "image": {"repository": repository, "tag": tag},
        "initContainers": [
            {
                "name": "velero-plugin-for-aws",
                "image": pin["awsPlugin"],
                "imagePullPolicy": "IfNotPresent",
                "volumeMounts": [{"mountPath": "/target", "name": "plugins"}],
            }
        ],
        # The server on the system pools, next to the other cluster add-ons; both at the platform's class.
        "nodeSelector": {role_label(): "system"},
        "priorityClassName": priority_classes.SYSTEM,
        "tolerations": system_tolerations,
        "nodeAgent": node_agent,
        "configuration": {
            **base["configuration"],
            "defaultBackupTTL": ttl(backup),
            "backupStorageLocation": [
                {
                    "name": LOCATION,
                    "provider": "aws",
                    "bucket": bucket,
                    "prefix": PREFIX,
                    "default": True,
                    "accessMode": "ReadWrite",
                    # SSE-KMS with the vault's key on every object Velero and kopia write.
                    "config": {"region": region, "kmsKeyId": key_arn},
                }
            ],
        },
        "metrics": {
            **base["metrics"],
            "serviceMonitor": {
                "enabled": True,
                "autodetect": False,
                "namespace": names.MONITORING_NAMESPACE,
                "additionalLabels": dict(names.SELECTOR_LABELS),
            },
        },
        "schedules": {
            restore_contract.SCHEDULE_NAME: {
                "disabled": False,
                "schedule": schedule_cron(backup),
                "useOwnerReferencesInBackup": False,
                "template": {
                    "ttl": ttl(backup),
                    "storageLocation": LOCATION,
                    "includedNamespaces": ["*"],
                    # What the restore check restores into: never a backup of its own.
                    "excludedNamespaces": [restore_contract.SCRATCH_NAMESPACE],
                    "defaultVolumesToFsBackup": True,
                    "snapshotVolumes": False,
                },
            }
        },
    }


class Velero(pulumi.ComponentResource):
    release: k8s.helm.v3.Release
    role: aws.iam.Role
    association: aws.eks.PodIdentityAssociation
    namespace: k8s.core.v1.Namespace

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        cluster: aws.eks.Cluster,
        vault: BackupVault,
        vpc_cidr: str,
        aws_provider: aws.Provider,
        system_tolerations: list[dict[str, Any]],
        depends_on: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:continuity:Velero", name, None, opts)
        on_aws = pulumi.ResourceOptions(parent=self, provider=aws_provider)
        tags = ctx.tags(region)
        ns = namespace()
        self.namespace = GovernedNamespace(
            f"{name}-namespace",
            namespace=ns,
            quota=quota(ctx.config),
            labels={"ai-platform/team": "platform"},
            # The node agent mounts /var/lib/kubelet/pods from the host (hostPath): baseline refuses it.
            pod_security="privileged",
            opts=pulumi.ResourceOptions(parent=self),
        ).namespace
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        # The namespace denies all traffic by default: Velero, its node agents and the restore check reach the
        # API server, S3 and STS (TLS inside the VPC), the Pod Identity agent and the Pushgateway.
        k8s.networking.v1.NetworkPolicy(
            f"{name}-egress",
            metadata={"name": "velero-egress", "namespace": ns},
            spec={"podSelector": {}, "policyTypes": ["Egress"], "egress": egress_rules(vpc_cidr)},
            opts=in_namespace,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-metrics-ingress",
            metadata={"name": "velero-metrics-from-monitoring", "namespace": ns},
            spec=scrape_ingress({}, METRICS_PORT),
            opts=in_namespace,
        )
        cluster_name = ctx.cluster_name(region)
        partition = partition_of(region)
        account = account_id(aws_provider)
        identity = pod_identity(
            PodIdentityNames(role=f"{name}-role", policy=f"{name}-vault-access", association=f"{name}-identity"),
            cluster=cluster,
            cluster_name=cluster_name,
            namespace=ns,
            service_account=SERVICE_ACCOUNT,
            account=account,
            policy=account.apply(lambda a: iam_policy(partition, a, vault)),
            tags=tags,
            opts=on_aws,
        )
        self.role, policy, self.association = identity.role, identity.policy, identity.association
        pin = chart_pin()
        self.release = k8s.helm.v3.Release(
            name,
            name=RELEASE_NAME,
            chart=CHART,
            version=pin["version"],
            repository_opts={"repo": pin["repository"]},
            namespace=ns,
            values=values(
                ctx.config,
                region=region,
                bucket=vault.bucket.bucket,
                key_arn=vault.key_arn,
                system_tolerations=system_tolerations,
            ),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[self.namespace, policy, self.association, *depends_on]
            ),
        )
        self.register_outputs({"roleArn": self.role.arn})
