"""Per model: a model card (governance metadata) and its drift CronJob, least-privilege on the object store
(the model's own object-store user, granted only its prefixes by the bucket contract)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from infra.components.models.drift_cronjob import DriftJobContext, drift_cronjobs
from infra.components.models.names import MODELS_NAMESPACE
from infra.components.monitoring import names
from infra.components.storage.uris import drift_uris
from infra.config.model import ModelConfig, effective_drift_frequency
from infra.context import StackContext

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
    """The drift job's config.json (contract in docs/drift-jobs.md): one source for job and alert thresholds.
    The URIs are this region's: each region's job reads and writes its own cluster's object store."""
    drift = model.drift
    thresholds = drift.thresholds
    uris = drift_uris(ctx.project, ctx.stack, model, region)
    reports = uris.reports
    return {
        "model": model.name,
        "model_version": model.version,
        "stack": ctx.stack,
        "region": region,
        "cluster": ctx.cluster_name(region),
        "reference": uris.reference,
        "current": uris.current,
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
            "ks_statistic": thresholds.ks_statistic.model_dump(),
            "wasserstein_normalized": thresholds.wasserstein_normalized.model_dump(),
            "dataset_drift_share": thresholds.dataset_drift_share,
            "features": {
                name: t.model_dump(exclude_none=True)
                for name, t in thresholds.features.items()
                if t.model_dump(exclude_none=True)
            },
        },
        "schema": {
            **drift.schema_tiers.model_dump(exclude={"features"}),
            "features": {
                name: t.model_dump(exclude_none=True)
                for name, t in drift.schema_tiers.features.items()
                if t.model_dump(exclude_none=True)
            },
        },
        "adaptive": {"enabled": drift.adaptive, "history": f"{reports}history/", "min_history": 8},
        # Under the reports prefix, which the drift user may write: next to the reference (the job's default)
        # it could not store the profile and would rebuild it on every run. The job's binary format (.npz,
        # drift_jobs.contract.DIRECTORY_PROFILE_NAME; tests/infra/test_models.py joins the two).
        "profile": f"{reports}profile/_drift_profile.npz",
        "pushgateway": names.pushgateway_url(),
        "reports": reports,
    }


class ModelDeployment(pulumi.ComponentResource):
    """Model card, drift-job service account, config and CronJob (suspended in standby regions until failover).

    The job reaches the region's object store as the model's object-store user (its keys in a Secret that the
    object store's component writes into this namespace); it needs no AWS identity any more."""

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        model: ModelConfig,
        region: str,
        active: bool,
        namespace: k8s.core.v1.Namespace,
        opts: pulumi.ResourceOptions,
    ) -> None:
        super().__init__("ai-platform:models:ModelDeployment", name, None, opts)
        k8s_child = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
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
            backend=ctx.config.storage.backend,
            reports=drift_uris(ctx.project, ctx.stack, model, region).reports,
        )
        for cronjob in drift_cronjobs(job):
            k8s.batch.v1.CronJob(
                f"{name}-{cronjob.name.removeprefix('drift-' + model.name).lstrip('-') or 'drift'}",
                metadata={"name": cronjob.name, "namespace": MODELS_NAMESPACE, "labels": job_labels},
                spec=cronjob.spec,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[namespace, config_map]),
            )
        self.register_outputs({"model": model.name})
