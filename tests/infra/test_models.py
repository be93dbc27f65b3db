"""Per model: a model card, and a drift CronJob scheduled by risk class, restricted, least-privilege."""

from __future__ import annotations

import json
import re
from pathlib import Path

from drift_jobs.config import parse_config
from drift_jobs.contract import DIRECTORY_PROFILE_NAME
from drift_jobs.read.storage import ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV

from infra.components.models.drift_schedule import cron_schedule, job_size
from infra.components.storage.contract import ca_bundle, endpoint_url
from infra.components.storage.users import credentials_secret, drift_user, object_store_users
from infra.config import load_stack_file
from infra.config.model import DriftConfig, ModelConfig
from tests.infra.object_store_pod import mounted_keys, secret_env
from tests.infra.plan_view import PlanView, Resource

ROOT = Path(__file__).resolve().parents[2]


def _cronjobs(plan: PlanView) -> list[Resource]:
    """The drift CronJobs (other CronJobs, such as the bucket reconciler's and the restore verification, carry
    no model label)."""
    return [c for c in plan.k8s_objects("CronJob") if "ai-platform/model" in c.inputs["metadata"]["labels"]]


def test_every_model_has_a_drift_cronjob_and_a_model_card_in_every_region(plan: PlanView) -> None:
    models = {m["name"] for m in plan.config("models")}
    regions = len(plan.config("regions"))
    jobs = [
        j.inputs["metadata"]["labels"]["ai-platform/model"]
        for j in _cronjobs(plan)
        if not j.inputs["metadata"]["name"].endswith("-merge")
    ]
    cards = [
        c
        for c in plan.k8s_objects("ConfigMap")
        if c.inputs["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "model-card"
    ]
    assert sorted(jobs) == sorted(models) * regions or sorted(jobs) == sorted(list(models) * regions)
    assert len(cards) == len(models) * regions
    for card in cards:
        data = json.loads(card.inputs["data"]["model.json"])
        assert {"owner", "riskClass", "driftFrequency", "version", "approval"} <= set(data)


def test_drift_jobs_run_only_in_the_primary_region(plans: dict[str, PlanView]) -> None:
    prod = plans["prod"]
    primary = next(r["name"] for r in prod.config("regions") if r["role"] == "primary")
    for job in _cronjobs(prod):
        region = next(
            p.inputs["kubeconfig"] and p
            for p in prod.of_type("pulumi:providers:kubernetes")
            if p.urn == job.provider.rsplit("::", 1)[0]
        ).name.removeprefix("k8s-")
        assert job.inputs["spec"]["suspend"] is (region != primary)


def test_cronjobs_never_overlap_and_keep_bounded_history(plan: PlanView) -> None:
    for job in _cronjobs(plan):
        spec = job.inputs["spec"]
        assert spec["concurrencyPolicy"] == "Forbid"
        assert spec["startingDeadlineSeconds"] > 0
        assert spec["successfulJobsHistoryLimit"] <= 3 and spec["failedJobsHistoryLimit"] <= 5
        assert spec["jobTemplate"]["spec"]["activeDeadlineSeconds"] > 0


def test_drift_pods_run_restricted(plan: PlanView) -> None:
    for job in _cronjobs(plan):
        pod = job.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert set(container["resources"]) == {"requests", "limits"}
            assert not container["image"].endswith(":latest")


def test_the_job_config_carries_the_models_thresholds(plans: dict[str, PlanView]) -> None:
    prod = plans["prod"]
    configs = [
        json.loads(c.inputs["data"]["config.json"])
        for c in prod.k8s_objects("ConfigMap")
        if c.inputs["metadata"]["name"] == "drift-config-fraud-scoring"
    ]
    assert configs
    for config in configs:
        assert config["thresholds"]["psi"] == {"warning": 0.1, "critical": 0.2}
        assert config["thresholds"]["features"]["merchant_category"]["psi"] == {"warning": 0.15, "critical": 0.25}
        region = config["region"]
        assert config["reference"] == f"s3://ai-platform-prod-{region}-datasets/fraud-scoring/reference/"
        assert config["current"] == f"s3://ai-platform-prod-{region}-inference-logs/fraud-scoring/latest/"
        assert config["reports"] == f"s3://ai-platform-prod-{region}-drift-reports/fraud-scoring/"
        # The binary profile format the job writes by default (a .json name would store the slow JSON form).
        assert config["profile"].endswith("/" + DIRECTORY_PROFILE_NAME)
        parse_config(config)  # the job itself accepts what the program renders
    assert {c["region"] for c in configs} == {r["name"] for r in prod.config("regions")}


def test_sharded_models_run_as_indexed_jobs_with_a_same_day_merge(plans: dict[str, PlanView]) -> None:
    jobs = {j.inputs["metadata"]["name"]: j.inputs["spec"] for j in _cronjobs(plans["prod"])}
    shards, merge = jobs["drift-fraud-scoring"], jobs["drift-fraud-scoring-merge"]
    spec = shards["jobTemplate"]["spec"]
    assert spec["completionMode"] == "Indexed" and spec["completions"] == 4
    (shard_command,) = spec["template"]["spec"]["containers"][0]["args"][1:]
    assert '--shard "$SHARD_INDEX/4"' in shard_command and '--run-id "$(date -u +%Y%m%d)"' in shard_command
    (merge_command,) = merge["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"][1:]
    assert merge_command.startswith("exec drift-job merge")
    shards_uri = re.search(r'--inputs "(s3://[^"]+)"', merge_command)
    assert shards_uri is not None
    assert re.fullmatch(
        r"s3://ai-platform-prod-eu-(west|central)-1-drift-reports/fraud-scoring/runs/\$\(date -u \+%Y%m%d\)/shards/",
        shards_uri.group(1),
    )
    shard_minute, shard_hour, *shard_rest = shards["schedule"].split()
    merge_minute, merge_hour, *merge_rest = merge["schedule"].split()
    assert (merge_minute, merge_rest) == (shard_minute, shard_rest)
    assert int(merge_hour) == int(shard_hour) + 2 < 24


def test_unsharded_models_run_the_job_directly(plans: dict[str, PlanView]) -> None:
    demand = next(j for j in _cronjobs(plans["prod"]) if j.inputs["metadata"]["name"] == "drift-demand-forecast")
    container = demand.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["drift-job"]
    assert container["args"] == ["run", "--config", "/etc/drift-job/config.json", "--out", "/tmp/drift-out"]


def test_drift_jobs_use_their_models_object_store_user_and_no_aws_identity(plan: PlanView) -> None:
    backend = plan.config("storage")["backend"]
    assert not [r for r in plan.resources if "-model-" in r.name and r.type.startswith("aws:")]
    stack = plan.document["config"]["ai-platform:environment"]
    users = {u.name: u for u in object_store_users(load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")[0])}
    for job in _cronjobs(plan):
        model = job.inputs["metadata"]["labels"]["ai-platform/model"]
        # The user's Secret is written into the user's namespace: it must be the job's.
        assert users[drift_user(model)].namespace == job.inputs["metadata"]["namespace"]
        pod = job.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        env = {e["name"]: e for e in container["env"]}
        secret = credentials_secret(backend, drift_user(model))
        assert env["AWS_ENDPOINT_URL_S3"]["value"] == endpoint_url(backend)
        # The keys are files of the user's Secret, never environment values.
        assert mounted_keys(pod, container) == {
            ACCESS_KEY_FILE_ENV: (secret.name, secret.access_key_key),
            SECRET_KEY_FILE_ENV: (secret.name, secret.secret_key_key),
        }
        assert secret_env(container) == []
        # The CA file the environment names is the mounted bundle ConfigMap's key.
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        (ca,) = [v for v in volumes.values() if v.get("configMap", {}).get("name") == ca_bundle()[0]]
        assert env["AWS_CA_BUNDLE"]["value"] == f"{mounts[ca['name']]}/{ca_bundle()[1]}"
        assert ca["configMap"]["items"] == [{"key": ca_bundle()[1], "path": ca_bundle()[1]}]


def _model(risk: str, serving: str, **drift: object) -> ModelConfig:
    return ModelConfig.model_validate(
        {
            "name": "m",
            "version": "1.0.0",
            "owner": "t",
            "framework": "f",
            "riskClass": risk,
            "serving": serving,
            "datasetVersion": "d",
            "trainedBy": "x",
            "drift": DriftConfig.model_validate(
                {
                    "reference": "s3://p-s-{region}-datasets/m/ref/",
                    "current": "s3://p-s-{region}-inference-logs/m/cur/",
                    **drift,
                }
            ),
        }
    )


def test_schedule_follows_the_risk_class() -> None:
    assert cron_schedule(_model("high", "batch")).endswith("* * *")
    assert cron_schedule(_model("minimal", "realtime")).endswith("* * *")
    assert cron_schedule(_model("limited", "batch")).endswith("* * 1")
    assert cron_schedule(_model("minimal", "batch")).endswith("1 * *")
    assert cron_schedule(_model("minimal", "batch", schedule="5 4 * * *")) == "5 4 * * *"


def test_job_size_grows_with_rows_per_shard_not_with_the_window() -> None:
    small, big = (
        job_size(_model("high", "batch", windowRows=1_000_000)),
        job_size(_model("high", "batch", windowRows=50_000_000)),
    )
    sharded = job_size(_model("high", "batch", windowRows=50_000_000, shards=16))
    assert small.memory_limit == big.memory_limit
    assert big.active_deadline_seconds > small.active_deadline_seconds
    assert sharded.active_deadline_seconds < big.active_deadline_seconds
