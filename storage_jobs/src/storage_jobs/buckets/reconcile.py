"""Make one bucket match its spec: read, compare, write only what differs, read back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from storage_jobs.buckets import desired
from storage_jobs.buckets.store import BucketState, error_code, read_state
from storage_jobs.contract import BucketSpec


class CannotReconcileError(Exception):
    """The store cannot be made to match this bucket's spec; the message names the bucket."""


@dataclass
class Drift:
    setting: str
    found: Any
    wanted: Any

    def as_json(self) -> dict[str, Any]:
        return {"setting": self.setting, "found": self.found, "wanted": self.wanted}


@dataclass
class BucketResult:
    name: str
    purpose: str
    created: bool = False
    drift: list[Drift] = field(default_factory=list)
    error: str | None = None

    @property
    def in_sync(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "purpose": self.purpose,
            "created": self.created,
            "drift": [d.as_json() for d in self.drift],
            "inSync": self.in_sync,
            "error": self.error,
        }


@dataclass(frozen=True)
class Wanted:
    versioning: bool
    object_lock: tuple[str, int] | None
    lifecycle: tuple[desired.RuleKey, ...]
    policy: dict[str, Any] | None

    @classmethod
    def of(cls, spec: BucketSpec, *, deny_plain_http: bool) -> Wanted:
        return cls(
            versioning=spec.versioning,
            object_lock=desired.wanted_object_lock(spec),
            lifecycle=tuple(desired.wanted_lifecycle(spec)),
            policy=desired.bucket_policy(spec, deny_plain_http=deny_plain_http),
        )


def differences(state: BucketState, wanted: Wanted) -> list[Drift]:
    """Each setting of the store that differs from the contract (object lock only if it is wanted)."""
    drift: list[Drift] = []
    if (state.versioning == "Enabled") != wanted.versioning:
        drift.append(Drift("versioning", state.versioning, "Enabled" if wanted.versioning else "Suspended"))
    if wanted.object_lock is not None and state.object_lock != wanted.object_lock:
        drift.append(Drift("objectLock", _lock_json(state.object_lock), _lock_json(wanted.object_lock)))
    if state.lifecycle != wanted.lifecycle:
        drift.append(Drift("lifecycle", [list(r) for r in state.lifecycle], [list(r) for r in wanted.lifecycle]))
    if state.policy != wanted.policy:
        drift.append(Drift("policy", state.policy, wanted.policy))
    return drift


def _lock_json(lock: tuple[str, int] | str | None) -> Any:
    return {"mode": lock[0], "days": lock[1]} if isinstance(lock, tuple) else lock


def reconcile(client: Any, spec: BucketSpec, *, deny_plain_http: bool) -> BucketResult:
    """Bring one bucket in line; ClientErrors of the store propagate (the caller names the bucket)."""
    wanted = Wanted.of(spec, deny_plain_http=deny_plain_http)
    result = BucketResult(spec.name, spec.purpose)
    state = read_state(client, spec.name)
    if not state.exists:
        _create(client, spec)
        result.created = True
        state = read_state(client, spec.name)
    elif wanted.object_lock is not None and state.object_lock is None:
        raise CannotReconcileError(
            f"bucket {spec.name} exists without object lock, which can only be enabled when a bucket is "
            "created: move its objects to a new bucket created by this job, then delete it"
        )
    result.drift = [] if result.created else differences(state, wanted)
    for item in differences(state, wanted):
        _apply(client, spec, item.setting, wanted)
    after = differences(read_state(client, spec.name), wanted)
    if after:
        raise CannotReconcileError(
            f"bucket {spec.name}: the store does not return what was set for "
            + ", ".join(f"{d.setting} (found {json.dumps(d.found)})" for d in after)
        )
    return result


def _create(client: Any, spec: BucketSpec) -> None:
    try:
        # Object lock can only be switched on at creation (and it turns versioning on for good).
        client.create_bucket(Bucket=spec.name, ObjectLockEnabledForBucket=spec.object_lock is not None)
    except ClientError as exc:
        if error_code(exc) == "BucketAlreadyOwnedByYou":
            return
        if error_code(exc) == "BucketAlreadyExists":
            raise CannotReconcileError(f"bucket {spec.name} exists and belongs to another user") from exc
        raise


def _apply(client: Any, spec: BucketSpec, setting: str, wanted: Wanted) -> None:
    bucket = spec.name
    if setting == "versioning":
        status = "Enabled" if wanted.versioning else "Suspended"
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})
    elif setting == "objectLock" and spec.object_lock is not None:
        client.put_object_lock_configuration(
            Bucket=bucket,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": spec.object_lock.mode, "Days": spec.object_lock.days}},
            },
        )
    elif setting == "lifecycle":
        rules = desired.lifecycle_rules(spec)
        if rules:
            client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
        else:
            client.delete_bucket_lifecycle(Bucket=bucket)
    elif setting == "policy":
        if wanted.policy is None:
            client.delete_bucket_policy(Bucket=bucket)
        else:
            client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(wanted.policy))
