"""Adapter for regorus (Rust): one engine per pack, input swapped per evaluation."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib.metadata import version as package_version
from typing import Any

import regorus

from policies.engines.base import Decision, GeneratedModule, base_documents, decision_module, normalise_decision
from policies.engines.errors import EngineError
from policies.engines.packs import ModuleSet, Pack

_BINDING = "x"


class RegorusEngine:
    name = "regorus"
    runs_rego_tests = True

    def version(self) -> str:
        return package_version("celine-regorus")

    def compile(self, pack: Pack, data: Mapping[str, Any] | None = None) -> RegorusCompiledPack:
        return RegorusCompiledPack(pack, data)

    def query(
        self, pack: Pack, reference: str, *, include: ModuleSet = "policy", extra: GeneratedModule | None = None
    ) -> Any:
        engine = _engine(pack, None, include=include, extra=extra)
        return _binding(engine, f"{_BINDING} := {reference}", pack)


class RegorusCompiledPack:
    def __init__(self, pack: Pack, data: Mapping[str, Any] | None) -> None:
        self.pack = pack
        module = decision_module(pack)
        self._engine = _engine(pack, data, include="policy", extra=module)
        self._query = f"{_BINDING} := {module.reference}"

    def evaluate(self, input_document: Mapping[str, Any]) -> Decision:
        self._engine.set_input_json(json.dumps(input_document))
        return normalise_decision(self.pack, _binding(self._engine, self._query, self.pack), "regorus")

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[Decision]:
        return [self.evaluate(document) for document in inputs]


def _engine(
    pack: Pack, data: Mapping[str, Any] | None, *, include: ModuleSet, extra: GeneratedModule | None
) -> regorus.Engine:
    engine = regorus.Engine()
    modules = pack.modules_for(include)
    if extra:
        modules[extra.file_name] = extra.source
    try:
        for name, source in modules.items():
            engine.add_policy(name, source)
        documents = base_documents(pack, data)
        if documents:
            engine.add_data_json(json.dumps(documents))
    except RuntimeError as error:
        raise EngineError(f"regorus rejected a module: {_without_backtrace(error)}", pack=pack.name) from error
    return engine


def _binding(engine: regorus.Engine, query: str, pack: Pack) -> Any:
    try:
        # The JSON form turns sets into lists, like the other engines' wire format.
        output = json.loads(engine.eval_query_as_json(query))
    except RuntimeError as error:
        raise EngineError(f"regorus failed: {_without_backtrace(error)}", pack=pack.name) from error
    results = output.get("result") or []
    if not results:
        return None
    return results[0].get("bindings", {}).get(_BINDING)


def _without_backtrace(error: Exception) -> str:
    # With RUST_BACKTRACE set, regorus appends a native stack trace that drowns the Rego location.
    return str(error).split("Stack backtrace:")[0].strip()
