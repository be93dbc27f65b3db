"""Run the same inputs through several engines and report every difference.

Both embedded engines have known bugs (one silently turns an unsafe variable into "no findings",
the other aborts on a failing built-in), so a disagreement is a defect to surface, never to average.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policies.engines.base import Decision
from policies.engines.errors import EngineError
from policies.engines.packs import Pack
from policies.engines.registry import EMBEDDED_ENGINES, get_engine

Outcome = Decision | str
"""A decision, or the text of the engine error that replaced it."""


@dataclass(frozen=True)
class Disagreement:
    pack: str
    index: int
    input_document: Mapping[str, Any]
    outcomes: dict[str, Outcome]

    def describe(self) -> str:
        lines = [f"pack {self.pack}: engines disagree on input #{self.index}"]
        for engine, outcome in self.outcomes.items():
            shown = outcome if isinstance(outcome, str) else {k: v for k, v in outcome.items() if v}
            lines.append(f"  {engine}: {json.dumps(shown, sort_keys=True)}")
        lines.append(f"  input: {json.dumps(self.input_document, sort_keys=True)[:2000]}")
        return "\n".join(lines)


def compare_engines(
    pack: Pack,
    inputs: Sequence[Mapping[str, Any]],
    engines: Sequence[str] = EMBEDDED_ENGINES,
    data: Mapping[str, Any] | None = None,
) -> list[Disagreement]:
    """Evaluate `inputs` on each engine; return one Disagreement per input whose outcomes differ.

    An engine error counts as an outcome of its own, so "error on one, pass on the other" is a
    disagreement; errors on every engine are not (the caller sees them when evaluating).
    """
    per_engine = {name: _outcomes(name, pack, inputs, data) for name in engines}
    disagreements: list[Disagreement] = []
    for index, document in enumerate(inputs):
        outcomes = {name: results[index] for name, results in per_engine.items()}
        if len({_key(outcome) for outcome in outcomes.values()}) > 1:
            disagreements.append(Disagreement(pack.name, index, document, outcomes))
    return disagreements


def _outcomes(
    engine_name: str, pack: Pack, inputs: Sequence[Mapping[str, Any]], data: Mapping[str, Any] | None
) -> list[Outcome]:
    try:
        compiled = get_engine(engine_name).compile(pack, data)
    except EngineError as error:
        return [str(error)] * len(inputs)
    outcomes: list[Outcome] = []
    for document in inputs:
        try:
            outcomes.append(compiled.evaluate(document))
        except EngineError as error:
            outcomes.append(str(error))
    return outcomes


def _key(outcome: Outcome) -> str:
    return "error" if isinstance(outcome, str) else json.dumps(outcome, sort_keys=True)
