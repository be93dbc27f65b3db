"""Local paths and s3:// URIs behind one small interface.

S3 objects are downloaded to a private temp directory and read from there: Parquet needs
random access for row groups, and a local copy keeps memory bounded by the chunk size
instead of the object size. The endpoint comes from the standard AWS environment
(AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL for Ceph RGW or MinIO); the keys from the files
AWS_ACCESS_KEY_ID_FILE and AWS_SECRET_ACCESS_KEY_FILE name (the pod mounts its object-store
user's Secret), else boto3's default chain (environment, the pod's web identity token).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drift_jobs.errors import BadInputError, DependencyUnavailableError
from drift_jobs.retry import RetryPolicy, TransientError, call_with_retries

DATA_SUFFIXES = (".parquet", ".pq", ".csv", ".csv.gz", ".npy")
_TRANSIENT_HTTP = {408, 429, 500, 502, 503, 504}
# The keys as files of the mounted Secret (infra/components/storage/client.py sets these), never in the pod's
# environment, where every child process and crash dump would inherit them.
ACCESS_KEY_FILE_ENV = "AWS_ACCESS_KEY_ID_FILE"
SECRET_KEY_FILE_ENV = "AWS_SECRET_ACCESS_KEY_FILE"


def is_s3(uri: str) -> bool:
    return uri.startswith("s3://")


def split_s3(uri: str) -> tuple[str, str]:
    rest = uri[len("s3://") :]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise BadInputError(f"{uri}: not a valid s3:// URI (no bucket)")
    return bucket, key


def join(base: str, name: str) -> str:
    if is_s3(base):
        return base.rstrip("/") + "/" + name
    return str(Path(base) / name)


def parent(uri: str) -> str:
    if is_s3(uri):
        head, _, _ = uri.rstrip("/").rpartition("/")
        return head if head.count("/") >= 2 else uri
    return str(Path(uri).parent)


def basename(uri: str) -> str:
    return uri.rstrip("/").rpartition("/")[2]


def is_data_file(name: str) -> bool:
    base = basename(name)
    return not base.startswith(("_", ".")) and base.lower().endswith(DATA_SUFFIXES)


def file_credentials() -> dict[str, str]:
    """Session arguments for the keys in the files the environment names; none without them (boto3's chain)."""
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


def _s3_client() -> Any:
    # boto3 costs ~0.3 s to import; runs on local files should not pay for it.
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    custom_endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    # Ceph RGW and MinIO rarely have wildcard DNS for virtual-host addressing.
    s3_options = {"addressing_style": "path"} if custom_endpoint else {}
    config = Config(
        retries={"max_attempts": 2, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
        s3=s3_options,
        # Ceph RGW (Pacific) refuses the aws-chunked uploads with trailing checksums that boto3 sends over
        # HTTPS by default (MissingContentLength): checksums only where an operation requires one.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    # A session per client: boto3's default session keeps the first credentials it resolved for the process.
    session = boto3.session.Session(**file_credentials())
    return session.client("s3", region_name=region or ("us-east-1" if custom_endpoint else None), config=config)


def _classify(exc: Exception, uri: str) -> Exception:
    """Map a botocore/OS error to not-found (exit 2), transient (retry) or unavailable (exit 3)."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError  # noqa: PLC0415

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if code in {"NoSuchKey", "404", "NotFound", "NoSuchBucket"} or status == 404:
            return FileNotFoundError(uri)
        if status in _TRANSIENT_HTTP or code in {"SlowDown", "Throttling", "RequestTimeout"}:
            return TransientError(f"{uri}: {code or status}")
        return DependencyUnavailableError(f"{uri}: storage refused the request ({code or status})")
    if isinstance(exc, NoCredentialsError):
        return DependencyUnavailableError(f"{uri}: no AWS credentials found")
    if isinstance(exc, BotoCoreError | ConnectionError | TimeoutError):
        return TransientError(f"{uri}: {exc}")
    return exc


@dataclass
class Storage:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    _client: Any = None
    _tmp: Path | None = None
    _downloads: dict[str, Path] = field(default_factory=dict)

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
            self._downloads.clear()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = _s3_client()
        return self._client

    def _s3(self, uri: str, what: str, fn: Any) -> Any:
        def attempt() -> Any:
            try:
                return fn()
            except Exception as exc:
                raise _classify(self._absent_if_denied(exc, uri), uri) from exc

        return call_with_retries(attempt, f"{what} {uri}", self.retry)

    def _absent_if_denied(self, exc: Exception, uri: str) -> Exception:
        """A missing object reads as 403, not 404, to a user who may list only some prefixes of the bucket
        (S3 and Ceph RGW answer so unless the caller may list the whole bucket): a least-privilege drift job
        asking for a history that does not exist yet. Listing the key's own prefix tells the two apart."""
        from botocore.exceptions import ClientError  # noqa: PLC0415

        original: Exception = exc  # botocore is untyped: isinstance below would make exc Any
        if not isinstance(exc, ClientError) or not is_s3(uri):
            return original
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        bucket, key = split_s3(uri)
        if status != 403 or not key:
            return original
        try:
            listed = self.client.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1).get("Contents", [])
        except ClientError:
            return original  # may not list there either: the original denial stands
        return FileNotFoundError(uri) if not any(o.get("Key") == key for o in listed) else original

    # --- discovery -------------------------------------------------------------------
    def list_data_files(self, uri: str) -> list[str]:
        """The data files a URI designates: itself, or the data files under it, sorted."""
        if not is_s3(uri):
            path = Path(uri)
            if path.is_file():
                return [str(path)]
            if path.is_dir():
                files = sorted(str(p) for p in path.rglob("*") if p.is_file() and is_data_file(p.name))
                if not files:
                    raise BadInputError(f"{uri}: directory holds no .parquet, .csv or .npy file")
                return files
            raise BadInputError(f"{uri}: no such file or directory")
        _, key = split_s3(uri)
        if key and not key.endswith("/") and self.stat(uri) is not None:
            return [uri]
        files = [f for f in self.list_prefix(uri) if is_data_file(f)]
        if not files:
            raise BadInputError(f"{uri}: no .parquet, .csv or .npy object under this prefix")
        return files

    def list_prefix(self, uri: str) -> list[str]:
        """Every file under a local directory or S3 prefix (recursively), sorted."""
        if not is_s3(uri):
            path = Path(uri)
            if path.is_file():
                return [str(path)]
            if not path.is_dir():
                raise BadInputError(f"{uri}: no such file or directory")
            return sorted(str(p) for p in path.rglob("*") if p.is_file())
        bucket, key = split_s3(uri)
        prefix = key if not key or key.endswith("/") else key + "/"

        def list_all() -> list[str]:
            found: list[str] = []
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                found.extend(obj["Key"] for obj in page.get("Contents", []))
            return found

        try:
            keys = self._s3(uri, "list", list_all)
        except FileNotFoundError as exc:
            raise BadInputError(f"{uri}: bucket or prefix not found") from exc
        return sorted(f"s3://{bucket}/{k}" for k in keys)

    def stat(self, uri: str) -> dict[str, Any] | None:
        """Size and version marker of one file or object, None when absent."""
        if not is_s3(uri):
            path = Path(uri)
            if not path.is_file():
                return None
            st = path.stat()
            return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
        bucket, key = split_s3(uri)
        try:
            head = self._s3(uri, "stat", lambda: self.client.head_object(Bucket=bucket, Key=key))
        except FileNotFoundError:
            return None
        return {"size": int(head.get("ContentLength", 0)), "etag": str(head.get("ETag", ""))}

    def fingerprint(self, files: list[str]) -> str:
        digest = hashlib.sha256()
        for uri in files:
            digest.update(f"{uri}\0{self.stat(uri)}\n".encode())
        return digest.hexdigest()

    # --- reading and writing ---------------------------------------------------------
    def local_path(self, uri: str) -> Path:
        """A local file with the content of uri (S3 objects are downloaded once per run)."""
        if not is_s3(uri):
            path = Path(uri)
            if not path.is_file():
                raise BadInputError(f"{uri}: no such file")
            return path
        if uri in self._downloads:
            return self._downloads[uri]
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="drift-job-"))
        bucket, key = split_s3(uri)
        target = self._tmp / f"{len(self._downloads):05d}-{basename(key)}"
        try:
            self._s3(uri, "download", lambda: self.client.download_file(bucket, key, str(target)))
        except FileNotFoundError as exc:
            raise BadInputError(f"{uri}: no such object") from exc
        self._downloads[uri] = target
        return target

    def read_bytes(self, uri: str) -> bytes | None:
        if not is_s3(uri):
            path = Path(uri)
            return path.read_bytes() if path.is_file() else None
        bucket, key = split_s3(uri)

        def get() -> bytes:
            return bytes(self.client.get_object(Bucket=bucket, Key=key)["Body"].read())

        try:
            body = self._s3(uri, "read", get)
        except FileNotFoundError:
            return None
        return bytes(body)

    def write_bytes(self, uri: str, data: bytes, content_type: str = "application/json") -> None:
        if not is_s3(uri):
            path = Path(uri)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write-then-rename so a concurrent reader never sees half a profile or history.
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            return
        bucket, key = split_s3(uri)
        try:
            self._s3(
                uri,
                "write",
                lambda: self.client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type),
            )
        except FileNotFoundError as exc:
            raise DependencyUnavailableError(f"{uri}: bucket not found") from exc
