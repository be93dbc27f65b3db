"""Storage faults and concurrency: an unanswering S3 endpoint exits 3 within the budget, one retry layer, and
runs sharing a history lose no entry (lock file locally; conditional PUTs on S3 are tested in test_drift_rgw.py).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow as pa
import pytest
from drift_jobs.config import parse_config
from drift_jobs.errors import BadInputError, DependencyUnavailableError
from drift_jobs.evaluate.history import load_history, record_run
from drift_jobs.read.s3 import timeouts
from drift_jobs.read.storage import Storage
from drift_jobs.retry import DEFAULT_TOTAL_SECONDS, RetryPolicy
from drift_testkit import shifted_table, write_parquet

RUNS = 4
UPDATES_PER_RUN = 8


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """An S3 endpoint that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


def test_the_default_budget_fits_every_attempt_and_backoff_in_about_a_minute() -> None:
    t = timeouts(RetryPolicy())
    assert t.attempts == RetryPolicy().attempts
    assert DEFAULT_TOTAL_SECONDS * 0.5 <= t.worst_case_seconds <= DEFAULT_TOTAL_SECONDS * 1.1
    small = timeouts(RetryPolicy(total_seconds=3, attempts=4))  # too short for four attempts: fewer
    assert small.attempts < 4 and small.read_seconds >= 1 and small.worst_case_seconds <= 3


def test_an_endpoint_that_never_answers_exits_3_within_the_budget(
    cli, silent_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", silent_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    ref = write_parquet(pa.table({"x": [float(i) for i in range(500)]}), tmp_path / "ref.parquet")
    window = "s3://bucket/window/part-0.parquet"
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"reference": str(ref), "current": window, "retry": {"total_seconds": 3}}))
    start = time.monotonic()
    res = cli("run", "--config", str(config), "--out", str(tmp_path / "out"))
    elapsed = time.monotonic() - start
    assert res.code == 3, res.stderr
    # A 3 s budget. Stacked retry layers took 4 x 3 x the budget; one layer ends within it. The bound leaves room
    # for process start on a loaded machine (this is the timeout's behaviour, not a speed target).
    assert elapsed < 20, elapsed
    errors = [line for line in res.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and window in errors[0] and "storage unavailable" in errors[0], res.stderr
    assert "Traceback" not in res.stderr


def _update_many(uri: str, tag: str) -> None:
    storage = Storage()
    for i in range(UPDATES_PER_RUN):
        storage.update(uri, lambda old, i=i: (old or b"") + f"{tag}-{i}\n".encode())


def concurrent_updates(uri: str, timeout: float) -> list[str]:
    """RUNS processes append UPDATES_PER_RUN tagged lines each to `uri` at once; the lines all must keep."""
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_update_many, args=(uri, f"p{j}")) for j in range(RUNS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout)
    assert [p.exitcode for p in procs] == [0] * RUNS
    return sorted(f"p{j}-{i}" for j in range(RUNS) for i in range(UPDATES_PER_RUN))


def test_concurrent_updates_of_a_local_file_lose_nothing(tmp_path: Path) -> None:
    target = str(tmp_path / "history" / "h.txt")
    expected = concurrent_updates(target, 60)
    assert sorted(Path(target).read_text().splitlines()) == expected
    # Nothing left behind but the file and its lock (no temp file of a writer).
    assert sorted(p.name for p in Path(target).parent.iterdir()) == ["h.txt", "h.txt.lock"]


def test_record_run_appends_to_the_history_as_it_is_at_write_time(tmp_path: Path) -> None:
    uri = str(tmp_path / "m.drift-history.json")
    report = {
        "generated_at": "2026-12-02T00:00:00Z",
        "profile_id": "p",
        "window": {"rows": 10},
        "features": [{"name": "x", "evaluated": True, "status": "ok", "psi": 0.01}],
    }
    with Storage() as storage:
        assert load_history(storage, uri) == []  # what this run read before its evaluation
        record_run(storage, uri, {**report, "generated_at": "first"})  # another run finished meanwhile
        record_run(storage, uri, report)
        runs = load_history(storage, uri)
    assert [r["run_at"] for r in runs] == ["first", "2026-12-02T00:00:00Z"]


