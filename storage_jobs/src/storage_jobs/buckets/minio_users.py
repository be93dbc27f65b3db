"""MinIO users' rights: each workload user's grants as one identity policy, and nothing else attached.

MinIO has no per-user bucket policies; a user's rights are the canned policies attached to it, and the
operator attaches `consoleAdmin` (full admin) to every user of the Tenant. Per user of the store, this module
registers `ai-platform-<user>` (the statements of the Ceph bucket policies, desired.grant_statements, without
a Principal), attaches it, and detaches every other policy. The job's own user (bucket-admin) is left alone:
it owns the buckets and calls the admin API, and any user allowed to attach policies can attach consoleAdmin
to itself, so a narrower policy would not narrow what it can reach.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

from minio.error import MinioAdminException

from storage_jobs.buckets import desired
from storage_jobs.buckets.reconcile import Drift
from storage_jobs.buckets.store import CONNECT_TIMEOUT_S, DEFAULT_REGION, MAX_ATTEMPTS, READ_TIMEOUT_S
from storage_jobs.contract import BucketSpec

POLICY_PREFIX: Final = "ai-platform-"
# What the admin API answers when the keys themselves are refused (as opposed to a refused call).
REFUSED_CREDENTIALS: Final = ("InvalidAccessKeyId", "SignatureDoesNotMatch")


class AdminApi(Protocol):
    """The part of `minio.MinioAdmin` this module calls (the tests' fake implements the same)."""

    def user_list(self) -> str: ...

    def policy_info(self, policy_name: str) -> str: ...

    def policy_add(
        self, policy_name: str, policy_file: str | None = None, policy: dict[str, Any] | None = None
    ) -> str: ...

    def attach_policy(self, policies: list[str], user: str | None = None, group: str | None = None) -> str: ...

    def detach_policy(self, policies: list[str], user: str | None = None, group: str | None = None) -> str: ...


class AdminCredentialsRefusedError(Exception):
    """The admin API refused the job's keys: nothing can be reconciled (exit 3, like the S3 side)."""


class AdminEndpointError(Exception):
    """No HTTPS endpoint for the admin API (the keys would be signed for a plain-HTTP peer)."""


@dataclass
class UserResult:
    name: str
    policy: str | None
    drift: list[Drift] = field(default_factory=list)
    error: str | None = None

    @property
    def in_sync(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "policy": self.policy,
            "drift": [d.as_json() for d in self.drift],
            "inSync": self.in_sync,
            "error": self.error,
        }


def policy_name(user: str) -> str:
    return f"{POLICY_PREFIX}{user}"


def minio_admin(endpoint: str, access_key: str, secret_key: str, region: str | None = None) -> AdminApi:
    """The admin API on the S3 endpoint, verifying the server against AWS_CA_BUNDLE (the platform CA)."""
    import urllib3  # noqa: PLC0415
    from minio import MinioAdmin  # noqa: PLC0415
    from minio.credentials.providers import StaticProvider  # noqa: PLC0415

    url = urlsplit(endpoint)
    if url.scheme != "https" or not url.netloc:
        raise AdminEndpointError(f"the MinIO admin API is only called over HTTPS, not {endpoint!r}")
    attempts = int(os.environ.get("AWS_MAX_ATTEMPTS") or MAX_ATTEMPTS)
    http = urllib3.PoolManager(
        cert_reqs="CERT_REQUIRED",
        # None: the system's trust store, never an unverified connection.
        ca_certs=os.environ.get("AWS_CA_BUNDLE") or None,
        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S),
        retries=urllib3.Retry(total=attempts - 1, backoff_factor=0.5, status_forcelist=[500, 502, 503, 504]),
    )
    admin = MinioAdmin(
        endpoint=url.netloc,
        credentials=StaticProvider(access_key, secret_key),
        region=region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION,
        secure=True,
        http_client=http,
    )
    return admin  # type: ignore[return-value]  # minio types policy as a bare dict


