"""Velero and the restore verification in the plan: per region, the vault's BSL, the schedule from config,
the least-privilege Pod Identity role, and the restore-check CronJob with its canary."""

from __future__ import annotations

import fnmatch
import hashlib
import json
from typing import Any

import pytest
import yaml
from storage_jobs.restore_check import contract

from infra.components.continuity import restore_check, velero
from infra.components.monitoring import names
from infra.config import load_stack_file
from infra.offline.fake_cloud import outputs_for
from infra.offline.plan import plan_document, run_program
from tests.infra.component_harness import ROOT
from tests.infra.plan_view import PlanView, Resource

RELEASE = "kubernetes:helm.sh/v3:Release"
BUCKET = "aws:s3/bucket:Bucket"


@pytest.fixture(scope="module")
def prod() -> PlanView:
    recorded, config = run_program("prod", ROOT)
    return PlanView(plan_document(recorded, config))


def _releases(plan: PlanView) -> list[Resource]:
    return [r for r in plan.of_type(RELEASE) if r.inputs["chart"] == velero.CHART]


def _vault_buckets(plan: PlanView) -> dict[str, str]:
    """Region -> the (mocked) name of its backup vault bucket."""
    found = {}
    for bucket in plan.of_type(BUCKET):
        if bucket.name.endswith("-vault-backups"):
            _, state = outputs_for(bucket.type, bucket.name, bucket.inputs, plan.region_of(bucket))
            found[plan.region_of(bucket)] = state["bucket"]
    return found


def test_every_region_has_velero_on_its_own_vault_bucket(prod: PlanView) -> None:
    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.prod.yaml")
    vaults = _vault_buckets(prod)
    releases = _releases(prod)
    assert len(releases) == len(config.regions) == len(vaults)
    seen = set()
    for release in releases:
        values = release.inputs["values"]
        (location,) = values["configuration"]["backupStorageLocation"]
        region = location["config"]["region"]
        seen.add(region)
        assert location["bucket"] == vaults[region]
        assert location["prefix"] == velero.PREFIX and location["provider"] == "aws" and location["default"]
        assert location["config"]["kmsKeyId"].startswith(f"arn:aws:kms:{region}:")
        assert release.inputs["version"] == velero.chart_pin()["version"]
        assert release.inputs["namespace"] == "velero"
        assert values["snapshotsEnabled"] is False and values["deployNodeAgent"] is True
        assert values["configuration"]["defaultVolumesToFsBackup"] is True
        assert values["configuration"]["uploaderType"] == "kopia"
        assert values["credentials"]["useSecret"] is False
        monitor = values["metrics"]["serviceMonitor"]
        assert monitor["enabled"] and monitor["additionalLabels"] == names.SELECTOR_LABELS
    assert seen == {r.name for r in config.regions}


def test_the_schedule_comes_from_storage_backup(prod: PlanView) -> None:
    backup = load_stack_file(ROOT / "stacks" / "Pulumi.prod.yaml")[0].storage.backup
    for release in _releases(prod):
        schedule = release.inputs["values"]["schedules"][contract.SCHEDULE_NAME]
        assert schedule["schedule"] == ("0 0 * * *" if backup.every_hours == 24 else f"0 */{backup.every_hours} * * *")
        assert schedule["template"]["ttl"] == f"{backup.retention_days * 24}h0m0s"
        assert schedule["template"]["includedNamespaces"] == ["*"]
        assert schedule["template"]["excludedNamespaces"] == [contract.SCRATCH_NAMESPACE]


@pytest.mark.parametrize(("hours", "cron"), [(24, "0 0 * * *"), (6, "0 */6 * * *"), (1, "0 */1 * * *")])
def test_schedule_cron(hours: int, cron: str) -> None:
    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.prod.yaml")
    assert velero.schedule_cron(config.storage.backup.model_copy(update={"every_hours": hours})) == cron


def _policy(prod: PlanView, region: str) -> dict[str, Any]:
    for policy in prod.of_type("aws:iam/rolePolicy:RolePolicy"):
        if policy.name.endswith("-velero-vault-access") and prod.region_of(policy) == region:
            document: dict[str, Any] = json.loads(policy.inputs["policy"])
            return document
    raise AssertionError(f"no Velero policy in {region}")