FOUR_RUNS = """
import os, sys
from drift_jobs.cli import main

args = sys.argv[1:]
children = []
for j in range(int(os.environ["RUNS"])):
    pid = os.fork()
    if pid == 0:  # one run per process, all started together; imports paid once, before the fork
        os._exit(main(["run", *args, "--out", os.path.join(os.environ["OUT"], f"o{j}")]))
    children.append(pid)
codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
sys.exit(max(codes))
"""


def run_four_at_once(cli, tmp_path: Path, history: str, *extra: str) -> None:
    """RUNS `drift-job run`s started together on one window, sharing the history at `history`."""
    ref = write_parquet(shifted_table(4_000, 1, False, 3), tmp_path / "ref.parquet")
    cur = write_parquet(shifted_table(2_000, 2, True, 3), tmp_path / "cur.parquet")
    assert cli("profile", "--reference", str(ref)).code == 0  # built once: the runs race on the history only
    args = [*extra, "--reference", str(ref), "--current", str(cur), "--history", history, "--adaptive", "--no-push"]
    done = subprocess.run(
        [sys.executable, "-c", FOUR_RUNS, *args],
        env={**os.environ, "RUNS": str(RUNS), "OUT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_four_concurrent_runs_sharing_a_history_keep_every_entry(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    run_four_at_once(cli, tmp_path, str(history))
    doc = json.loads(next(history.glob("*.drift-history.json")).read_text())
    assert len(doc["runs"]) == RUNS


@pytest.fixture
def closing_endpoint() -> Iterator[tuple[str, list[int]]]:
    """An S3 endpoint that accepts each connection and closes it at once; counts the connections."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    count = [0]
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn = server.accept()[0]
            except OSError:
                continue
            count[0] += 1
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", count
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.mark.parametrize("client", ["pyarrow", "boto3"])
def test_one_retry_layer_makes_exactly_the_configured_attempts(
    client: str, closing_endpoint: tuple[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, connections = closing_endpoint
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    storage = Storage(retry=RetryPolicy(attempts=2, total_seconds=30))  # two: botocore sleeps up to 1 s between
    with pytest.raises(DependencyUnavailableError, match="storage unavailable after 2 attempts"):
        if client == "pyarrow":
            storage.stat("s3://bucket/key")
        else:
            storage.update("s3://bucket/key", lambda old: b"")
    assert connections[0] == 2


@pytest.fixture
def dropping_endpoint() -> Iterator[str]:
    """An S3 endpoint that answers HEAD for any object (a 4 KiB Parquet file) and drops every GET."""

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "4096")
            self.send_header("ETag", '"0123"')
            self.send_header("Last-Modified", "Wed, 02 Dec 2026 00:00:00 GMT")
            self.end_headers()

        def do_GET(self) -> None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True  # do not wait at close for the client's idle keep-alive connections
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_read_that_fails_midway_on_s3_exits_3_not_2(
    cli, dropping_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", dropping_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    ref = write_parquet(pa.table({"x": [float(i) for i in range(500)]}), tmp_path / "ref.parquet")
    window = "s3://bucket/window/part-0.parquet"
    res = cli("run", "--reference", str(ref), "--current", window, "--out", str(tmp_path / "out"), "--retries", "2")
    assert res.code == 3, res.stderr
    assert window in res.stderr and "storage unavailable" in res.stderr and "corrupt" not in res.stderr


def test_the_budget_is_the_config_key_retry_total_seconds() -> None:
    assert parse_config({}).retry.total_seconds == DEFAULT_TOTAL_SECONDS
    assert parse_config({"retry": {"total_seconds": 5}}).retry.total_seconds == 5
    with pytest.raises(BadInputError, match=r"retry\.total_seconds"):
        parse_config({"retry": {"total_seconds": 0}})
