"""The restore verification (docs/backups.md): a canary namespace of known content, and a CronJob that restores
it from the latest backup into a scratch namespace and compares (storage-jobs restore-check).

Names, kinds and metric names come from storage_jobs.restore_check.contract, which the job itself reads.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s
from storage_jobs.restore_check import contract

from infra.components.access import priority_classes
from infra.components.access.namespaces import GovernedNamespace, Quota
from infra.components.monitoring import names
from infra.config.model import BackupConfig
from infra.context import StackContext

JOB_NAME: Final = "backup-restore-check"
# What the check's pods carry: the Pushgateway's ingress policy (monitoring/network.py) admits them by it.
JOB_POD_LABELS: Final[dict[str, str]] = {"app.kubernetes.io/name": JOB_NAME}
CANARY_WRITER: Final = "backup-canary"
# Fixed content: its sha256 is recorded next to it, so a restore that alters it is caught.
CANARY_PAYLOAD: Final = "ai-platform backup canary: this text must come back byte for byte.\n"
POD_IDENTITY_AGENT: Final = "169.254.170.23/32"
RESTRICTED_POD: Final[dict[str, Any]] = {
    "runAsNonRoot": True,
    "runAsUser": 65532,
    "runAsGroup": 65532,
    "fsGroup": 65532,
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESTRICTED_CONTAINER: Final[dict[str, Any]] = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}
SMALL: Final = {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "256Mi"}}


# Pods that call the API mount a short-lived projected token where the client looks for it, instead of the
# automounted one (the kubernetes pack denies automounting): token, the cluster CA and the namespace.
API_TOKEN_MOUNT: Final[dict[str, Any]] = {
    "name": "api-token",
    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
    "readOnly": True,
}
API_TOKEN_VOLUME: Final[dict[str, Any]] = {
    "name": "api-token",
    "projected": {
        "sources": [
            {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"fieldPath": "metadata.namespace"}}]}},
        ]
    },
}
# The canary is healthy while its file is on the volume (the image is Python; no shell needed).
CANARY_PROBE: Final[dict[str, Any]] = {
    "exec": {
        "command": [
            "python",
            "-c",
            f"import os, sys; sys.exit(not os.path.isfile('{contract.CANARY_MOUNT}/{contract.CANARY_FILE}'))",
        ]
    },
    "periodSeconds": 60,
}


def check_cron(backup: BackupConfig) -> str:
    """Every verifyEveryHours, at half past (the backups start on the hour)."""
    return "30 3 * * *" if backup.verify_every_hours == 24 else f"30 */{backup.verify_every_hours} * * *"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def egress_rules(vpc_cidr: str) -> list[dict[str, Any]]:
    """DNS, the API server and AWS endpoints (TLS inside the VPC), the Pod Identity agent, the Pushgateway."""
    return [
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                }
            ],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
        },
        {"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": [{"protocol": "TCP", "port": 443}]},
        {"to": [{"ipBlock": {"cidr": POD_IDENTITY_AGENT}}], "ports": [{"protocol": "TCP", "port": 80}]},
        {
            "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": names.MONITORING_NAMESPACE}}}],
            "ports": [{"protocol": "TCP", "port": names.PUSHGATEWAY_PORT}],
        },
    ]


def check_rbac() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rules in Velero's namespace, cluster rules): Velero objects it needs; reads of exactly the compared
    kinds; delete of the scratch namespace only. No Secrets, no writes outside the scratch namespace."""
    velero_rules = [
        {"apiGroups": ["velero.io"], "resources": ["backups"], "verbs": ["get", "list"]},
        {"apiGroups": ["velero.io"], "resources": ["restores"], "verbs": ["create", "get"]},
        {"apiGroups": ["velero.io"], "resources": ["downloadrequests"], "verbs": ["create", "get", "delete"]},
    ]
    by_group: dict[str, list[str]] = {}
    for group, plural in contract.COMPARED_KINDS.values():
        by_group.setdefault(group, []).append(plural)
    cluster_rules: list[dict[str, Any]] = [
        {"apiGroups": [group], "resources": sorted(plurals), "verbs": ["get", "list"]}
        for group, plurals in sorted(by_group.items())
    ]
    cluster_rules += [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]},
        {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
        {
            "apiGroups": [""],
            "resources": ["namespaces"],
            "resourceNames": [contract.SCRATCH_NAMESPACE],
            "verbs": ["get", "delete"],
        },
    ]
    return velero_rules, cluster_rules


