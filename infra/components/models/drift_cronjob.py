"""The drift job's CronJob objects, as plain manifests (pure functions; the component registers them).

A model with `shards: 1` gets one CronJob. A sharded model gets an Indexed Job CronJob whose pods each
summarise one shard, and a merge CronJob two hours later that merges the day's shard summaries. Both
share the run id `YYYYMMDD` of the scheduled day (schedules run between 01:00 and 06:00 UTC, so shards
and merge fall on the same day; the config rules enforce that for explicit schedules).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.components.access import priority_classes
from infra.components.models.drift_schedule import cron_schedule, job_size, merge_schedule
from infra.components.nodes.spec import role_label
from infra.components.storage.client import (
    ca_mount,
    ca_volume,
    credentials_mount,
    credentials_volume,
    object_store_env,
)
from infra.components.storage.users import drift_user
from infra.config.model import ModelConfig

RUN_AS = 10001
# Nodes of batch pools, which drift jobs prefer.
BATCH_POOLS: dict[str, Any] = {"key": role_label(), "operator": "In", "values": ["batch"]}
CONFIG_PATH = "/etc/drift-job/config.json"
OUT_DIR = "/tmp/drift-out"
RUN_ID = '"$(date -u +%Y%m%d)"'


@dataclass(frozen=True)
class DriftCronJob:
    name: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class DriftJobContext:
    model: ModelConfig
    image: str
    region: str
    service_account: str
    config_map: str
    labels: dict[str, str]
    active: bool
    backend: str
    """The region's object store (storage.backend): the job's endpoint and its user's Secret."""
    reports: str
    """The model's reports URI in this region (the merge step reads the day's shard summaries under it)."""


def cronjob_names(model: ModelConfig) -> list[str]:
    """The model's CronJob names: the run, and for a sharded model its merge (the alert rules select on them)."""
    base = f"drift-{model.name}"
    return [base] if model.drift.shards == 1 else [base, f"{base}-merge"]


def drift_cronjobs(job: DriftJobContext) -> list[DriftCronJob]:
    shards = job.model.drift.shards
    base, *merge_name = cronjob_names(job.model)
    if shards == 1:
        command = ["drift-job", "run", "--config", CONFIG_PATH, "--out", OUT_DIR]
        return [DriftCronJob(base, _cronjob(job, cron_schedule(job.model), command, {}))]
    run = f'exec drift-job run --config {CONFIG_PATH} --out {OUT_DIR} --shard "$SHARD_INDEX/{shards}" --run-id {RUN_ID}'
    merge = (
        f"exec drift-job merge --config {CONFIG_PATH} --out {OUT_DIR} "
        f'--inputs "{job.reports}runs/$(date -u +%Y%m%d)/shards/" --run-id {RUN_ID}'
    )
    indexed = {"completionMode": "Indexed", "completions": shards, "parallelism": min(shards, 4)}
    return [
        DriftCronJob(base, _cronjob(job, cron_schedule(job.model), ["/bin/sh", "-c", run], indexed)),
        DriftCronJob(merge_name[0], _cronjob(job, merge_schedule(job.model), ["/bin/sh", "-c", merge], {})),
    ]


def _cronjob(job: DriftJobContext, schedule: str, command: list[str], indexed: dict[str, Any]) -> dict[str, Any]:
    size = job_size(job.model)
    # The region's object store as the model's own drift user: endpoint, platform CA, keys mounted from its Secret.
    env: list[dict[str, Any]] = object_store_env(job.backend, job.region)
    if indexed:
        env.append(
            {
                "name": "SHARD_INDEX",
                "valueFrom": {
                    "fieldRef": {"fieldPath": "metadata.annotations['batch.kubernetes.io/job-completion-index']"}
                },
            }
        )
    container = {
        "name": "drift-job",
        "image": job.image,
        "imagePullPolicy": "IfNotPresent",
        "command": command[:1],
        "args": command[1:],
        "env": env,
        "resources": {
            "requests": {"cpu": size.cpu_request, "memory": size.memory_request},
            "limits": {"cpu": size.cpu_limit, "memory": size.memory_limit},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "capabilities": {"drop": ["ALL"]},
            "privileged": False,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [
            {"name": "config", "mountPath": "/etc/drift-job", "readOnly": True},
            {"name": "scratch", "mountPath": "/tmp"},
            ca_mount(),
            credentials_mount(),
        ],
    }
    pod = {
        "serviceAccountName": job.service_account,
        "automountServiceAccountToken": False,
        "restartPolicy": "Never",
        # Drift checks can wait: preempted first, never preempting a serving pod.
        "priorityClassName": priority_classes.BATCH,
        # No pool by name: the system and GPU pools' taints keep the job off them, and a batch pool, where
        # one exists, is preferred (infra/components/nodes/spec.py role labels).
        "affinity": {
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 100, "preference": {"matchExpressions": [BATCH_POOLS]}}
                ]
            }
        },
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "fsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
            "appArmorProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container],
        "volumes": [
            {"name": "config", "configMap": {"name": job.config_map}},
            {"name": "scratch", "emptyDir": {"sizeLimit": "2Gi"}},
            ca_volume(),
            credentials_volume(job.backend, drift_user(job.model.name)),
        ],
    }
    return {
        "schedule": schedule,
        "timeZone": "Etc/UTC",
        "suspend": not job.active,
        "concurrencyPolicy": "Forbid",
        "startingDeadlineSeconds": 3600,
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 5,
        "jobTemplate": {
            "metadata": {"labels": job.labels},
            "spec": {
                **indexed,
                "backoffLimit": 2,
                "activeDeadlineSeconds": size.active_deadline_seconds,
                "ttlSecondsAfterFinished": 86400,
                "template": {"metadata": {"labels": job.labels}, "spec": pod},
            },
        },
    }
