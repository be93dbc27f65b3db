"""S3 clients built from the standard AWS environment, with one retry layer and a time budget.

Reads, listing, stat and plain writes go through `pyarrow.fs.S3FileSystem`: Parquet row groups, CSV blocks and
NPY row ranges are fetched as ranged GETs while they are read, nothing is copied to /tmp. boto3 stays for what
pyarrow cannot do: conditional writes (`If-Match` / `If-None-Match`, the history's read-modify-write) and the
listing that tells a denied key from an absent one. Each client retries on its own (the AWS SDK's standard
strategy in pyarrow, botocore's standard mode in boto3) and nothing retries on top of them, so an operation
makes at most `RetryPolicy.attempts` requests.

Timeouts come from `RetryPolicy.total_seconds` (config `retry.total_seconds`): an endpoint that accepts
connections but never answers fails one operation, all attempts and backoffs included, within about that budget,
and the run exits 3.

The endpoint comes from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (Ceph RGW or MinIO; path-style addressing
then), the region from AWS_REGION / AWS_DEFAULT_REGION, a private CA from AWS_CA_BUNDLE, the keys from the files
AWS_ACCESS_KEY_ID_FILE and AWS_SECRET_ACCESS_KEY_FILE name (the pod mounts its object-store user's Secret), else
the SDK's default chain (environment, the pod's web identity token).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drift_jobs.errors import BadInputError
from drift_jobs.retry import RetryPolicy

# The keys as files of the mounted Secret (infra/components/storage/client.py sets these), never in the pod's
# environment, where every child process and crash dump would inherit them.
ACCESS_KEY_FILE_ENV = "AWS_ACCESS_KEY_ID_FILE"
SECRET_KEY_FILE_ENV = "AWS_SECRET_ACCESS_KEY_FILE"
ENDPOINT_ENVS = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
REGION_ENVS = ("AWS_REGION", "AWS_DEFAULT_REGION")
CA_BUNDLE_ENV = "AWS_CA_BUNDLE"
# Connecting is quick or it is not happening: never spend more than this of an attempt on it.
MAX_CONNECT_SECONDS = 5.0
# botocore's standard retry mode never sleeps longer than this between attempts.
MAX_BACKOFF_SECONDS = 20
# The shortest useful attempt: a connect and a one-second read timeout (curl checks its limit once a second).
MIN_ATTEMPT_SECONDS = 2.0


@dataclass(frozen=True)
class Timeouts:
    """Per-attempt timeouts that fit `attempts` tries and the SDKs' backoffs into a total budget."""

    attempts: int
    connect_seconds: float
    read_seconds: float

    @property
    def worst_case_seconds(self) -> float:
        return self.attempts * (self.connect_seconds + self.read_seconds) + backoff_allowance(self.attempts)


def backoff_allowance(attempts: int) -> float:
    """The most botocore's standard mode sleeps between `attempts` tries (jittered 2^n s, each at most 20 s)."""
    return float(sum(min(2**n, MAX_BACKOFF_SECONDS) for n in range(max(0, attempts - 1))))


def timeouts(policy: RetryPolicy) -> Timeouts:
    """Fewer attempts when the budget cannot hold them all at their shortest, then the budget shared out."""
    attempts = max(1, policy.attempts)
    while attempts > 1 and backoff_allowance(attempts) + attempts * MIN_ATTEMPT_SECONDS > policy.total_seconds:
        attempts -= 1
    per_attempt = max(MIN_ATTEMPT_SECONDS, (policy.total_seconds - backoff_allowance(attempts)) / attempts)
    connect = min(MAX_CONNECT_SECONDS, per_attempt / 4)
    # Whole seconds: curl's low-speed limit, which the AWS SDK uses for pyarrow's request timeout, counts them.
    read = max(1.0, float(math.floor(per_attempt - connect)))
    return Timeouts(attempts=attempts, connect_seconds=connect, read_seconds=read)


def custom_endpoint() -> str | None:
    return next((v for v in (os.environ.get(e) for e in ENDPOINT_ENVS) if v), None)


