"""The bucket contract of one region, rendered from the stack config (pure; the reconciler applies it).

Five buckets, one per purpose, named `<project>-<stack>-<region>-<purpose>`, all versioned; lifecycle per
purpose from the data file and `storage.buckets`; object lock on the locked purposes; grants per object-store
user, each limited to the prefixes its workload uses (the drift user's come from the model's drift URIs, as the
IAM policy of the AWS-S3 era did).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Final, get_args

from storage_jobs.contract import Access, BucketContract, BucketSpec, Grant, LifecycleRule, ObjectLock

from infra.components.storage.contract import (
    Lifecycle,
    bucket_name,
    cold_storage_class,
    lifecycle,
    locked_purposes,
    log_purpose,
    object_lock_mode,
    purposes,
)
from infra.components.storage.uris import DRIFT_URI_PURPOSES, drift_uris, split_uri
from infra.components.storage.users import object_store_users
from infra.config.model import PlatformConfig
from infra.context import StackContext

# Backends whose lifecycle can move objects to a cold class. Ceph: the object store's COLD placement storage
# class (its own pool). MinIO: an ILM transition needs a remote tier (another S3 or cloud account), which the
# platform does not configure, so objects stay in place until they expire.
COLD_TIER_BACKENDS: Final = frozenset({"ceph"})
ACCESS_ORDER: Final[tuple[Access, ...]] = get_args(Access)
READ: Final[tuple[Access, ...]] = ("list", "read")
READ_WRITE: Final[tuple[Access, ...]] = ("list", "read", "write")
# What a team may do under its models' prefixes, per purpose: it produces datasets, artefacts and logs, and
# only reads the drift reports its models' jobs write.
TEAM_ACCESS: Final[dict[str, tuple[Access, ...]]] = {
    "datasets": READ_WRITE,
    "models": READ_WRITE,
    "inference-logs": READ_WRITE,
    "drift-reports": READ,
}


def bucket_contract(ctx: StackContext, region: str) -> BucketContract:
    config = ctx.config
    backend = config.storage.backend
    names = {p: bucket_name(ctx.project, ctx.stack, region, p) for p in purposes()}
    grants = _grants(ctx, region, names)
    return BucketContract(
        backend=backend,
        buckets=[
            BucketSpec(
                name=names[purpose],
                purpose=purpose,
                versioning=True,
                object_lock=_object_lock(config, purpose),
                lifecycle=_lifecycle_rules(config, purpose),
                grants=grants[names[purpose]],
            )
            for purpose in purposes()
        ],
    )


def contract_hash(contract: BucketContract, image: str) -> str:
    """Short digest of what a reconcile run applies, with what: the Job's name changes when either does."""
    return hashlib.sha256(f"{image}\n{contract.model_dump_json()}".encode()).hexdigest()[:10]


def _object_lock(config: PlatformConfig, purpose: str) -> ObjectLock | None:
    if purpose not in locked_purposes():
        return None
    return ObjectLock(mode=object_lock_mode(), days=config.storage.backup.object_lock_days)  # type: ignore[arg-type]


def _lifecycle_rules(config: PlatformConfig, purpose: str) -> list[LifecycleRule]:
    policy = lifecycle(config, purpose)
    cold = config.storage.backend in COLD_TIER_BACKENDS
    if purpose != log_purpose():
        return [_rule("default", "", policy, policy.expire_after_days, cold=cold)]
    # One rule per model prefix, expiring after the model's own log retention. S3 and RGW apply every rule
    # whose prefix matches and the earliest expiry wins, so the catch-all for keys outside any model's prefix
    # expires no earlier than the longest retention: it never cuts a model's logs short.
    retention = {m.name: m.log_retention_days for m in config.models}
    per_model = [
        _rule(f"model-{name}", f"{name}/", policy, days, cold=cold) for name, days in sorted(retention.items())
    ]
    rest = policy.expire_after_days and max([policy.expire_after_days, *retention.values()])
    return [*per_model, _rule("default", "", policy, rest, cold=cold)]


def _rule(rule_id: str, prefix: str, policy: Lifecycle, expire_days: int, *, cold: bool) -> LifecycleRule:
    transition = policy.cold_after_days if cold else 0
    if expire_days and transition >= expire_days:
        transition = 0  # objects expire before they would move: no transition (S3 refuses one after expiry)
    return LifecycleRule(
        id=rule_id,
        prefix=prefix,
        transition_days=transition or None,
        storage_class=cold_storage_class() if transition else None,
        expiration_days=expire_days or None,
        noncurrent_expiration_days=policy.expire_noncurrent_after_days or None,
    )


def _grants(ctx: StackContext, region: str, names: dict[str, str]) -> dict[str, list[Grant]]:
    """Per bucket, each user's grants: one per distinct access set, with the prefixes it covers."""
    wanted: dict[tuple[str, str, tuple[Access, ...]], set[str]] = defaultdict(set)
    owners = {m.name: m.owner for m in ctx.config.models}
    buckets = set(names.values())
    for user in object_store_users(ctx.config):
        if user.role == "bucket-admin":
            for bucket in buckets:
                wanted[(bucket, user.name, READ_WRITE)].add("")
        elif user.role == "drift":
            model = next(m for m in ctx.config.models if m.name == user.subject)
            uris = drift_uris(ctx.project, ctx.stack, model, region)
            for field, uri in (("reference", uris.reference), ("current", uris.current), ("reports", uris.reports)):
                bucket, prefix = split_uri(uri)
                if bucket != names[DRIFT_URI_PURPOSES[field]]:
                    raise ValueError(
                        f"model {model.name}: drift {field} {uri} is not in {names[DRIFT_URI_PURPOSES[field]]} "
                        "(infra/config/storage_rules.py rejects such a config)"
                    )
                # The job reads its reports prefix too: the adaptive thresholds' history and the shard summaries.
                wanted[(bucket, user.name, READ_WRITE if field == "reports" else READ)].add(prefix)
        else:
            for model_name in sorted(m for m, team in owners.items() if team == user.subject):
                for purpose, access in TEAM_ACCESS.items():
                    wanted[(names[purpose], user.name, access)].add(f"{model_name}/")
    grants: dict[str, list[Grant]] = {bucket: [] for bucket in buckets}
    for (bucket, user_name, access), prefixes in sorted(wanted.items()):
        grants[bucket].append(Grant(user=user_name, access=_ordered(access), prefixes=sorted(prefixes)))
    return grants


def _ordered(access: Iterable[Access]) -> list[Access]:
    chosen = set(access)
    return [a for a in ACCESS_ORDER if a in chosen]
