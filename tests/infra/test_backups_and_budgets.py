"""Backups are versioned, encrypted, object-locked and replicated off-region; budgets notify at 50/80/100 %."""

from __future__ import annotations

from tests.infra.plan_view import PlanView


def test_every_region_has_a_locked_encrypted_private_backup_bucket(plan: PlanView) -> None:
    buckets = [
        b for b in plan.of_type("aws:s3/bucket:Bucket") if b.inputs["tags"]["ai-platform/data-class"] == "backup"
    ]
    assert len(buckets) == len(plan.config("regions"))
    for bucket in buckets:
        assert bucket.inputs["objectLockEnabled"] is True
        assert bucket.inputs["tags"]["ai-platform/data-class"] == "backup"
        siblings = {r.type for r in plan.resources if r.parent == bucket.parent}
        assert {
            "aws:s3/bucketVersioning:BucketVersioning",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        } <= siblings


# S3 classes a plain GET reads (GLACIER and DEEP_ARCHIVE need a restore request first).
INSTANT_CLASSES = {"STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR"}


def test_the_vault_tiers_only_to_classes_that_velero_can_read_without_a_restore_request(plan: PlanView) -> None:
    """Velero's kopia repository reads old deduplicated blobs on every restore: an object tiered to GLACIER
    would make a recent backup unrestorable until someone restores the blob by hand."""
    vaults = {
        b.parent for b in plan.of_type("aws:s3/bucket:Bucket") if b.inputs["tags"]["ai-platform/data-class"] == "backup"
    }
    lifecycles = [
        r
        for r in plan.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        if r.parent in vaults
    ]
    assert len(lifecycles) == len(vaults)
    for lifecycle in lifecycles:
        classes = {t["storageClass"] for rule in lifecycle.inputs["rules"] for t in rule.get("transitions", [])}
        assert classes, "the vault tiers nothing: storage.lifecycle is read by nothing"
        assert classes <= INSTANT_CLASSES, classes


def test_primary_backups_replicate_to_every_standby_region(plans: dict[str, PlanView]) -> None:
    for stack in ("staging", "prod"):
        view = plans[stack]
        (replication,) = view.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
        standby = {r["name"] for r in view.config("regions") if r["role"] == "standby"}
        destinations = {
            view.region_of(view.find_by_output("aws:s3/bucket:Bucket", "arn", rule["destination"]["bucket"]))
            for rule in replication.inputs["rules"]
        }
        assert destinations == standby
        assert view.region_of(replication) not in standby


def test_dev_has_no_replication(plans: dict[str, PlanView]) -> None:
    assert plans["dev"].of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig") == []


def test_budgets_notify_at_the_configured_thresholds(plan: PlanView) -> None:
    budgets = plan.of_type("aws:budgets/budget:Budget")
    assert len(budgets) == len(plan.config("budgets"))
    for budget in budgets:
        assert sorted(n["threshold"] for n in budget.inputs["notifications"]) == [50, 80, 100]
        assert budget.inputs["timeUnit"] == "MONTHLY"
