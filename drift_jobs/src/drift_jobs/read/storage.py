"""Local paths and s3:// URIs behind one small interface.

S3 objects are read in place through `pyarrow.fs` (read/s3.py): `input_file` gives Parquet and NPY readers a
random-access file whose reads are ranged GETs, `input_stream` gives CSV readers a (decompressing) stream;
nothing is copied to /tmp, and memory stays bounded by what a reader asks for. Local paths are handed over as
paths. Failures map to exit codes: absent → the caller decides (usually exit 2), refused or unreachable after
the S3 client's own bounded retries → `DependencyUnavailableError` (exit 3).

`update` is an atomic read-modify-write (the run history): under an exclusive lock file locally, a
conditional PUT (`If-Match` the ETag read, `If-None-Match: *` for the first write) on S3, repeated when
another writer got there first.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drift_jobs.errors import BadInputError, DependencyUnavailableError, first_line
from drift_jobs.read.s3 import (
    ACCESS_KEY_FILE_ENV,
    SECRET_KEY_FILE_ENV,
    arrow_filesystem,
    boto3_client,
    file_credentials,
    timeouts,
)
from drift_jobs.retry import RetryPolicy

__all__ = ["ACCESS_KEY_FILE_ENV", "SECRET_KEY_FILE_ENV", "Storage", "file_credentials"]

log = logging.getLogger(__name__)
DATA_SUFFIXES = (".parquet", ".pq", ".csv", ".csv.gz", ".npy")
# A conditional write that lost to another writer reads again and retries, this many times in all.
UPDATE_ATTEMPTS = 16
_AWS_ERROR = "AWS Error"  # how pyarrow's S3 errors name their cause
_DENIED_MARKERS = ("ACCESS_DENIED", "AccessDenied", "response code: 403")
_ABSENT_MARKERS = ("NO_SUCH_KEY", "NoSuchKey", "NO_SUCH_BUCKET", "NoSuchBucket", "RESOURCE_NOT_FOUND")


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


def _s3_client(policy: RetryPolicy | None = None) -> Any:
    """The boto3 client storage uses for conditional writes (kept under this name for the tests)."""
    return boto3_client(policy or RetryPolicy())


def storage_failure(uri: str, exc: BaseException) -> DependencyUnavailableError | None:
    """For readers: an error raised while reading an S3 object in place (a ranged GET that failed after the
    client's retries) is the object store's (exit 3), not a corrupt file's (exit 2). None for anything else."""
    if is_s3(uri) and isinstance(exc, OSError) and _AWS_ERROR in str(exc):
        return DependencyUnavailableError(f"{uri}: read: storage unavailable: {first_line(exc)}")
    return None


def _arrow_path(uri: str) -> str:
    bucket, key = split_s3(uri)
    return f"{bucket}/{key}".rstrip("/")


@dataclass
class Storage:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    _fs: Any = None
    _client: Any = None

    def close(self) -> None:
        """Nothing to release: S3 reads hold no local copies (kept for the `with Storage()` callers)."""

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def fs(self) -> Any:
        if self._fs is None:
            self._fs = arrow_filesystem(self.retry)
        return self._fs

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3_client(self.retry)
        return self._client

    # --- errors ----------------------------------------------------------------------
    def _unavailable(self, uri: str, what: str, exc: BaseException) -> DependencyUnavailableError:
        t = timeouts(self.retry)
        return DependencyUnavailableError(
            f"{uri}: {what}: storage unavailable after {t.attempts} attempts "
            f"({self.retry.total_seconds:g} s budget): {first_line(exc)}"
        )

    def _arrow_error(self, exc: Exception, uri: str, what: str) -> Exception:
        """Map a pyarrow S3 error to not-found (the caller decides) or unavailable (exit 3)."""
        text = str(exc)
        if isinstance(exc, FileNotFoundError) or any(m in text for m in _ABSENT_MARKERS):
            return FileNotFoundError(uri)
        if any(m in text for m in _DENIED_MARKERS):
            if self._absent_although_denied(uri):
                return FileNotFoundError(uri)
            return DependencyUnavailableError(f"{uri}: {what}: storage refused the request (AccessDenied)")
        return self._unavailable(uri, what, exc)

    def _boto_error(self, exc: Exception, uri: str, what: str) -> Exception:
        from botocore.exceptions import ClientError, NoCredentialsError  # noqa: PLC0415

        if isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            if code in {"NoSuchKey", "404", "NotFound", "NoSuchBucket"} or status == 404:
                return FileNotFoundError(uri)
            if status == 403 and self._absent_although_denied(uri):
                return FileNotFoundError(uri)
            if status in {403, 400, 405, 501}:
                return DependencyUnavailableError(f"{uri}: {what}: storage refused the request ({code or status})")
        if isinstance(exc, NoCredentialsError):
            return DependencyUnavailableError(f"{uri}: no AWS credentials found")
        return self._unavailable(uri, what, exc)

    def _absent_although_denied(self, uri: str) -> bool:
        """A missing object reads as 403, not 404, to a user who may list only some prefixes of the bucket
        (S3 and Ceph RGW answer so unless the caller may list the whole bucket): a least-privilege drift job
        asking for a history that does not exist yet. Listing the key's own prefix tells the two apart."""
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        bucket, key = split_s3(uri)
        if not key:
            return False
        try:
            listed = self.client.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1).get("Contents", [])
        except (ClientError, BotoCoreError):
            return False  # may not list there either: the original denial stands
        return not any(o.get("Key") == key for o in listed)

    @contextlib.contextmanager
    def _arrow(self, uri: str, what: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise self._arrow_error(exc, uri, what) from exc

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
        from pyarrow import fs as pafs  # noqa: PLC0415

        selector = pafs.FileSelector(_arrow_path(uri), recursive=True, allow_not_found=True)
        try:
            with self._arrow(uri, "list"):
                infos = self.fs.get_file_info(selector)
        except FileNotFoundError as exc:
            raise BadInputError(f"{uri}: bucket or prefix not found") from exc
        found = []
        for info in infos:
            if info.type == pafs.FileType.File:
                found.append(f"s3://{info.path}")
        return sorted(found)

    def stat(self, uri: str) -> dict[str, Any] | None:
        """Size and version marker of one file or object, None when absent."""
        if not is_s3(uri):
            path = Path(uri)
            if not path.is_file():
                return None
            st = path.stat()
            return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
        try:
            # One HEAD request; an input file's metadata carries the ETag (a FileInfo only the mtime).
            with self._arrow(uri, "stat"), self.fs.open_input_file(_arrow_path(uri)) as f:
                size, meta = f.size(), f.metadata()
        except (FileNotFoundError, IsADirectoryError):
            return None
        etag = meta.get("ETag", meta.get(b"ETag", b""))
        return {"size": int(size), "etag": etag.decode() if isinstance(etag, bytes) else str(etag)}

    def fingerprint(self, files: list[str]) -> str:
        digest = hashlib.sha256()
        for uri in files:
            digest.update(f"{uri}\0{self.stat(uri)}\n".encode())
        return digest.hexdigest()

    # --- reading and writing ---------------------------------------------------------
    def input_file(self, uri: str) -> Any:
        """What a random-access reader opens: a local path, or an S3 object read by ranged GETs
        (a `pyarrow.NativeFile`: read/seek/read_at/size, no local copy)."""
        if not is_s3(uri):
            if not Path(uri).is_file():
                raise BadInputError(f"{uri}: no such file")
            return uri
        try:
            with self._arrow(uri, "open"):
                return self.fs.open_input_file(_arrow_path(uri))
        except FileNotFoundError as exc:
            raise BadInputError(f"{uri}: no such object") from exc

    def input_stream(self, uri: str) -> Any:
        """What a sequential reader (CSV) opens: a local path, or an S3 object as a stream (gzip undone)."""
        if not is_s3(uri):
            if not Path(uri).is_file():
                raise BadInputError(f"{uri}: no such file")
            return uri
        try:
            with self._arrow(uri, "open"):
                return self.fs.open_input_stream(_arrow_path(uri), compression="detect")
        except FileNotFoundError as exc:
            raise BadInputError(f"{uri}: no such object") from exc

    def local_path(self, uri: str) -> Path:
        """A local file's path. S3 objects are never copied: read them through input_file/input_stream."""
        if is_s3(uri):
            raise TypeError(f"{uri}: S3 objects are read in place: use Storage.input_file or input_stream")
        path = Path(uri)
        if not path.is_file():
            raise BadInputError(f"{uri}: no such file")
        return path

    def read_bytes(self, uri: str) -> bytes | None:
        if not is_s3(uri):
            path = Path(uri)
            return path.read_bytes() if path.is_file() else None
        try:
            with self._arrow(uri, "read"), self.fs.open_input_stream(_arrow_path(uri)) as f:
                return bytes(f.read())
        except FileNotFoundError:
            return None

    def write_bytes(self, uri: str, data: bytes, content_type: str = "application/json") -> None:
        if not is_s3(uri):
            _write_local(Path(uri), data)
            return
        try:
            with (
                self._arrow(uri, "write"),
                self.fs.open_output_stream(_arrow_path(uri), metadata={"Content-Type": content_type}) as f,
            ):
                f.write(data)
        except FileNotFoundError as exc:
            raise DependencyUnavailableError(f"{uri}: bucket not found") from exc

    def update(
        self, uri: str, change: Callable[[bytes | None], bytes], content_type: str = "application/json"
    ) -> bytes:
        """Atomic read-modify-write: `change` gets the current content (None when absent) and returns the new one;
        no concurrent update is lost. Returns what was written."""
        if not is_s3(uri):
            return _update_local(Path(uri), change)
        return self._update_s3(uri, change, content_type)

    def _update_s3(self, uri: str, change: Callable[[bytes | None], bytes], content_type: str) -> bytes:
        import random  # noqa: PLC0415 - S3 updates only

        bucket, key = split_s3(uri)
        quoted = True  # the ETag as read; Ceph RGW (Pacific) matches If-Match only without its quotes
        for attempt in range(UPDATE_ATTEMPTS):
            try:
                got = self.client.get_object(Bucket=bucket, Key=key)
                current: bytes | None = got["Body"].read()
                etag: str | None = str(got["ETag"])
            except Exception as exc:  # classified below
                err = self._boto_error(exc, uri, "read")
                if not isinstance(err, FileNotFoundError):
                    raise err from exc
                current, etag = None, None
            new = change(current)
            condition = {"IfNoneMatch": "*"} if etag is None else {"IfMatch": etag if quoted else etag.strip('"')}
            try:
                self.client.put_object(Bucket=bucket, Key=key, Body=new, ContentType=content_type, **condition)
                return new
            except Exception as exc:  # classified below
                status, code = _status(exc)
                if status not in (409, 412) and code != "PreconditionFailed":
                    err = self._boto_error(exc, uri, "write")
                    if isinstance(err, FileNotFoundError):
                        raise DependencyUnavailableError(f"{uri}: bucket not found") from exc
                    raise err from exc
                if etag is not None and quoted and self._etag(bucket, key) == etag:
                    quoted = False  # unchanged, yet refused: the store wants the bare ETag
                    continue
            log.info("concurrent update, reading again", extra={"uri": uri, "attempt": attempt + 1})
            time.sleep(random.uniform(0.01, 0.05 * (attempt + 1)))  # jitter, not crypto
        raise DependencyUnavailableError(f"{uri}: changed by concurrent writers {UPDATE_ATTEMPTS} times in a row")

    def _etag(self, bucket: str, key: str) -> str | None:
        try:
            return str(self.client.head_object(Bucket=bucket, Key=key)["ETag"])
        except Exception:  # gone or unreadable: treat as changed
            return None


def _status(exc: Exception) -> tuple[int, str]:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return 0, ""
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return status, str(response.get("Error", {}).get("Code", ""))


def _write_local(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write-then-rename so a concurrent reader never sees half a profile or history.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _update_local(path: Path, change: Callable[[bytes | None], bytes]) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    with lock.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            new = change(path.read_bytes() if path.is_file() else None)
            _write_local(path, new)
            return new
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