def test_the_iam_policy_is_scoped_to_the_vault_bucket_prefix_and_key(prod: PlanView) -> None:
    for region, bucket in _vault_buckets(prod).items():
        statements = _policy(prod, region)["Statement"]
        resources = [res for s in statements for res in s["Resource"]]
        assert "*" not in resources
        # Named by the stack's vault prefix (readable in a first preview), which the bucket's name starts with.
        objects = next(s for s in statements if s["Sid"] == "VeleroObjects")
        (pattern,) = objects["Resource"]
        assert pattern.endswith("-backups-*/velero/*") and fnmatch.fnmatch(f"arn:aws:s3:::{bucket}/velero/x", pattern)
        assert not fnmatch.fnmatch(f"arn:aws:s3:::{bucket}/other/x", pattern)
        listing = next(s for s in statements if s["Sid"] == "ListVeleroPrefix")
        assert fnmatch.fnmatch(f"arn:aws:s3:::{bucket}", listing["Resource"][0]) and len(listing["Resource"]) == 1
        assert listing["Condition"]["StringLike"]["s3:prefix"] == ["velero/*", "velero/"]
        key = next(s for s in statements if s["Sid"] == "VaultKey")
        assert len(key["Resource"]) == 1 and key["Resource"][0].startswith(f"arn:aws:kms:{region}:")
        assert key["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"]
        assert not [a for s in statements for a in s["Action"] if a.startswith("ec2:") or a == "s3:*"]


def test_the_pod_identity_association_names_veleros_service_account(prod: PlanView) -> None:
    associations = [
        a
        for a in prod.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
        if a.name.endswith("-velero-identity")
    ]
    assert len(associations) == len(_vault_buckets(prod))
    for association in associations:
        assert association.inputs["namespace"] == "velero"
        assert association.inputs["serviceAccount"] == velero.SERVICE_ACCOUNT
    for release in _releases(prod):
        assert release.inputs["values"]["serviceAccount"]["server"]["name"] == velero.SERVICE_ACCOUNT


def test_the_restore_check_cronjob_runs_every_verify_interval_with_its_own_account(prod: PlanView) -> None:
    backup = load_stack_file(ROOT / "stacks" / "Pulumi.prod.yaml")[0].storage.backup
    jobs = [c for c in prod.k8s_objects("CronJob") if c.inputs["metadata"]["name"] == restore_check.JOB_NAME]
    assert len(jobs) == len(_releases(prod))
    for job in jobs:
        assert job.inputs["metadata"]["namespace"] == "velero"
        assert job.inputs["spec"]["schedule"] == restore_check.check_cron(backup)
        pod = job.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["serviceAccountName"] == restore_check.JOB_NAME
        args = pod["containers"][0]["args"]
        assert args[0] == "restore-check" and names.pushgateway_url() in args
        assert job.inputs["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 0


def test_the_restore_check_may_delete_only_the_scratch_namespace_and_reads_no_secrets() -> None:
    velero_rules, cluster_rules = restore_check.check_rbac()
    for rule in cluster_rules:
        assert "secrets" not in rule["resources"]
        if set(rule["verbs"]) - {"get", "list"}:
            assert rule["resources"] == ["namespaces"] and rule["resourceNames"] == [contract.SCRATCH_NAMESPACE]
    assert {p for r in cluster_rules for p in r["resources"]} >= {p for _, p in contract.COMPARED_KINDS.values()}
    assert not [r for r in velero_rules if "delete" in r["verbs"] and r["resources"] != ["downloadrequests"]]


def test_the_canary_configmap_records_its_payloads_sha256(prod: PlanView) -> None:
    maps = [c for c in prod.k8s_objects("ConfigMap") if c.inputs["metadata"]["name"] == contract.CANARY_CONFIGMAP]
    assert maps
    for cm in maps:
        payload = cm.inputs["data"][contract.CANARY_PAYLOAD_KEY]
        assert (
            cm.inputs["metadata"]["annotations"][contract.CANARY_SHA256_ANNOTATION]
            == hashlib.sha256(payload.encode()).hexdigest()
        )


def test_the_velero_namespace_is_the_one_the_kubernetes_pack_lets_run_privileged(prod: PlanView) -> None:
    data = yaml.safe_load((ROOT / "policies/packs/kubernetes/namespaces.data.yaml").read_text())
    assert data["kubernetes_namespaces"]["backupAgents"] == [velero.namespace()]
    (ns,) = {
        n.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        for n in prod.k8s_objects("Namespace")
        if n.inputs["metadata"]["name"] == velero.namespace()
    }
    assert ns == "privileged"


def test_the_restore_check_pods_are_the_ones_the_pushgateway_admits(prod: PlanView) -> None:
    (ingress, *_) = [
        p for p in prod.k8s_objects("NetworkPolicy") if p.inputs["metadata"]["name"] == "pushgateway-ingress"
    ]
    sources = ingress.inputs["spec"]["ingress"][0]["from"]
    for job in prod.k8s_objects("CronJob"):
        if job.inputs["metadata"]["name"] != restore_check.JOB_NAME:
            continue
        pod_labels = job.inputs["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
        namespace = job.inputs["metadata"]["namespace"]
        assert any(
            s.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name") == namespace
            and s["podSelector"]["matchLabels"].items() <= pod_labels.items()
            for s in sources
        )
