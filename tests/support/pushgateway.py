"""Local test services' plumbing shared by the test trees: a free loopback port, and a `pushgateway` fixture
that runs Debian's prometheus-pushgateway with its own persistence file (the package's default file is shared
and would hand a test the metrics pushed by earlier runs; DESIGN §6)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.binaries import require


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pushgateway(tmp_path: Path) -> Iterator[str]:
    """The URL of a Pushgateway that this test alone pushes to."""
    port = free_port()
    proc = subprocess.Popen(
        [require("pushgateway"), f"--web.listen-address=127.0.0.1:{port}", f"--persistence.file={tmp_path / 'pg'}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("pushgateway did not become ready")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
