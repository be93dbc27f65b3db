"""A tiny in-process OPA server speaking the real Data API, evaluating with regopy.

Implements what the adapter uses: `PUT /v1/policies/<id>` (text/plain Rego), `PUT /v1/data/<path>`
(JSON), and `POST /v1/data/<path>` with `{"input": ...}` → `{"result": ...}` (no `result` when the
document is undefined), `400` with an OPA-style error body when a module does not compile.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import regopy


class OpaStub:
    def __init__(self) -> None:
        self.policies: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self.requests: list[tuple[str, str]] = []
        # The compiled query of the last (policies, data, path, strict) the stub evaluated: a fixture sweep posts
        # hundreds of inputs against one upload, and compiling a pack's whole package for each took ~1 s.
        self._compiled: tuple[str, regopy.Interpreter, Any] | None = None

    def evaluate(self, path: str, input_document: Any, *, strict: bool = False) -> tuple[bool, Any]:
        reference = "data" + "".join(f".{segment}" for segment in path.split("/") if segment)
        query = f"x := {reference}"
        state = json.dumps([self.policies, self.data, query, strict], sort_keys=True)
        if self._compiled is None or self._compiled[0] != state:
            interpreter = regopy.Interpreter()
            # Like OPA: built-in errors are "undefined" unless the query asks for strict-builtin-errors.
            interpreter.strict_built_in_errors = strict
            for policy_id, source in self.policies.items():
                interpreter.add_module(policy_id, source)
            if self.data:
                interpreter.add_data_json(json.dumps(self.data))
            try:
                bundle = interpreter.build(query)
            except regopy.RegoError as error:
                raise ValueError(f"evaluation of {reference} failed: {error}") from error
            if not bundle.ok():
                raise ValueError(f"evaluation of {reference} failed")
            self._compiled = (state, interpreter, bundle)
        _, interpreter, bundle = self._compiled
        interpreter.set_input_term(json.dumps(input_document))
        output = interpreter.query_bundle(bundle)
        if not output.ok():
            raise ValueError(f"evaluation of {reference} failed")
        if not output.results:
            return False, None
        return True, output.results[0].bindings["x"]


def _handler(stub: OpaStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def _reply(self, status: int, payload: Any | None = None) -> None:
            body = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self) -> None:
            stub.requests.append(("PUT", self.path))
            body = self._body()
            if self.path.startswith("/v1/policies/"):
                source = body.decode()
                try:
                    regopy.Interpreter().add_module("check.rego", source)
                except regopy.RegoError as error:
                    self._reply(
                        400,
                        {
                            "code": "invalid_parameter",
                            "message": f"error(s) occurred while compiling module(s): {error}",
                        },
                    )
                    return
                stub.policies[self.path.removeprefix("/v1/policies/")] = source
                self._reply(200, {})
            elif self.path.startswith("/v1/data/"):
                stub.data[self.path.removeprefix("/v1/data/")] = json.loads(body)
                self._reply(204)
            else:
                self._reply(404, {"code": "resource_not_found"})

        def do_POST(self) -> None:
            stub.requests.append(("POST", self.path))
            if not self.path.startswith("/v1/data/"):
                self._reply(404, {"code": "resource_not_found"})
                return
            request = json.loads(self._body() or b"{}")
            path, _, query = self.path.partition("?")
            strict = any(
                value.lower() == "true"
                for value in parse_qs(query, keep_blank_values=True).get("strict-builtin-errors", [])
            )
            try:
                defined, value = stub.evaluate(path.removeprefix("/v1/data/"), request.get("input"), strict=strict)
            except ValueError as error:
                self._reply(500, {"code": "internal_error", "message": str(error)})
                return
            self._reply(200, {"result": value} if defined else {})

    return Handler


@contextmanager
def running_opa_stub() -> Iterator[tuple[str, OpaStub]]:
    stub = OpaStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", stub
    finally:
        server.shutdown()
        server.server_close()