def region() -> str | None:
    return next((v for v in (os.environ.get(e) for e in REGION_ENVS) if v), None)


def file_credentials() -> dict[str, str]:
    """Session arguments for the keys in the files the environment names; none without them (the SDK's chain)."""
    files = os.environ.get(ACCESS_KEY_FILE_ENV), os.environ.get(SECRET_KEY_FILE_ENV)
    if not any(files):
        return {}
    if not all(files):
        raise BadInputError(f"set both {ACCESS_KEY_FILE_ENV} and {SECRET_KEY_FILE_ENV}, or neither")
    keys = {}
    for argument, variable, name in zip(
        ("aws_access_key_id", "aws_secret_access_key"), (ACCESS_KEY_FILE_ENV, SECRET_KEY_FILE_ENV), files, strict=True
    ):
        try:
            keys[argument] = Path(str(name)).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BadInputError(f"{variable}={name}: cannot read the key ({exc.strerror})") from exc
    return keys


def arrow_filesystem(policy: RetryPolicy) -> Any:
    """A `pyarrow.fs.S3FileSystem` for the environment's endpoint, keys, region and CA."""
    from pyarrow import fs as pafs  # noqa: PLC0415

    # As for boto3 below: Ceph RGW (Pacific) refuses uploads with trailing checksums (MissingContentLength). The
    # AWS SDK under pyarrow reads this from the environment when it makes the client.
    for variable in ("AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION"):
        os.environ.setdefault(variable, "when_required")
    t = timeouts(policy)
    options: dict[str, Any] = {
        "connect_timeout": t.connect_seconds,
        "request_timeout": t.read_seconds,
        "retry_strategy": pafs.AwsStandardS3RetryStrategy(max_attempts=t.attempts),
        # Errors of a write surface in the call that writes, not at some later close.
        "background_writes": False,
    }
    keys = file_credentials()
    if keys:
        options["access_key"] = keys["aws_access_key_id"]
        options["secret_key"] = keys["aws_secret_access_key"]
    endpoint = custom_endpoint()
    if endpoint:
        from urllib.parse import urlsplit  # noqa: PLC0415 - S3 runs only

        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        options["endpoint_override"] = parts.netloc + parts.path.rstrip("/")
        options["scheme"] = parts.scheme or "https"
    # pyarrow addresses buckets path-style unless told otherwise: right for Ceph RGW and MinIO, which rarely have
    # wildcard DNS, and AWS still serves it. Without AWS_REGION, a custom endpoint gets us-east-1 (RGW's default
    # zonegroup) and AWS the SDK's own resolution.
    name = region() or ("us-east-1" if endpoint else None)
    if name:
        options["region"] = name
    ca_bundle = os.environ.get(CA_BUNDLE_ENV)
    if ca_bundle:
        options["tls_ca_file_path"] = ca_bundle
    return pafs.S3FileSystem(**options)


def boto3_client(policy: RetryPolicy) -> Any:
    """A boto3 S3 client (conditional writes, the denied-or-absent listing) with botocore's standard retries."""
    # boto3 costs ~0.3 s to import: only runs that need it pay for it.
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    t = timeouts(policy)
    endpoint = custom_endpoint()
    # Ceph RGW and MinIO rarely have wildcard DNS for virtual-host addressing.
    s3_options = {"addressing_style": "path"} if endpoint else {}
    config = Config(
        # total_max_attempts counts the first request too (max_attempts would count only the retries).
        retries={"total_max_attempts": t.attempts, "mode": "standard"},
        connect_timeout=t.connect_seconds,
        read_timeout=t.read_seconds,
        s3=s3_options,
        # Ceph RGW (Pacific) refuses the aws-chunked uploads with trailing checksums that boto3 sends over
        # HTTPS by default (MissingContentLength): checksums only where an operation requires one.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    # A session per client: boto3's default session keeps the first credentials it resolved for the process.
    session = boto3.session.Session(**file_credentials())
    return session.client("s3", region_name=region() or ("us-east-1" if endpoint else None), config=config)
