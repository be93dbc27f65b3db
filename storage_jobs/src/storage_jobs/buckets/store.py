"""The S3 client and what one bucket looks like on the store right now."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from botocore.exceptions import ClientError

from storage_jobs.buckets import desired

# botocore's own retries (standard mode: backoff with jitter on throttling, 5xx and connection errors) are the
# only retry layer; AWS_MAX_ATTEMPTS in the environment overrides the attempt count.
MAX_ATTEMPTS: Final = 5
CONNECT_TIMEOUT_S: Final = 5
READ_TIMEOUT_S: Final = 30
DEFAULT_REGION: Final = "us-east-1"
# The user's keys as files of its mounted Secret (infra/components/storage/client.py sets these), so that they
# never sit in the pod's environment, where every child process and crash dump would inherit them.
ACCESS_KEY_FILE_ENV: Final = "AWS_ACCESS_KEY_ID_FILE"
SECRET_KEY_FILE_ENV: Final = "AWS_SECRET_ACCESS_KEY_FILE"
ABSENT: Final = {
    "NoSuchBucket",
    "NoSuchBucketPolicy",
    "NoSuchLifecycleConfiguration",
    "ObjectLockConfigurationNotFoundError",
    "404",
}


def custom_endpoint(endpoint: str | None) -> str | None:
    return endpoint or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")


class CredentialsFileError(Exception):
    """A key file named by the environment cannot be read, or only one of the two is named."""


def file_keys() -> tuple[str, str] | None:
    """The access and secret key from the files $AWS_ACCESS_KEY_ID_FILE and $AWS_SECRET_ACCESS_KEY_FILE name;
    None when neither is set."""
    files = os.environ.get(ACCESS_KEY_FILE_ENV), os.environ.get(SECRET_KEY_FILE_ENV)
    if not any(files):
        return None
    if not all(files):
        raise CredentialsFileError(f"set both {ACCESS_KEY_FILE_ENV} and {SECRET_KEY_FILE_ENV}, or neither")
    keys = []
    for variable, name in zip((ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV), files, strict=True):
        try:
            keys.append(Path(str(name)).read_text(encoding="utf-8").strip())
        except OSError as exc:
            raise CredentialsFileError(f"{variable}={name}: cannot read the key ({exc.strerror})") from exc
    return keys[0], keys[1]


def object_store_keys() -> tuple[str | None, str | None]:
    """The keys as a pair (the MinIO admin API takes them so): from the files, else AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY (a local run); None where neither is set."""
    return file_keys() or (os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY"))


def s3_client(endpoint: str | None = None) -> Any:
    """Endpoint and CA bundle from the standard AWS environment (--endpoint wins over it); the keys from the
    files (file_keys), else boto3's own chain (environment with any session token, profile, web identity)."""
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    url = custom_endpoint(endpoint)
    attempts = int(os.environ.get("AWS_MAX_ATTEMPTS") or MAX_ATTEMPTS)
    config = Config(
        retries={"max_attempts": attempts, "mode": "standard"},
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        # In-cluster stores have no wildcard DNS for virtual-host addressing.
        s3={"addressing_style": "path"} if url else {},
        # Ceph RGW (Pacific) refuses boto3's default aws-chunked uploads with trailing checksums over HTTPS.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    # A session of its own: boto3's default session keeps the first credentials it resolved for the process.
    keys = file_keys()
    if keys:
        session = boto3.session.Session(aws_access_key_id=keys[0], aws_secret_access_key=keys[1])
    else:
        session = boto3.session.Session()
    return session.client("s3", endpoint_url=url, region_name=region, config=config)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _or_absent(call: Any, **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except ClientError as exc:
        if error_code(exc) in ABSENT:
            return None
        raise


@dataclass(frozen=True)
class BucketState:
    exists: bool
    versioning: str | None = None  # Enabled | Suspended | None (never set)
    object_lock: tuple[str, int] | str | None = None
    lifecycle: tuple[desired.RuleKey, ...] = ()
    policy: dict[str, Any] | None = None


def read_state(client: Any, bucket: str) -> BucketState:
    if _or_absent(client.head_bucket, Bucket=bucket) is None:
        return BucketState(exists=False)
    versioning = client.get_bucket_versioning(Bucket=bucket).get("Status")
    lock = _or_absent(client.get_object_lock_configuration, Bucket=bucket)
    lifecycle = _or_absent(client.get_bucket_lifecycle_configuration, Bucket=bucket)
    policy = _or_absent(client.get_bucket_policy, Bucket=bucket)
    return BucketState(
        exists=True,
        versioning=versioning,
        object_lock=desired.found_object_lock(lock["ObjectLockConfiguration"] if lock else None),
        lifecycle=tuple(desired.found_lifecycle(lifecycle["Rules"] if lifecycle else [])),
        policy=json.loads(policy["Policy"]) if policy else None,
    )