def check_args(ctx: StackContext, region: str, velero_namespace: str) -> list[str]:
    return [
        "restore-check",
        "--velero-namespace",
        velero_namespace,
        "--schedule",
        contract.SCHEDULE_NAME,
        "--pushgateway",
        names.pushgateway_url(),
        "--stack",
        ctx.stack,
        "--region",
        region,
        "--cluster",
        ctx.cluster_name(region),
    ]


class RestoreVerification(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        vpc_cidr: str,
        velero_namespace: str,
        depends_on: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:continuity:RestoreVerification", name, None, opts)
        image = ctx.config.storage_jobs.image
        labels = {"app.kubernetes.io/part-of": "ai-platform", "ai-platform/team": "platform"}
        canary_ns = GovernedNamespace(
            f"{name}-canary",
            namespace=contract.CANARY_NAMESPACE,
            quota=Quota("1", "1Gi", 0, 5),
            labels={"ai-platform/team": "platform"},
            opts=pulumi.ResourceOptions(parent=self),
        ).namespace
        in_canary = pulumi.ResourceOptions(parent=self, depends_on=[canary_ns])
        meta = {"namespace": contract.CANARY_NAMESPACE, "labels": labels}
        k8s.core.v1.ConfigMap(
            f"{name}-canary-payload",
            metadata={
                **meta,
                "name": contract.CANARY_CONFIGMAP,
                "annotations": {contract.CANARY_SHA256_ANNOTATION: sha256(CANARY_PAYLOAD)},
            },
            data={contract.CANARY_PAYLOAD_KEY: CANARY_PAYLOAD},
            opts=in_canary,
        )
        # The writer records the sha256 of the file it wrote here; Pulumi creates it empty and leaves it alone.
        volume_record = k8s.core.v1.ConfigMap(
            f"{name}-canary-volume",
            metadata={**meta, "name": contract.CANARY_VOLUME_CONFIGMAP},
            data={},
            opts=pulumi.ResourceOptions.merge(in_canary, pulumi.ResourceOptions(ignore_changes=["data"])),
        )
        pvc = k8s.core.v1.PersistentVolumeClaim(
            f"{name}-canary-data",
            metadata={**meta, "name": contract.CANARY_PVC},
            spec={"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
            opts=in_canary,
        )
        writer_account = k8s.core.v1.ServiceAccount(
            f"{name}-canary-writer", metadata={**meta, "name": CANARY_WRITER}, opts=in_canary
        )
        role = k8s.rbac.v1.Role(
            f"{name}-canary-writer",
            metadata={**meta, "name": CANARY_WRITER},
            rules=[
                {
                    "apiGroups": [""],
                    "resources": ["configmaps"],
                    "resourceNames": [contract.CANARY_VOLUME_CONFIGMAP],
                    "verbs": ["get", "patch"],
                }
            ],
            opts=in_canary,
        )
        binding = k8s.rbac.v1.RoleBinding(
            f"{name}-canary-writer",
            metadata={**meta, "name": CANARY_WRITER},
            role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": CANARY_WRITER},
            subjects=[{"kind": "ServiceAccount", "name": CANARY_WRITER, "namespace": contract.CANARY_NAMESPACE}],
            opts=in_canary,
        )
        pod_labels = {**labels, **contract.CANARY_APP_LABELS}
        k8s.networking.v1.NetworkPolicy(
            f"{name}-canary-egress",
            metadata={**meta, "name": "canary-egress"},
            spec={
                "podSelector": {"matchLabels": dict(contract.CANARY_APP_LABELS)},
                "policyTypes": ["Egress"],
                "egress": egress_rules(vpc_cidr)[:2],
            },
            opts=in_canary,
        )
        k8s.apps.v1.Deployment(
            f"{name}-canary-writer",
            metadata={**meta, "name": CANARY_WRITER},
            spec={
                "replicas": 1,
                "strategy": {"type": "Recreate"},  # one writer on a ReadWriteOnce volume
                "selector": {"matchLabels": dict(contract.CANARY_APP_LABELS)},
                "template": {
                    "metadata": {"labels": pod_labels},
                    "spec": {
                        "serviceAccountName": CANARY_WRITER,
                        "priorityClassName": priority_classes.BATCH,
                        "automountServiceAccountToken": False,
                        "securityContext": RESTRICTED_POD,
                        "containers": [
                            {
                                "name": "canary",
                                "image": image,
                                "args": ["restore-check", "canary", "--dir", contract.CANARY_MOUNT],
                                "env": [
                                    {
                                        "name": "POD_NAMESPACE",
                                        "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}},
                                    }
                                ],
                                "securityContext": RESTRICTED_CONTAINER,
                                "resources": SMALL,
                                "volumeMounts": [
                                    {"name": "data", "mountPath": contract.CANARY_MOUNT},
                                    API_TOKEN_MOUNT,
                                ],
                                "readinessProbe": CANARY_PROBE,
                                "livenessProbe": {**CANARY_PROBE, "initialDelaySeconds": 60},
                            }
                        ],
                        "volumes": [
                            {"name": "data", "persistentVolumeClaim": {"claimName": contract.CANARY_PVC}},
                            API_TOKEN_VOLUME,
                        ],
                    },
                },
            },
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[canary_ns, pvc, volume_record, writer_account, role, binding]
            ),
        )

        in_velero = pulumi.ResourceOptions(parent=self, depends_on=depends_on)
        vmeta = {"namespace": velero_namespace, "labels": labels}
        account = k8s.core.v1.ServiceAccount(f"{name}-job", metadata={**vmeta, "name": JOB_NAME}, opts=in_velero)
        velero_rules, cluster_rules = check_rbac()
        check_role = k8s.rbac.v1.Role(
            f"{name}-job", metadata={**vmeta, "name": JOB_NAME}, rules=velero_rules, opts=in_velero
        )
        check_binding = k8s.rbac.v1.RoleBinding(
            f"{name}-job",
            metadata={**vmeta, "name": JOB_NAME},
            role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": JOB_NAME},
            subjects=[{"kind": "ServiceAccount", "name": JOB_NAME, "namespace": velero_namespace}],
            opts=in_velero,
        )
        cluster_role = k8s.rbac.v1.ClusterRole(
            f"{name}-job", metadata={"name": JOB_NAME, "labels": labels}, rules=cluster_rules, opts=in_velero
        )
        cluster_binding = k8s.rbac.v1.ClusterRoleBinding(
            f"{name}-job",
            metadata={"name": JOB_NAME, "labels": labels},
            role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": JOB_NAME},
            subjects=[{"kind": "ServiceAccount", "name": JOB_NAME, "namespace": velero_namespace}],
            opts=in_velero,
        )
        job_labels = {**labels, **JOB_POD_LABELS}
        k8s.batch.v1.CronJob(
            f"{name}-job",
            metadata={**vmeta, "name": JOB_NAME, "labels": job_labels},
            spec={
                "schedule": check_cron(ctx.config.storage.backup),
                "concurrencyPolicy": "Forbid",
                # A run missed by more than an hour (controller down) is skipped, not started late.
                "startingDeadlineSeconds": 3600,
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 3,
                "jobTemplate": {
                    "spec": {
                        # Fails loudly: no retry hides a failed verification; the alert reads the pushed metric.
                        "backoffLimit": 0,
                        "activeDeadlineSeconds": 3600,
                        "ttlSecondsAfterFinished": 86400,
                        "template": {
                            "metadata": {"labels": job_labels},
                            "spec": {
                                "serviceAccountName": JOB_NAME,
                                # It can wait for capacity; it never preempts workloads.
                                "priorityClassName": priority_classes.BATCH,
                                "automountServiceAccountToken": False,
                                "restartPolicy": "Never",
                                "securityContext": RESTRICTED_POD,
                                "containers": [
                                    {
                                        "name": "restore-check",
                                        "image": image,
                                        "args": check_args(ctx, region, velero_namespace),
                                        "securityContext": RESTRICTED_CONTAINER,
                                        "resources": SMALL,
                                        "volumeMounts": [API_TOKEN_MOUNT],
                                    }
                                ],
                                "volumes": [API_TOKEN_VOLUME],
                            },
                        },
                    }
                },
            },
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*depends_on, account, check_role, check_binding, cluster_role, cluster_binding]
            ),
        )
        self.register_outputs({})
