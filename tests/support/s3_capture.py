"""A loopback HTTP endpoint that answers S3 ListBuckets and keeps each request's Authorization header.

Shows which access key a real boto3 client signs with, without an object store: the SigV4 header names it
(`Credential=<access key>/<date>/...`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

_EMPTY_LISTING = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Owner><ID>test</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>"
)
_CREDENTIAL = re.compile(r"Credential=([^/]+)/")


@dataclass
class Captured:
    url: str
    authorizations: list[str] = field(default_factory=list)

    def access_keys(self) -> list[str]:
        return [m.group(1) for a in self.authorizations if (m := _CREDENTIAL.search(a))]


@contextmanager
def s3_capture() -> Iterator[Captured]:
    captured: Captured

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            captured.authorizations.append(self.headers.get("Authorization", ""))
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(_EMPTY_LISTING)))
            self.end_headers()
            self.wfile.write(_EMPTY_LISTING)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    captured = Captured(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield captured
    finally:
        server.shutdown()
        server.server_close()


FILE_KEYS = ("FILEACCESSKEY", "file-secret")
ENVIRONMENT_KEYS = ("ENVACCESSKEY", "env-secret")


def mount_key_files(
    directory: Path, monkeypatch: pytest.MonkeyPatch, access_key_env: str, secret_key_env: str
) -> tuple[str, str]:
    """A mounted credentials Secret's two files named by the job's `*_FILE` variables, and a different key pair
    in the environment that must not be used. Returns the pair the files hold."""
    (directory / "access-key-id").write_text(FILE_KEYS[0] + "\n")
    (directory / "secret-access-key").write_text(FILE_KEYS[1] + "\n")
    monkeypatch.setenv(access_key_env, str(directory / "access-key-id"))
    monkeypatch.setenv(secret_key_env, str(directory / "secret-access-key"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ENVIRONMENT_KEYS[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ENVIRONMENT_KEYS[1])
    return FILE_KEYS
