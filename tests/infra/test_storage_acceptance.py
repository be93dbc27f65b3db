"""Issue 10's acceptance on the plans: per prod region the Rook-Ceph operator and cluster, a TLS-only object
store, the five purpose buckets with versioning and lifecycle, object lock on backups, Velero with its schedule
and the restore-verification CronJob; dev (storage.backend: minio) plans a Tenant instead of Ceph."""

from __future__ import annotations

import json

import pytest
from storage_jobs.contract import BucketContract
from storage_jobs.restore_check import contract as restore_contract

from infra.components.continuity import restore_check, velero
from infra.components.storage import bucket_reconciler
from infra.components.storage.ceph import component as ceph
from infra.components.storage.contract import bucket_name, locked_purposes, log_purpose, purposes
from tests.infra.plan_view import PlanView, Resource

RELEASE = "kubernetes:helm.sh/v3:Release"
PROJECT = "ai-platform"


def _regions(plan: PlanView) -> list[str]:
    return [r["name"] for r in plan.config("regions")]


def _in_region(resources: list[Resource], stack: str, region: str) -> list[Resource]:
    return [r for r in resources if r.name.startswith(f"{stack}-{region}-")]


def _contract(plan: PlanView, stack: str, region: str) -> BucketContract:
    (config_map,) = [
        c
        for c in _in_region(plan.k8s_objects("ConfigMap"), stack, region)
        if c.inputs["metadata"]["name"] == bucket_reconciler.CONTRACT_CONFIG_MAP
    ]
    return BucketContract.model_validate(json.loads(config_map.inputs["data"][bucket_reconciler.CONTRACT_KEY]))


@pytest.mark.parametrize("region_index", [0, 1])
def test_every_prod_region_has_ceph_with_a_tls_only_object_store(plans: dict[str, PlanView], region_index: int) -> None:
    plan = plans["prod"]
    region = _regions(plan)[region_index]
    releases = {r.inputs["name"] for r in _in_region(plan.of_type(RELEASE), "prod", region)}
    assert ceph.OPERATOR_RELEASE in releases
    assert len(_in_region(plan.k8s_objects("CephCluster"), "prod", region)) == 1
    (store,) = _in_region(plan.k8s_objects("CephObjectStore"), "prod", region)
    gateway = store.inputs["spec"]["gateway"]
    assert gateway["securePort"] and gateway["sslCertificateRef"] and "port" not in gateway


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_region_gets_five_versioned_purpose_buckets_with_lifecycle_and_locked_backups(
    plans: dict[str, PlanView], stack: str
) -> None:
    plan = plans[stack]
    for region in _regions(plan):
        contract = _contract(plan, stack, region)
        by_purpose = {b.purpose: b for b in contract.buckets}
        assert set(by_purpose) == set(purposes())
        for purpose, bucket in by_purpose.items():
            assert bucket.name == bucket_name(PROJECT, stack, region, purpose)
            assert bucket.versioning
            assert any(rule.noncurrent_expiration_days for rule in bucket.lifecycle)
            assert (bucket.object_lock is not None) == (purpose in locked_purposes())
        assert all(rule.expiration_days for rule in by_purpose[log_purpose()].lifecycle)


@pytest.mark.parametrize("region_index", [0, 1])
def test_every_prod_region_backs_up_with_velero_and_verifies_the_restore(
    plans: dict[str, PlanView], region_index: int
) -> None:
    plan = plans["prod"]
    region = _regions(plan)[region_index]
    (release,) = [
        r for r in _in_region(plan.of_type(RELEASE), "prod", region) if r.inputs["name"] == velero.RELEASE_NAME
    ]
    schedule = release.inputs["values"]["schedules"][restore_contract.SCHEDULE_NAME]
    backup = plan.config("storage").get("backup", {})
    every_hours, retention_days = backup.get("everyHours", 24), backup.get("retentionDays", 35)
    assert schedule["schedule"] == ("0 0 * * *" if every_hours == 24 else f"0 */{every_hours} * * *")
    assert schedule["template"]["ttl"] == f"{retention_days * 24}h0m0s"
    assert schedule["template"]["defaultVolumesToFsBackup"] and not schedule["template"]["snapshotVolumes"]
    cronjobs = [
        c
        for c in _in_region(plan.k8s_objects("CronJob"), "prod", region)
        if c.inputs["metadata"]["name"] == restore_check.JOB_NAME
    ]
    assert len(cronjobs) == 1


def test_dev_on_minio_plans_a_tenant_and_no_ceph(plans: dict[str, PlanView]) -> None:
    dev = plans["dev"]
    assert dev.config("storage")["backend"] == "minio"
    assert len(dev.k8s_objects("Tenant")) == len(_regions(dev))
    assert not [r for r in dev.resources if ":ceph.rook.io/" in r.type]
