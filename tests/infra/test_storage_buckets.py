"""The bucket contract rendered from the stack config: five versioned purpose buckets per region, lifecycle per
purpose (cold tier only where the backend has one, each model's log retention under its prefix), object lock on
backups, and grants that give each object-store user only its own prefixes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from storage_jobs.contract import BucketContract, BucketSpec, LifecycleRule

from infra.components.models.model_cards import drift_job_config
from infra.components.storage.buckets import bucket_contract, contract_hash
from infra.components.storage.contract import (
    bucket_name,
    cold_storage_class,
    lifecycle,
    locked_purposes,
    log_purpose,
    object_lock_mode,
    purposes,
)
from infra.components.storage.users import BUCKET_ADMIN, drift_user, object_store_users, team_user
from infra.config import load_stack_file, parse_platform_config
from infra.config.model import PlatformConfig
from infra.context import StackContext

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "ai-platform"
STACKS = ("dev", "staging", "prod")


def _config_map(stack: str) -> dict[str, Any]:
    return copy.deepcopy(load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")[1])


def _ctx(stack: str, **overrides: Any) -> StackContext:
    config_map = _config_map(stack)
    for key, value in overrides.items():
        config_map[f"ai-platform:{key}"] = value
    return StackContext(PROJECT, stack, parse_platform_config(config_map))


def _by_purpose(contract: BucketContract) -> dict[str, BucketSpec]:
    return {b.purpose: b for b in contract.buckets}


def _all(stack: str) -> list[tuple[StackContext, str, BucketContract]]:
    ctx = _ctx(stack)
    return [(ctx, r.name, bucket_contract(ctx, r.name)) for r in ctx.config.regions]


def _expiry_of(key: str, rules: list[LifecycleRule]) -> int | None:
    """When S3/RGW expire `key`: every rule whose prefix matches applies, and the earliest expiration wins."""
    days = [r.expiration_days for r in rules if key.startswith(r.prefix) and r.expiration_days]
    return min(days) if days else None


@pytest.mark.parametrize("stack", STACKS)
def test_every_region_gets_the_five_purpose_buckets_named_by_the_convention_all_versioned(stack: str) -> None:
    for ctx, region, contract in _all(stack):
        assert contract.backend == ctx.config.storage.backend
        assert [b.purpose for b in contract.buckets] == list(purposes())
        for bucket in contract.buckets:
            assert bucket.name == bucket_name(PROJECT, stack, region, bucket.purpose)
            assert bucket.name == f"ai-platform-{stack}-{region}-{bucket.purpose}"
            assert bucket.versioning is True


@pytest.mark.parametrize("stack", STACKS)
def test_lifecycle_of_each_purpose_comes_from_the_contract_and_the_config(stack: str) -> None:
    for ctx, _, contract in _all(stack):
        for purpose, bucket in _by_purpose(contract).items():
            policy = lifecycle(ctx.config, purpose)
            default = bucket.lifecycle[-1]
            assert (default.id, default.prefix) == ("default", "")
            assert default.noncurrent_expiration_days == (policy.expire_noncurrent_after_days or None)
            assert all(rule.abort_multipart_days >= 1 for rule in bucket.lifecycle)
            if purpose != log_purpose():
                assert len(bucket.lifecycle) == 1
                assert default.expiration_days == (policy.expire_after_days or None)


def test_a_storage_buckets_override_changes_that_purpose_only() -> None:
    base = _by_purpose(bucket_contract(_ctx("prod"), "eu-west-1"))
    ctx = _ctx("prod", storage={"backend": "ceph", "buckets": {"datasets": {"expireAfterDays": 400}}})
    changed = _by_purpose(bucket_contract(ctx, "eu-west-1"))
    assert changed["datasets"].lifecycle[0].expiration_days == 400
    assert base["datasets"].lifecycle[0].expiration_days is None
    assert {p: b for p, b in changed.items() if p != "datasets"} == {p: b for p, b in base.items() if p != "datasets"}


def test_ceph_moves_cold_data_to_its_cold_class() -> None:
    ctx = _ctx("prod")
    assert ctx.config.storage.backend == "ceph"
    buckets = _by_purpose(bucket_contract(ctx, "eu-west-1"))
    for purpose, bucket in buckets.items():
        cold = lifecycle(ctx.config, purpose).cold_after_days
        for rule in bucket.lifecycle:
            if cold:
                assert (rule.transition_days, rule.storage_class) == (cold, cold_storage_class()), purpose
            else:
                assert (rule.transition_days, rule.storage_class) == (None, None), purpose
    assert buckets["inference-logs"].lifecycle[0].transition_days == 30  # hot 30 days, then cold (DESIGN §5.7)


def test_minio_has_no_cold_tier_so_nothing_transitions() -> None:
    ctx = _ctx("dev")
    assert ctx.config.storage.backend == "minio"
    for bucket in bucket_contract(ctx, "eu-west-1").buckets:
        for rule in bucket.lifecycle:
            assert rule.transition_days is None and rule.storage_class is None
        # ...while expiry still applies
    assert _by_purpose(bucket_contract(ctx, "eu-west-1"))["inference-logs"].lifecycle[-1].expiration_days


def test_no_transition_at_or_after_expiry() -> None:
    ctx = _ctx(
        "prod", storage={"backend": "ceph", "buckets": {"drift-reports": {"coldAfterDays": 60, "expireAfterDays": 60}}}
    )
    (rule,) = _by_purpose(bucket_contract(ctx, "eu-west-1"))["drift-reports"].lifecycle
    assert rule.expiration_days == 60 and rule.transition_days is None and rule.storage_class is None


@pytest.mark.parametrize("stack", STACKS)
def test_inference_logs_expire_per_model_after_its_log_retention(stack: str) -> None:
    for ctx, _, contract in _all(stack):
        logs = _by_purpose(contract)[log_purpose()]
        by_prefix = {r.prefix: r for r in logs.lifecycle}
        assert set(by_prefix) == {"", *(f"{m.name}/" for m in ctx.config.models)}
        for model in ctx.config.models:
            assert by_prefix[f"{model.name}/"].expiration_days == model.log_retention_days
            # What actually happens to a log object, all matching rules considered:
            assert _expiry_of(f"{model.name}/1.0.0/2026/11/02/part-0.parquet", logs.lifecycle) == (
                model.log_retention_days
            )
        default = lifecycle(ctx.config, log_purpose()).expire_after_days
        rest = by_prefix[""].expiration_days
        assert rest is not None and rest >= default
        assert rest == max([default, *(m.log_retention_days for m in ctx.config.models)])


def test_a_model_retention_longer_than_the_default_is_not_cut_short_by_the_catch_all() -> None:
    ctx = _ctx("prod")
    fraud = next(m for m in ctx.config.models if m.name == "fraud-scoring")
    assert fraud.log_retention_days > lifecycle(ctx.config, log_purpose()).expire_after_days  # 365 > 190
    logs = _by_purpose(bucket_contract(ctx, "eu-west-1"))[log_purpose()]
    assert _expiry_of("fraud-scoring/2.3.1/2026/11/02/x.parquet", logs.lifecycle) == 365
    assert _expiry_of("demand-forecast/1.8.0/2026/11/02/x.parquet", logs.lifecycle) == 190


@pytest.mark.parametrize("stack", STACKS)
def test_object_lock_in_compliance_mode_only_on_backups_for_the_configured_days(stack: str) -> None:
    for ctx, _, contract in _all(stack):
        for purpose, bucket in _by_purpose(contract).items():
            if purpose in locked_purposes():
                assert bucket.object_lock is not None
                assert bucket.object_lock.mode == object_lock_mode() == "COMPLIANCE"
                assert bucket.object_lock.days == ctx.config.storage.backup.object_lock_days
                assert bucket.lifecycle[0].expiration_days == ctx.config.storage.backup.retention_days
            else:
                assert bucket.object_lock is None
    assert locked_purposes() == ("backups",)


def test_backup_settings_reach_the_backups_bucket() -> None:
    ctx = _ctx("prod", storage={"backend": "ceph", "backup": {"retentionDays": 90, "objectLockDays": 60}})
    backups = _by_purpose(bucket_contract(ctx, "eu-west-1"))["backups"]
    assert backups.object_lock is not None and backups.object_lock.days == 60
    assert backups.lifecycle[0].expiration_days == 90


def _grants(contract: BucketContract) -> dict[tuple[str, str], dict[str, set[str]]]:
    """(purpose, user) -> access -> prefixes."""
    table: dict[tuple[str, str], dict[str, set[str]]] = {}
    for bucket in contract.buckets:
        for grant in bucket.grants:
            entry = table.setdefault((bucket.purpose, grant.user), {})
            for access in grant.access:
                entry.setdefault(access, set()).update(grant.prefixes)
    return table


@pytest.mark.parametrize("stack", STACKS)
def test_bucket_admin_owns_every_bucket(stack: str) -> None:
    for _, _, contract in _all(stack):
        grants = _grants(contract)
        for purpose in purposes():
            assert grants[(purpose, BUCKET_ADMIN)] == {"list": {""}, "read": {""}, "write": {""}}


@pytest.mark.parametrize("stack", STACKS)
def test_drift_users_read_their_windows_and_write_only_their_reports(stack: str) -> None:
    for ctx, region, contract in _all(stack):
        grants = _grants(contract)
        for model in ctx.config.models:
            user = drift_user(model.name)
            mine = {purpose: grants[(purpose, u)] for (purpose, u) in grants if u == user}
            assert set(mine) == {"datasets", "inference-logs", "drift-reports"}
            reference_prefix = model.drift.reference.split("/", 3)[3]
            current_prefix = model.drift.current.split("/", 3)[3]
            assert mine["datasets"] == {"list": {reference_prefix}, "read": {reference_prefix}}
            assert mine["inference-logs"] == {"list": {current_prefix}, "read": {current_prefix}}
            reports = f"{model.name}/"
            assert mine["drift-reports"] == {"list": {reports}, "read": {reports}, "write": {reports}}
            assert region in bucket_name(PROJECT, stack, region, "datasets")


@pytest.mark.parametrize("stack", STACKS)
def test_teams_use_only_their_models_prefixes_and_only_read_drift_reports(stack: str) -> None:
    for ctx, _, contract in _all(stack):
        grants = _grants(contract)
        for team in ctx.config.teams:
            owned = {f"{m.name}/" for m in ctx.config.models if m.owner == team.name}
            mine = {purpose: grants[(purpose, u)] for (purpose, u) in grants if u == team_user(team.name)}
            if not owned:
                assert mine == {}
                continue
            for purpose in ("datasets", "models", "inference-logs"):
                assert mine[purpose] == {"list": owned, "read": owned, "write": owned}
            assert mine["drift-reports"] == {"list": owned, "read": owned}
            assert "backups" not in mine


@pytest.mark.parametrize("stack", STACKS)
def test_only_bucket_admin_writes_outside_a_model_prefix_and_touches_backups(stack: str) -> None:
    for ctx, _, contract in _all(stack):
        users = {u.name for u in object_store_users(ctx.config)}
        models = {m.name for m in ctx.config.models}
        for bucket in contract.buckets:
            for grant in bucket.grants:
                assert grant.user in users
                if grant.user == BUCKET_ADMIN:
                    continue
                assert bucket.purpose not in locked_purposes()
                assert all(p.split("/", 1)[0] in models and p.endswith("/") for p in grant.prefixes), grant


def test_a_drift_uri_outside_the_regions_purpose_bucket_is_refused() -> None:
    ctx = _ctx("prod")
    model = ctx.config.models[0]
    moved = model.model_copy(
        update={"drift": model.drift.model_copy(update={"reference": "s3://elsewhere-{region}-datasets/x/"})}
    )
    config = ctx.config.model_copy(update={"models": [moved, *ctx.config.models[1:]]})
    with pytest.raises(ValueError, match="not in ai-platform-prod-eu-west-1-datasets"):
        bucket_contract(StackContext(PROJECT, "prod", config), "eu-west-1")


def test_the_contract_survives_the_json_the_reconciler_reads() -> None:
    contract = bucket_contract(_ctx("prod"), "eu-west-1")
    assert BucketContract.model_validate_json(contract.model_dump_json()) == contract


def test_the_contract_hash_follows_the_contract_and_the_image() -> None:
    config: PlatformConfig = _ctx("prod").config
    ctx = StackContext(PROJECT, "prod", config)
    west, central = bucket_contract(ctx, "eu-west-1"), bucket_contract(ctx, "eu-central-1")
    image = config.storage_jobs.image
    assert contract_hash(west, image) == contract_hash(bucket_contract(ctx, "eu-west-1"), image)
    assert contract_hash(west, image) != contract_hash(central, image)
    assert contract_hash(west, image) != contract_hash(west, image.replace("0.1.0", "0.1.1"))


@pytest.mark.parametrize("stack", STACKS)
def test_the_drift_job_can_store_everything_it_writes(stack: str) -> None:
    """The drift job writes its reports, its adaptive-threshold history and its cached profile: each URI of its
    config lies in a bucket and prefix its own user may write (else it rebuilds the profile on every run)."""
    for ctx, region, contract in _all(stack):
        grants = _grants(contract)
        names = {b.name: b.purpose for b in contract.buckets}
        for model in ctx.config.models:
            config = drift_job_config(ctx, model, region)
            written = [config["reports"], config["adaptive"]["history"], config["profile"]]
            for uri in written:
                bucket, _, key = uri.removeprefix("s3://").partition("/")
                writable = grants[(names[bucket], drift_user(model.name))].get("write", set())
                assert any(key.startswith(prefix) for prefix in writable), f"{model.name} cannot write {uri}"