def canonical(policy: dict[str, Any] | None) -> Any:
    """A policy in comparable form: MinIO returns actions, resources and condition values as sorted sets."""
    if policy is None:
        return None

    def listed(value: Any) -> list[str]:
        return sorted([value] if isinstance(value, str) else value)

    statements = []
    for statement in policy.get("Statement", []):
        conditions = {
            op: {key: listed(values) for key, values in pairs.items()}
            for op, pairs in (statement.get("Condition") or {}).items()
        }
        statements.append(
            {
                "Sid": statement.get("Sid", ""),
                "Effect": statement.get("Effect"),
                "Action": listed(statement.get("Action", [])),
                "Resource": listed(statement.get("Resource", [])),
                "Condition": conditions,
            }
        )
    return sorted(statements, key=lambda s: json.dumps(s, sort_keys=True))


def attached_policies(admin: AdminApi) -> dict[str, list[str]]:
    """Every user of the store with the policies attached to it (madmin's comma-separated policyName)."""
    users = json.loads(admin.user_list() or "{}")
    return {name: sorted(p for p in str(info.get("policyName") or "").split(",") if p) for name, info in users.items()}


def read_policy(admin: AdminApi, name: str) -> dict[str, Any] | None:
    try:
        return dict(json.loads(admin.policy_info(name)))
    except MinioAdminException as exc:
        if exc._code == "404":  # XMinioAdminNoSuchPolicy
            return None
        raise


def _check_credentials(exc: MinioAdminException) -> None:
    if exc._code == "403" and any(code in exc._body for code in REFUSED_CREDENTIALS):
        raise AdminCredentialsRefusedError(f"the store refused the credentials: {exc._body}") from exc


def reconcile_users(admin: AdminApi, buckets: Sequence[BucketSpec], *, runner: str) -> list[UserResult]:
    """Every user of the store but `runner` ends with exactly its own policy attached (or none), read back."""
    try:
        found = attached_policies(admin)
    except MinioAdminException as exc:
        _check_credentials(exc)
        return [UserResult("*", None, error=f"cannot list the store's users: {exc}")]
    results: list[UserResult] = []
    for user in sorted(set(found) | set(desired.granted_users(buckets))):
        if user == runner:
            continue
        wanted = desired.identity_policy(buckets, user)
        result = UserResult(user, policy_name(user) if wanted else None)
        if user not in found:
            result.error = f"user {user} has grants but is not on the store (the operator has not created it yet)"
        else:
            try:
                result.drift = _reconcile_user(admin, user, wanted, found[user])
            except MinioAdminException as exc:
                _check_credentials(exc)
                result.error = f"user {user}: the store refused a change: {exc}"
        results.append(result)
    _read_back(admin, buckets, results)
    return results


def _reconcile_user(admin: AdminApi, user: str, wanted: dict[str, Any] | None, attached: list[str]) -> list[Drift]:
    drift: list[Drift] = []
    name = policy_name(user)
    if wanted is not None:
        document = read_policy(admin, name)
        if canonical(document) != canonical(wanted):
            drift.append(Drift("policyDocument", document, wanted))
            admin.policy_add(name, policy=wanted)
    wanted_attached = [name] if wanted is not None else []
    if attached != wanted_attached:
        drift.append(Drift("attachedPolicies", attached, wanted_attached))
        # Detach first: a failure in between leaves the user with less, never with more.
        if extra := [p for p in attached if p not in wanted_attached]:
            admin.detach_policy(extra, user=user)
        if missing := [p for p in wanted_attached if p not in attached]:
            admin.attach_policy(missing, user=user)
    return drift


def _read_back(admin: AdminApi, buckets: Sequence[BucketSpec], results: list[UserResult]) -> None:
    try:
        after = attached_policies(admin)
    except MinioAdminException as exc:
        _check_credentials(exc)
        for result in results:
            result.error = result.error or f"user {result.name}: cannot read back: {exc}"
        return
    for result in results:
        if result.error is not None:
            continue
        wanted = desired.identity_policy(buckets, result.name)
        attached = after.get(result.name)
        wanted_attached = [policy_name(result.name)] if wanted is not None else []
        problems = []
        if attached != wanted_attached:
            problems.append(f"attached policies {attached}")
        try:
            if wanted is not None and canonical(read_policy(admin, policy_name(result.name))) != canonical(wanted):
                problems.append(f"policy {policy_name(result.name)} differs")
        except MinioAdminException as exc:
            _check_credentials(exc)
            problems.append(f"cannot read policy {policy_name(result.name)}: {exc}")
        if problems:
            result.error = f"user {result.name}: the store does not return what was set: {', '.join(problems)}"
