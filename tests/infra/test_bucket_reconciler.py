"""The bucket reconciler in the plan: the region's contract ConfigMap (the fixed interface the reconciler and the
storage policies read), the apply-on-change Job and the hourly CronJob running as bucket-admin against the
region's object store over TLS, restricted, and allowed to reach only the object store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storage_jobs.buckets.store import ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV
from storage_jobs.contract import BucketContract

from infra.components.access.namespaces import PSS_LEVEL
from infra.components.storage.bucket_reconciler import (
    CONTRACT_CONFIG_MAP,
    CONTRACT_KEY,
    CONTRACT_LABEL,
    RECONCILER_NAME,
)
from infra.components.storage.buckets import bucket_contract, contract_hash
from infra.components.storage.client import POD_PORTS, object_store_namespace
from infra.components.storage.contract import ca_bundle, endpoint_url, namespace, object_store_port
from infra.components.storage.users import BUCKET_ADMIN, credentials_secret, object_store_users
from infra.config import load_stack_file
from infra.context import StackContext
from tests.infra.object_store_pod import mounted_keys, secret_env
from tests.infra.plan_view import PlanView, Resource

ROOT = Path(__file__).resolve().parents[2]


def _region(plan: PlanView, resource: Resource) -> str:
    head = resource.name.split("-k8s-", 1)[0]
    (region,) = [r["name"] for r in plan.config("regions") if head.endswith(f"-{r['name']}")]
    return region


def _in_jobs_namespace(plan: PlanView, kind: str) -> list[Resource]:
    return [r for r in plan.k8s_objects(kind) if r.inputs["metadata"].get("namespace") == namespace("jobs")]


def _pod(resource: Resource) -> dict[str, Any]:
    spec = resource.inputs["spec"]
    template = spec["jobTemplate"]["spec"]["template"] if "jobTemplate" in spec else spec["template"]
    pod: dict[str, Any] = template["spec"]
    return pod


def test_each_region_has_its_contract_configmap_matching_the_rendered_contract(plan: PlanView) -> None:
    stack = plan.document["config"]["ai-platform:environment"]
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    ctx = StackContext("ai-platform", stack, config)
    maps = [c for c in _in_jobs_namespace(plan, "ConfigMap") if c.inputs["metadata"]["name"] == CONTRACT_CONFIG_MAP]
    assert sorted(_region(plan, c) for c in maps) == sorted(r["name"] for r in plan.config("regions"))
    for config_map in maps:
        assert config_map.inputs["metadata"]["labels"][CONTRACT_LABEL] == "true"
        assert set(config_map.inputs["data"]) == {CONTRACT_KEY}
        contract = BucketContract.model_validate_json(config_map.inputs["data"][CONTRACT_KEY])
        assert contract == bucket_contract(ctx, _region(plan, config_map))
        assert json.loads(config_map.inputs["data"][CONTRACT_KEY]) == contract.model_dump(mode="json")


def test_the_job_is_named_by_the_contract_hash_and_the_cronjob_reapplies_hourly(plan: PlanView) -> None:
    (image,) = {_pod(j)["containers"][0]["image"] for j in _in_jobs_namespace(plan, "Job")}
    maps = {
        _region(plan, c): BucketContract.model_validate_json(c.inputs["data"][CONTRACT_KEY])
        for c in _in_jobs_namespace(plan, "ConfigMap")
        if c.inputs["metadata"]["name"] == CONTRACT_CONFIG_MAP
    }
    jobs = _in_jobs_namespace(plan, "Job")
    assert len(jobs) == len(maps)
    for job in jobs:
        expected = f"{RECONCILER_NAME}-{contract_hash(maps[_region(plan, job)], image)}"
        assert job.inputs["metadata"]["name"] == expected
    cronjobs = _in_jobs_namespace(plan, "CronJob")
    assert len(cronjobs) == len(maps)
    for cronjob in cronjobs:
        minute, hour, *_ = cronjob.inputs["spec"]["schedule"].split()
        assert minute.isdigit() and hour == "*"
        assert cronjob.inputs["spec"]["concurrencyPolicy"] == "Forbid"
        (job,) = [j for j in jobs if _region(plan, j) == _region(plan, cronjob)]
        assert _pod(cronjob) == _pod(job)


def test_the_reconciler_reads_the_mounted_contract_as_bucket_admin_over_tls(plan: PlanView) -> None:
    backend = plan.config("storage")["backend"]
    secret = credentials_secret(backend, BUCKET_ADMIN)
    stack = plan.document["config"]["ai-platform:environment"]
    users = object_store_users(load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")[0])
    (admin,) = [u for u in users if u.role == "bucket-admin"]
    for runner in [*_in_jobs_namespace(plan, "Job"), *_in_jobs_namespace(plan, "CronJob")]:
        assert runner.inputs["metadata"]["namespace"] == admin.namespace  # where its credentials Secret is
        pod = _pod(runner)
        (container,) = pod["containers"]
        assert container["command"] == ["storage-jobs"]
        assert container["args"][:3] == ["buckets", "apply", "--contract"]
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        (contract_volume,) = [
            n for n, v in volumes.items() if v.get("configMap", {}).get("name") == CONTRACT_CONFIG_MAP
        ]
        assert container["args"][3] == f"{mounts[contract_volume]}/{CONTRACT_KEY}"
        env = {e["name"]: e for e in container["env"]}
        assert env["AWS_ENDPOINT_URL_S3"]["value"] == endpoint_url(backend)
        assert env["AWS_ENDPOINT_URL_S3"]["value"].startswith("https://")
        # The keys are files of bucket-admin's Secret, never environment values.
        assert mounted_keys(pod, container) == {
            ACCESS_KEY_FILE_ENV: (secret.name, secret.access_key_key),
            SECRET_KEY_FILE_ENV: (secret.name, secret.secret_key_key),
        }
        assert secret_env(container) == []
        (ca,) = [n for n, v in volumes.items() if v.get("configMap", {}).get("name") == ca_bundle()[0]]
        assert env["AWS_CA_BUNDLE"]["value"] == f"{mounts[ca]}/{ca_bundle()[1]}"


def test_the_reconciler_runs_restricted(plan: PlanView) -> None:
    for runner in [*_in_jobs_namespace(plan, "Job"), *_in_jobs_namespace(plan, "CronJob")]:
        pod = _pod(runner)
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert set(container["resources"]) == {"requests", "limits"}
            assert "@sha256:" in container["image"]


def test_the_jobs_namespace_is_governed_and_the_reconciler_reaches_only_the_object_store(plan: PlanView) -> None:
    backend = plan.config("storage")["backend"]
    namespaces = [n for n in plan.k8s_objects("Namespace") if n.inputs["metadata"]["name"] == namespace("jobs")]
    assert len(namespaces) == len(plan.config("regions"))
    for ns in namespaces:
        assert ns.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == PSS_LEVEL
    policies = _in_jobs_namespace(plan, "NetworkPolicy")
    assert {p.inputs["metadata"]["name"] for p in policies} >= {"default-deny", f"{RECONCILER_NAME}-egress"}
    pod_labels = (
        _pod(_in_jobs_namespace(plan, "Job")[0]).get("labels")
        or (_in_jobs_namespace(plan, "Job")[0].inputs["spec"]["template"]["metadata"]["labels"])
    )
    for policy in policies:
        if policy.inputs["metadata"]["name"] != f"{RECONCILER_NAME}-egress":
            continue
        spec = policy.inputs["spec"]
        assert spec["podSelector"]["matchLabels"].items() <= pod_labels.items()
        assert spec["policyTypes"] == ["Egress"]
        (rule,) = spec["egress"]
        assert rule["to"] == [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": object_store_namespace(backend)}}}
        ]
        assert rule["ports"] == [{"protocol": "TCP", "port": POD_PORTS[backend]}]


def test_egress_ports_are_the_ports_the_object_store_pods_listen_on() -> None:
    # A NetworkPolicy sees the pod's port after the Service's translation. Rook's RGW with only a securePort binds
    # it (the contract's port, also the Service's); a MinIO Tenant's pods serve S3 on 9000 behind `minio:443`.
    assert {"ceph": object_store_port(), "minio": 9000} == POD_PORTS


def test_the_platform_profile_carries_the_storage_backend_and_backup_cadence(plan: PlanView) -> None:
    storage = plan.config("storage")
    backup = storage.get("backup", {})
    profiles = [c for c in plan.k8s_objects("ConfigMap") if c.inputs["metadata"]["name"] == "ai-platform-profile"]
    assert profiles
    for profile in profiles:
        section = json.loads(profile.inputs["data"]["profile.json"])["storage"]
        assert section["backend"] == storage["backend"]
        assert set(section["backup"]) == {"retentionDays", "objectLockDays", "everyHours", "verifyEveryHours"}
        for key, value in backup.items():
            assert section["backup"][key] == value
