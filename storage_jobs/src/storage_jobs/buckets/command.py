"""`storage-jobs buckets apply`: read the bucket contract, make the store match, print a JSON summary."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, Final

import urllib3
from botocore.exceptions import (
    ClientError,
    ConnectionError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from pydantic import ValidationError

from storage_jobs.buckets.minio_users import (
    AdminCredentialsRefusedError,
    AdminEndpointError,
    UserResult,
    minio_admin,
    reconcile_users,
)
from storage_jobs.buckets.reconcile import BucketResult, CannotReconcileError, reconcile
from storage_jobs.buckets.store import (
    ACCESS_KEY_FILE_ENV,
    SECRET_KEY_FILE_ENV,
    CredentialsFileError,
    custom_endpoint,
    error_code,
    object_store_keys,
    s3_client,
)
from storage_jobs.contract import BucketContract
from storage_jobs.exit_codes import EPILOG, EXIT_BAD_INPUT, EXIT_MISMATCH, EXIT_OK, EXIT_UNREACHABLE

NAME: Final = "buckets"
HELP: Final = "make the object store's buckets match the bucket contract"
UNREACHABLE: Final = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionError)
REFUSED_CREDENTIALS: Final = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId"}
# Ceph RGW: grants are bucket policies, with the TLS-only denies (see desired.py). MinIO: grants are identity
# policies attached to the users (minio_users.py); its Tenant serves HTTPS only.
POLICY_BACKENDS: Final = {"ceph"}
IDENTITY_POLICY_BACKENDS: Final = {"minio"}

log = logging.getLogger("storage_jobs.buckets")


class BadContractError(Exception):
    pass


class UnreachableError(Exception):
    pass


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    apply = actions.add_parser(
        "apply",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="create missing buckets; set versioning, object lock retention, lifecycle and policy; read back",
        description=(
            "Idempotent: writes only the settings that differ from the contract, reads every bucket back and "
            "reports what had drifted. Endpoint, keys and CA bundle come from the standard AWS environment "
            "(AWS_ENDPOINT_URL_S3, AWS_CA_BUNDLE); the keys from the files AWS_ACCESS_KEY_ID_FILE and "
            "AWS_SECRET_ACCESS_KEY_FILE name, else AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; botocore retries "
            "(AWS_MAX_ATTEMPTS, default 5)."
        ),
    )
    apply.add_argument("--contract", required=True, type=Path, help="the bucket contract (contract.json)")
    apply.add_argument("--endpoint", help="S3 endpoint URL (default: AWS_ENDPOINT_URL_S3)")


def load_contract(path: Path) -> BucketContract:
    try:
        contract = BucketContract.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise BadContractError(f"{path}: cannot read the contract ({exc.strerror})") from exc
    except ValidationError as exc:
        raise BadContractError(f"{path}: not a valid bucket contract: {exc}") from exc
    names = [b.name for b in contract.buckets]
    if duplicates := sorted({n for n in names if names.count(n) > 1}):
        raise BadContractError(f"{path}: bucket listed twice: {', '.join(duplicates)}")
    return contract


def preflight(client: Any) -> None:
    """One authenticated call first: a HEAD answers a bad key with a bare 403, ListBuckets names the cause."""
    try:
        client.list_buckets()
    except UNREACHABLE as exc:
        raise UnreachableError(str(exc)) from exc
    except ClientError as exc:
        if error_code(exc) in REFUSED_CREDENTIALS:
            raise UnreachableError(f"the store refused the credentials ({error_code(exc)})") from exc
        raise


def apply(contract: BucketContract, client: Any) -> list[BucketResult]:
    preflight(client)
    deny_plain_http = contract.backend in POLICY_BACKENDS
    results: list[BucketResult] = []
    for spec in contract.buckets:
        try:
            result = reconcile(client, spec, deny_plain_http=deny_plain_http)
        except UNREACHABLE as exc:
            raise UnreachableError(f"bucket {spec.name}: {exc}") from exc
        except CannotReconcileError as exc:
            result = BucketResult(spec.name, spec.purpose, error=str(exc))
        except ClientError as exc:
            result = BucketResult(spec.name, spec.purpose, error=f"bucket {spec.name}: {exc}")
        for drift in result.drift:
            log.warning("bucket %s: %s had drifted, set again", spec.name, drift.setting)
        results.append(result)
    return results


def apply_users(contract: BucketContract, endpoint: str | None) -> list[UserResult]:
    """MinIO: each user's grants as its only attached policy; the job's own user (the owner) is left alone."""
    if contract.backend not in IDENTITY_POLICY_BACKENDS:
        return []
    access_key, secret_key = object_store_keys()
    if not endpoint or not access_key or not secret_key:
        raise UnreachableError(
            f"the MinIO admin API needs AWS_ENDPOINT_URL_S3 and the keys ({ACCESS_KEY_FILE_ENV} and "
            f"{SECRET_KEY_FILE_ENV}, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
        )
    try:
        results = reconcile_users(minio_admin(endpoint, access_key, secret_key), contract.buckets, runner=access_key)
    except AdminCredentialsRefusedError as exc:
        raise UnreachableError(str(exc)) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise UnreachableError(f"admin API: {exc}") from exc
    for result in results:
        for drift in result.drift:
            log.warning("user %s: %s had drifted, set again", result.name, drift.setting)
    return results


def run(args: argparse.Namespace) -> int:
    try:
        contract = load_contract(args.contract)
    except BadContractError as exc:
        print(f"storage-jobs buckets: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    endpoint = custom_endpoint(args.endpoint)
    try:
        results = apply(contract, s3_client(args.endpoint))
        users = apply_users(contract, endpoint)
    except (AdminEndpointError, CredentialsFileError) as exc:
        print(f"storage-jobs buckets: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UnreachableError, NoCredentialsError) as exc:
        print(f"storage-jobs buckets: object store {endpoint or 'AWS S3'} unreachable: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    outcomes: list[BucketResult | UserResult] = [*results, *users]
    summary = {
        "backend": contract.backend,
        "endpoint": endpoint,
        "inSync": all(r.in_sync for r in outcomes),
        "buckets": [r.as_json() for r in results],
        "users": [u.as_json() for u in users],
    }
    print(json.dumps(summary, indent=2, sort_keys=True))
    for item in outcomes:
        if item.error:
            print(f"storage-jobs buckets: {item.error}", file=sys.stderr)
    return EXIT_OK if summary["inSync"] else EXIT_MISMATCH
