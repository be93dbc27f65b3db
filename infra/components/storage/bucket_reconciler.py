"""The bucket reconciler: the region's bucket contract as a ConfigMap, and the jobs that apply it.

A Job whose name carries the contract's hash runs once per change of the contract or the image, during
`pulumi up` (so a contract the object store refuses fails the deployment, and the buckets exist before the
drift jobs need them); a CronJob re-applies the same contract hourly, so a bucket setting changed behind the
platform's back (versioning suspended, a lifecycle rule removed, a store rebuilt after a disaster) converges
again within the hour. Both run the same pod: `storage-jobs buckets apply` as the bucket-admin user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s
from storage_jobs.contract import BucketContract

from infra.components.access import priority_classes
from infra.components.access.namespaces import Quota
from infra.components.storage.buckets import bucket_contract, contract_hash
from infra.components.storage.client import (
    ca_mount,
    ca_volume,
    credentials_mount,
    credentials_volume,
    object_store_egress,
    object_store_env,
)
from infra.components.storage.contract import namespace as storage_namespace
from infra.components.storage.users import BUCKET_ADMIN
from infra.context import StackContext

CONTRACT_CONFIG_MAP: Final = "ai-platform-buckets"
CONTRACT_LABEL: Final = "ai-platform/bucket-contract"
CONTRACT_KEY: Final = "contract.json"
CONTRACT_DIR: Final = "/etc/buckets"
RECONCILER_NAME: Final = "bucket-reconciler"
POD_LABELS: Final = {"app.kubernetes.io/name": RECONCILER_NAME, "app.kubernetes.io/part-of": "ai-platform"}
SCHEDULE: Final = "17 * * * *"
RUN_AS: Final = 10001
JOBS_QUOTA: Final = Quota("2", "4Gi", 0, 20)


def contract_document(contract: BucketContract) -> str:
    """The ConfigMap's contract.json: what `storage-jobs buckets apply` parses with the same model."""
    return contract.model_dump_json(indent=2)


def reconciler_pod(ctx: StackContext, region: str) -> dict[str, Any]:
    backend = ctx.config.storage.backend
    return {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "priorityClassName": priority_classes.BATCH,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "fsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [
            {
                "name": "reconcile",
                "image": ctx.config.storage_jobs.image,
                "imagePullPolicy": "IfNotPresent",
                "command": ["storage-jobs"],
                "args": ["buckets", "apply", "--contract", f"{CONTRACT_DIR}/{CONTRACT_KEY}"],
                "env": object_store_env(backend, region),
                "resources": {
                    "requests": {"cpu": "100m", "memory": "128Mi"},
                    "limits": {"cpu": "500m", "memory": "256Mi"},
                },
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "runAsNonRoot": True,
                    "runAsUser": RUN_AS,
                    "runAsGroup": RUN_AS,
                    "privileged": False,
                    "capabilities": {"drop": ["ALL"]},
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "volumeMounts": [
                    {"name": "contract", "mountPath": CONTRACT_DIR, "readOnly": True},
                    {"name": "scratch", "mountPath": "/tmp"},
                    ca_mount(),
                    credentials_mount(),
                ],
            }
        ],
        "volumes": [
            {"name": "contract", "configMap": {"name": CONTRACT_CONFIG_MAP}},
            {"name": "scratch", "emptyDir": {"sizeLimit": "64Mi"}},
            ca_volume(),
            credentials_volume(backend, BUCKET_ADMIN),
        ],
    }


def job_spec(pod: dict[str, Any]) -> dict[str, Any]:
    # No ttlSecondsAfterFinished on the apply Job: Pulumi owns it, and a Job deleted behind its back would be
    # recreated (and re-run) by the next refresh. The hash in its name replaces it when the contract changes.
    return {
        "backoffLimit": 3,
        "activeDeadlineSeconds": 900,
        "template": {"metadata": {"labels": POD_LABELS}, "spec": pod},
    }


def cronjob_spec(pod: dict[str, Any]) -> dict[str, Any]:
    return {
        "schedule": SCHEDULE,
        "timeZone": "Etc/UTC",
        "concurrencyPolicy": "Forbid",
        "startingDeadlineSeconds": 1800,
        "successfulJobsHistoryLimit": 1,
        "failedJobsHistoryLimit": 3,
        "jobTemplate": {
            "metadata": {"labels": POD_LABELS},
            "spec": {**job_spec(pod), "ttlSecondsAfterFinished": 86400},
        },
    }


def egress_rules(backend: str) -> list[dict[str, Any]]:
    """The object store only (DNS comes from the namespace's allow-dns policy)."""
    return [object_store_egress(backend)]


class BucketReconciler(pulumi.ComponentResource):
    """Namespace, contract ConfigMap, egress policy, the apply-on-change Job and the hourly CronJob."""

    namespace: k8s.core.v1.Namespace
    contract: BucketContract

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        namespace: k8s.core.v1.Namespace,
        depends_on: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:storage:BucketReconciler", name, None, opts)
        jobs_namespace = storage_namespace("jobs")
        self.namespace = namespace
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        self.contract = bucket_contract(ctx, region)
        backend = ctx.config.storage.backend
        config_map = k8s.core.v1.ConfigMap(
            f"{name}-contract",
            metadata={
                "name": CONTRACT_CONFIG_MAP,
                "namespace": jobs_namespace,
                "labels": {CONTRACT_LABEL: "true", "app.kubernetes.io/part-of": "ai-platform"},
            },
            data={CONTRACT_KEY: contract_document(self.contract)},
            opts=in_namespace,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-egress",
            metadata={"name": f"{RECONCILER_NAME}-egress", "namespace": jobs_namespace},
            spec={
                "podSelector": {"matchLabels": dict(POD_LABELS)},
                "policyTypes": ["Egress"],
                "egress": egress_rules(backend),
            },
            opts=in_namespace,
        )
        pod = reconciler_pod(ctx, region)
        # The object store (and its bucket-admin user's Secret) must exist before a run can succeed.
        runs = pulumi.ResourceOptions(parent=self, depends_on=[namespace, config_map, *depends_on])
        digest = contract_hash(self.contract, ctx.config.storage_jobs.image)
        k8s.batch.v1.Job(
            f"{name}-apply",
            metadata={"name": f"{RECONCILER_NAME}-{digest}", "namespace": jobs_namespace, "labels": POD_LABELS},
            spec=job_spec(pod),
            opts=runs,
        )
        k8s.batch.v1.CronJob(
            f"{name}-reapply",
            metadata={"name": RECONCILER_NAME, "namespace": jobs_namespace, "labels": POD_LABELS},
            spec=cronjob_spec(pod),
            opts=runs,
        )
        self.register_outputs({"contractHash": digest, "buckets": [b.name for b in self.contract.buckets]})
