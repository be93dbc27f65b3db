"""Adapter for a remote OPA server (Data API) through opa-python-client, selected by `OPA_URL`."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from importlib.metadata import version as package_version
from typing import Any
from urllib.parse import urlsplit

import requests
from opa_client.opa import OpaClient

from policies.engines.base import OPA_URL_VARIABLE, Decision, GeneratedModule, base_documents, normalise_decision
from policies.engines.errors import EngineError
from policies.engines.packs import ModuleSet, Pack

# Policies are uploaded under this prefix so ours never collide with other tenants of the server.
POLICY_ID_PREFIX = "ai-platform"
# Base documents the packs read. A server keeps what an earlier compile uploaded, so every compile
# rewrites them (empty when not given): a stale inventory must not answer for the next manifest set.
MANAGED_DATA_KEYS: tuple[str, ...] = ("inventory",)
# OPA turns a built-in error (to_number("x"), division by zero) into "undefined" unless asked for
# strict built-in errors; then the Data API answers 500 and the adapter reports an engine error
# instead of a rule that silently stopped firing.
STRICT_QUERY: dict[str, bool] = {"strict-builtin-errors": True}


EXAMPLE_URL = "http://localhost:8181"
# Reachability is a connection check, not a query: a live server answers in milliseconds.
REACHABILITY_TIMEOUT_S = 5.0


def url_problem(url: str) -> str | None:
    """What makes `url` unusable as OPA's address (read as "OPA_URL=<url> <problem>"), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"is not an http(s) URL (e.g. {EXAMPLE_URL})"
    try:
        parts.port  # noqa: B018  # raises for a port that is not a number or out of range
    except ValueError as error:
        return f"has an invalid port: {error}"
    return None


def _root_cause(error: BaseException) -> str:
    """The innermost reason of a requests error ("Connection refused", "Name or service not known")."""
    current: BaseException | None = error
    reason = str(error)
    while current is not None:
        strerror = getattr(current, "strerror", None)
        if strerror:
            return str(strerror)
        reason = str(current)
        inner = getattr(current, "reason", None)
        if isinstance(inner, BaseException):
            current = inner
        elif current.args and isinstance(current.args[0], BaseException):
            current = current.args[0]
        else:
            current = current.__cause__ or current.__context__
    return reason


class OpaEngine:
    name = "opa"
    runs_rego_tests = True

    def __init__(self, url: str | None = None, *, timeout_s: float = 30.0) -> None:
        self.url = url or os.environ.get(OPA_URL_VARIABLE) or ""
        if not self.url:
            raise EngineError(f"the remote OPA engine needs {OPA_URL_VARIABLE} (e.g. {EXAMPLE_URL})")
        problem = url_problem(self.url)
        if problem:
            raise EngineError(f"{OPA_URL_VARIABLE}={self.url!r} {problem}")
        parts = urlsplit(self.url)
        self._timeout_s = timeout_s
        self._client = OpaClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 8181),
            ssl=parts.scheme == "https",
            timeout=timeout_s,
        )

    def unreachable(self) -> str | None:
        """Why the server cannot be reached at all, or None: any HTTP answer, even an error, means it can.

        Asked once before evaluation so that a wrong OPA_URL is a usage error (exit 2), not one engine-error
        finding per pack (exit 1, the same code as a policy violation). /health is OPA's own liveness endpoint.
        """
        try:
            requests.get(f"{self.url.rstrip('/')}/health", timeout=min(self._timeout_s, REACHABILITY_TIMEOUT_S))
        except requests.exceptions.SSLError as error:
            return f"TLS handshake failed: {_root_cause(error)}"
        except requests.exceptions.Timeout:
            return f"no answer within {REACHABILITY_TIMEOUT_S:g} s"
        except requests.exceptions.RequestException as error:
            return f"unreachable: {_root_cause(error)}"
        return None

    def version(self) -> str:
        return f"opa-python-client {package_version('opa-python-client')} at {self.url}"

    def compile(self, pack: Pack, data: Mapping[str, Any] | None = None) -> OpaCompiledPack:
        self._upload(pack, include="policy")
        self._upload_data(pack, data)
        return OpaCompiledPack(pack, self._client)

    def _upload_data(self, pack: Pack, data: Mapping[str, Any] | None, *, reset_managed: bool = True) -> None:
        # The pack's own data files travel with every compile and query, like on the embedded engines;
        # a query leaves the gate's documents (inventory) of the last compile alone.
        managed: dict[str, Any] = {key: {} for key in MANAGED_DATA_KEYS} if reset_managed else {}
        documents = managed | base_documents(pack, data)
        for key, value in documents.items():
            if not isinstance(value, Mapping):
                # opa-python-client uploads objects only; every base document the packs read is one.
                raise EngineError(f"data {key!r} must be an object to upload to OPA", pack=pack.name)
            try:
                self._client.update_or_create_data(dict(value), key)
            except Exception as error:
                raise EngineError(f"OPA rejected data {key!r}: {error}", pack=pack.name) from error

    def query(
        self, pack: Pack, reference: str, *, include: ModuleSet = "policy", extra: GeneratedModule | None = None
    ) -> Any:
        # Only `data.` references: the Data API is the contract, not the ad-hoc /v1/query endpoint.
        if not reference.startswith("data."):
            raise EngineError(f"the OPA adapter only reads data references, not {reference!r}", pack=pack.name)
        self._upload(pack, include=include, extra=extra)
        self._upload_data(pack, None, reset_managed=False)
        return _post(self._client, pack, reference.removeprefix("data.").replace(".", "/"), {})

    def _upload(self, pack: Pack, *, include: ModuleSet, extra: GeneratedModule | None = None) -> None:
        modules = pack.modules_for(include)
        if extra:
            modules[extra.file_name] = extra.source
        for file_name, source in modules.items():
            policy_id = f"{POLICY_ID_PREFIX}/{pack.name}/{file_name}"
            try:
                self._client.update_policy_from_string(source, policy_id, rego_compat=False)
            except Exception as error:
                raise EngineError(f"OPA rejected the module: {error}", pack=pack.name, where=file_name) from error


class OpaCompiledPack:
    def __init__(self, pack: Pack, client: OpaClient) -> None:
        self.pack = pack
        self._client = client

    def evaluate(self, input_document: Mapping[str, Any]) -> Decision:
        # The whole package document in one round trip; helpers in it are ignored by normalise_decision.
        raw = _post(self._client, self.pack, self.pack.package.replace(".", "/"), input_document)
        return normalise_decision(self.pack, raw, "opa")

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[Decision]:
        return [self.evaluate(document) for document in inputs]


def _post(client: OpaClient, pack: Pack, path: str, input_document: Mapping[str, Any]) -> Any:
    try:
        response = client.query_rule(dict(input_document), path, query_params=STRICT_QUERY)
    except (requests.RequestException, ValueError) as error:
        raise EngineError(f"OPA query of /v1/data/{path} failed: {error}", pack=pack.name) from error
    # The Data API omits `result` when the document is undefined.
    return response.get("result") if isinstance(response, dict) else None
