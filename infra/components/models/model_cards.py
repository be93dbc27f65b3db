"""Per model: a model card (governance metadata) and its drift CronJob, least-privilege via Pod Identity."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from infra.components.access.iam import account_id, pod_identity_trust_policy
from infra.components.models.drift_cronjob import DriftJobContext, drift_cronjobs
from infra.components.models.drift_schedule import bucket_and_prefix, reports_uri
from infra.components.monitoring import names
from infra.config.model import ModelConfig, effective_drift_frequency
from infra.context import StackContext

MODELS_NAMESPACE = "ai-models"
MODEL_LABEL = "ai-platform/model"
# What the drift jobs' pods carry: their egress policy and the Pushgateway's ingress policy select on it.
DRIFT_JOB_POD_LABELS = {"app.kubernetes.io/component": "drift-job"}


def model_card(model: ModelConfig) -> dict[str, Any]:
    """The minimal model metadata of DESIGN §2, plus what governance rules read."""
    return {
        "name": model.name,
        "version": model.version,
        "stage": model.stage,
        "owner": model.owner,
        "framework": model.framework,
        "riskClass": model.risk_class,
        "serving": model.serving,
        "driftFrequency": effective_drift_frequency(model),
        "logRetentionDays": model.log_retention_days,
        "humanOversight": model.human_oversight,
        "approval": None
        if model.approval is None
        else {
            "approvedBy": model.approval.approved_by,
            "approvedAt": model.approval.approved_at.isoformat(),
            "ticket": model.approval.ticket,
        },
        "datasetVersion": model.dataset_version,
        "trainedBy": model.trained_by,
    }


def drift_job_config(ctx: StackContext, model: ModelConfig, region: str) -> dict[str, Any]:
    """The drift job's config.json (contract in docs/drift-jobs.md): one source for job and alert thresholds."""
    drift = model.drift
    thresholds = drift.thresholds
    reports = reports_uri(model)
    return {
        "model": model.name,
        "model_version": model.version,
        "stack": ctx.stack,
        "region": region,
        "cluster": ctx.cluster_name(region),
        "reference": drift.reference,
        "current": drift.current,
        "numeric_features": drift.numeric_features,
        "categorical_features": drift.categorical_features,
        "prediction_column": drift.prediction_column,
        "label_column": drift.label_column,
        "latency_column": drift.latency_column,
        "task": drift.task,
        "thresholds": {
            "psi": thresholds.psi.model_dump(),
            "accuracy_drop": thresholds.accuracy_drop.model_dump(),
            "latency_increase": thresholds.latency_increase.model_dump(),
            "missing_share_increase": thresholds.missing_share_increase.model_dump(),
            "dataset_drift_share": thresholds.dataset_drift_share,
            "features": {
                name: t.model_dump(exclude_none=True)
                for name, t in thresholds.features.items()
                if t.model_dump(exclude_none=True)
            },
        },
        "adaptive": {"enabled": drift.adaptive, "history": f"{reports}history/", "min_history": 8},
        "pushgateway": names.pushgateway_url(),
        "reports": reports,
    }


def s3_access_policy(model: ModelConfig, partition: str) -> str:
    read = [bucket_and_prefix(model.drift.reference), bucket_and_prefix(model.drift.current)]
    write = bucket_and_prefix(reports_uri(model))
    arn = f"arn:{partition}:s3:::"
    buckets = sorted({bucket for bucket, _ in [*read, write]})
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ListModelPrefixes",
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": [f"{arn}{b}" for b in buckets],
                    "Condition": {"StringLike": {"s3:prefix": sorted({f"{p}*" for _, p in [*read, write]})}},
                },
                {
                    "Sid": "ReadWindows",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": sorted({f"{arn}{b}/{p}*" for b, p in [*read, write]}),
                },
                {
                    "Sid": "WriteReports",
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": [f"{arn}{write[0]}/{write[1]}*"],
                },
            ],
        }
    )


class ModelDeployment(pulumi.ComponentResource):
    """Model card, drift-job identity, config and CronJob (suspended in standby regions until failover)."""

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        model: ModelConfig,
        region: str,
        active: bool,
        partition: str,
        cluster_name: pulumi.Input[str],
        aws_provider: aws.Provider,
        namespace: k8s.core.v1.Namespace,
        opts: pulumi.ResourceOptions,
    ) -> None:
        super().__init__("ai-platform:models:ModelDeployment", name, None, opts)
        aws_child = pulumi.ResourceOptions(parent=self, provider=aws_provider)
        k8s_child = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        tags = ctx.tags(region, team=model.owner)
        labels = {MODEL_LABEL: model.name, "app.kubernetes.io/part-of": "ai-platform", "ai-platform/team": model.owner}
        service_account = f"drift-{model.name}"

        k8s.core.v1.ConfigMap(
            f"{name}-card",
            metadata={
                "name": f"model-card-{model.name}",
                "namespace": MODELS_NAMESPACE,
                "labels": {**labels, "app.kubernetes.io/component": "model-card"},
            },
            data={"model.json": json.dumps(model_card(model), sort_keys=True)},
            opts=k8s_child,
        )

        trust = account_id(aws_provider).apply(
            lambda account: pod_identity_trust_policy(
                account, ctx.cluster_name(region), MODELS_NAMESPACE, service_account
            )
        )
        role = aws.iam.Role(f"{name}-drift", assume_role_policy=trust, tags=tags, opts=aws_child)
        aws.iam.RolePolicy(f"{name}-drift", role=role.id, policy=s3_access_policy(model, partition), opts=aws_child)
        aws.eks.PodIdentityAssociation(
            f"{name}-drift",
            cluster_name=cluster_name,
            namespace=MODELS_NAMESPACE,
            service_account=service_account,
            role_arn=role.arn,
            tags=tags,
            opts=aws_child,
        )
        k8s.core.v1.ServiceAccount(
            f"{name}-drift",
            metadata={
                "name": service_account,
                "namespace": MODELS_NAMESPACE,
                "labels": labels,
            },
            automount_service_account_token=False,
            opts=k8s_child,
        )
        config_name = f"drift-config-{model.name}"
        config_map = k8s.core.v1.ConfigMap(
            f"{name}-drift-config",
            metadata={
                "name": config_name,
                "namespace": MODELS_NAMESPACE,
                "labels": labels,
            },
            data={"config.json": json.dumps(drift_job_config(ctx, model, region), indent=2, sort_keys=True)},
            opts=k8s_child,
        )

        job_labels = {**labels, **DRIFT_JOB_POD_LABELS, "app.kubernetes.io/name": "drift-job"}
        job = DriftJobContext(
            model=model,
            image=ctx.config.drift_jobs.image,
            region=region,
            service_account=service_account,
            config_map=config_name,
            labels=job_labels,
            active=active,
        )
        for cronjob in drift_cronjobs(job):
            k8s.batch.v1.CronJob(
                f"{name}-{cronjob.name.removeprefix('drift-' + model.name).lstrip('-') or 'drift'}",
                metadata={"name": cronjob.name, "namespace": MODELS_NAMESPACE, "labels": job_labels},
                spec=cronjob.spec,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[namespace, config_map]),
            )
        self.register_outputs({"model": model.name})
