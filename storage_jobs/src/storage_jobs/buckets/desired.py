"""What the contract asks of one bucket, in the S3 API's shapes, and the store's answers in comparable form.

Pure functions: the reconciler compares `wanted_*` with `found_*` and writes only what differs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from storage_jobs.contract import Access, BucketSpec, Grant, LifecycleRule

POLICY_VERSION: Final = "2012-10-17"
# Per access level: actions on the bucket (list) or on the objects under a prefix (read, write).
OBJECT_ACTIONS: Final[dict[Access, tuple[str, ...]]] = {
    "list": (),
    "read": ("s3:GetObject", "s3:GetObjectVersion"),
    "write": ("s3:PutObject", "s3:AbortMultipartUpload"),
}
# A lifecycle rule as compared: (id, prefix, transition days, class, expiration, noncurrent expiration, abort).
RuleKey = tuple[str, str, int | None, str | None, int | None, int | None, int | None]


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def user_principal(user: str) -> str:
    # RGW's form for a user of the default tenant.
    return f"arn:aws:iam:::user/{user}"


def lifecycle_rules(spec: BucketSpec) -> list[dict[str, Any]]:
    """The PutBucketLifecycleConfiguration rules of the contract, in its order."""
    return [_rule(rule) for rule in spec.lifecycle]


def _rule(rule: LifecycleRule) -> dict[str, Any]:
    out: dict[str, Any] = {"ID": rule.id, "Status": "Enabled", "Filter": {"Prefix": rule.prefix}}
    if rule.transition_days and rule.storage_class:
        out["Transitions"] = [{"Days": rule.transition_days, "StorageClass": rule.storage_class}]
    if rule.expiration_days:
        out["Expiration"] = {"Days": rule.expiration_days}
    if rule.noncurrent_expiration_days:
        out["NoncurrentVersionExpiration"] = {"NoncurrentDays": rule.noncurrent_expiration_days}
    out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": rule.abort_multipart_days}
    return out


def rule_key(rule: dict[str, Any]) -> RuleKey:
    """A rule as the store returns it, reduced to what the contract sets (RGW answers with a bare Prefix)."""
    filter_ = rule.get("Filter") or {}
    prefix = filter_.get("Prefix", rule.get("Prefix", "")) if set(filter_) <= {"Prefix"} else json.dumps(filter_)
    transitions = rule.get("Transitions") or []
    first = transitions[0] if len(transitions) == 1 else {}
    return (
        str(rule.get("ID", "")) if rule.get("Status") == "Enabled" else f"{rule.get('ID', '')} (disabled)",
        str(prefix),
        first.get("Days") if transitions == [first] else -len(transitions),
        first.get("StorageClass"),
        (rule.get("Expiration") or {}).get("Days"),
        (rule.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays"),
        (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation"),
    )


def wanted_lifecycle(spec: BucketSpec) -> list[RuleKey]:
    return sorted(rule_key(r) for r in lifecycle_rules(spec))


def found_lifecycle(rules: list[dict[str, Any]]) -> list[RuleKey]:
    return sorted(rule_key(r) for r in rules)


def wanted_object_lock(spec: BucketSpec) -> tuple[str, int] | None:
    return (spec.object_lock.mode, spec.object_lock.days) if spec.object_lock else None


def found_object_lock(config: dict[str, Any] | None) -> tuple[str, int] | str | None:
    """(mode, days) of the default retention; None without object lock; "no default" when enabled bare."""
    if config is None or config.get("ObjectLockEnabled") != "Enabled":
        return None
    retention = (config.get("Rule") or {}).get("DefaultRetention") or {}
    if "Days" not in retention:
        return "no default"
    return (str(retention.get("Mode")), int(retention["Days"]))


def bucket_policy(spec: BucketSpec, *, deny_plain_http: bool) -> dict[str, Any] | None:
    """The bucket policy of the grants (least privilege per user and prefix), plus the TLS-only denies.

    The owner (the reconciler's user) needs no grant. Over plain HTTP AWS sets aws:SecureTransport to
    "false", while RGW leaves the key out (it sets it only to "true", over TLS): one deny for each form.
    """
    statements = [
        {**s, "Principal": {"AWS": [user_principal(grant.user)]}}
        for grant in spec.grants
        for s in grant_statements(spec.name, grant)
    ]
    if deny_plain_http:
        statements += _deny_plain_http(spec.name)
    if not statements:
        return None
    return {"Version": POLICY_VERSION, "Statement": statements}


def _object_resources(bucket: str, prefixes: list[str]) -> list[str]:
    return [f"{bucket_arn(bucket)}/{p}*" for p in prefixes]


def grant_statements(bucket: str, grant: Grant) -> list[dict[str, Any]]:
    """The Allow statements of one grant, without a Principal: a bucket policy adds the user's, a MinIO
    identity policy (attached to the user) needs none."""
    sid = _alnum(grant.user)
    statements: list[dict[str, Any]] = []
    if "list" in grant.access:
        listing: dict[str, Any] = {
            "Sid": f"{sid}List",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:ListBucketVersions"],
            "Resource": [bucket_arn(bucket)],
        }
        if "" not in grant.prefixes:
            listing["Condition"] = {"StringLike": {"s3:prefix": [f"{p}*" for p in grant.prefixes]}}
        statements.append(listing)
    for access in ("read", "write"):
        if access in grant.access:
            statements.append(
                {
                    "Sid": f"{sid}{access.title()}",
                    "Effect": "Allow",
                    "Action": list(OBJECT_ACTIONS[access]),
                    "Resource": _object_resources(bucket, grant.prefixes),
                }
            )
    return statements


def identity_policy(buckets: Sequence[BucketSpec], user: str) -> dict[str, Any] | None:
    """One user's grants on every bucket as one identity policy (MinIO attaches policies to users).

    The statements of the bucket policies (grant_statements), each Sid prefixed with its bucket's purpose:
    Sids are unique within a document. None when the user has no grant.
    """
    statements = [
        {**statement, "Sid": f"{_alnum(spec.purpose)}{statement['Sid']}"}
        for spec in buckets
        for grant in spec.grants
        if grant.user == user
        for statement in grant_statements(spec.name, grant)
    ]
    return {"Version": POLICY_VERSION, "Statement": statements} if statements else None


def granted_users(buckets: Sequence[BucketSpec]) -> list[str]:
    return sorted({grant.user for spec in buckets for grant in spec.grants})


def _alnum(text: str) -> str:
    return "".join(c for c in text.title() if c.isalnum())


def _deny_plain_http(bucket: str) -> list[dict[str, Any]]:
    everything = [bucket_arn(bucket), f"{bucket_arn(bucket)}/*"]
    base = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": everything}
    return [
        {"Sid": "DenyPlainHttp", **base, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyPlainHttpRgw", **base, "Condition": {"Null": {"aws:SecureTransport": "true"}}},
    ]
