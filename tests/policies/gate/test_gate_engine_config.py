"""A misconfigured remote engine is bad input (exit 2, one line naming OPA_URL), found before evaluation.

Engine-error findings (exit 1) are for an engine that fails while evaluating; an OPA_URL that is unset, not an
http(s) URL or not answering is the gate's configuration, and exit 1 would read as a policy violation.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from gate_support import GateRunner, plan_document, step, write_plan

from policies.engines.base import OPA_URL_VARIABLE
from policies.gate.verdict import EXIT_BAD_INPUT, EXIT_BLOCKING


def _plan(tmp_path: Path) -> Path:
    plan: Path = write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "b", {"acl": "private"})))
    return plan


def _refused_url() -> str:
    # A port that was just free: nothing listens there, so connecting is refused.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextmanager
def _failing_opa() -> Iterator[str]:
    """A reachable server that answers every request with OPA's shape of an internal error."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

        def _fail(self) -> None:
            body = json.dumps({"code": "internal_error", "message": "storage failure"}).encode()
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_POST = _fail  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://opa.example", "is not an http(s) URL"),
        ("localhost:8181", "is not an http(s) URL"),
        ("http://opa.example:99999", "has an invalid port"),
        ("refused", "unreachable: Connection refused"),
    ],
)
def test_a_bad_or_unreachable_opa_url_is_exit_2_before_evaluation(
    url: str, problem: str, gate: GateRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _refused_url() if url == "refused" else url
    monkeypatch.setenv(OPA_URL_VARIABLE, url)
    run = gate(plan=_plan(tmp_path), engine="opa")
    assert run.exit_code == EXIT_BAD_INPUT, run.stderr
    [line] = run.stderr.splitlines()  # one line, no traceback
    assert line.startswith(f"gate: error: {OPA_URL_VARIABLE}={url}: {problem}")
    assert not (run.out / "report.json").exists()  # stopped before evaluation


def test_opa_url_set_selects_the_remote_engine_and_is_checked_without_engine_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from policies.gate.cli import main  # noqa: PLC0415

    url = _refused_url()
    monkeypatch.setenv(OPA_URL_VARIABLE, url)
    code = main(["--plan", str(_plan(tmp_path)), "--out", str(tmp_path / "out"), "--no-checkov"])
    assert code == EXIT_BAD_INPUT
    assert f"{OPA_URL_VARIABLE}={url}: unreachable" in capsys.readouterr().err


def test_the_opa_engine_without_opa_url_is_exit_2(
    gate: GateRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(OPA_URL_VARIABLE, raising=False)
    run = gate(plan=_plan(tmp_path), engine="opa")
    assert run.exit_code == EXIT_BAD_INPUT
    assert run.stderr.startswith(f"gate: error: {OPA_URL_VARIABLE}: not set")


def test_a_reachable_opa_that_fails_is_still_an_engine_error_finding(
    gate: GateRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _failing_opa() as url:
        monkeypatch.setenv(OPA_URL_VARIABLE, url)
        run = gate(plan=_plan(tmp_path), engine="opa")
    assert run.exit_code == EXIT_BLOCKING, run.stderr
    assert run.report["verdict"] == "error"
    assert "gate.engine_error" in run.policy_ids("error")
