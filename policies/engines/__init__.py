"""Policy engines: load Rego packs and evaluate them in-process (regopy, regorus) or on a remote OPA.

packs = load_packs(Path("policies/packs"))
compiled = get_engine().compile(packs[0])
decision = compiled.evaluate(input_document)   # rule name → sorted messages
"""

from policies.engines.base import CompiledPack, Decision, Engine, GeneratedModule, decision_module
from policies.engines.compare import Disagreement, compare_engines
from policies.engines.coverage import ControlCoverage, RuleCoverage, control_matrix
from policies.engines.errors import EngineError
from policies.engines.fixtures import Fixture, FixtureResult, case_target, check_fixtures, load_fixtures
from policies.engines.metadata import SEVERITIES, RuleMeta
from policies.engines.packs import Pack, load_pack, load_packs
from policies.engines.registry import DEFAULT_EMBEDDED, EMBEDDED_ENGINES, ENGINE_NAMES, get_engine
from policies.engines.rego_tests import TestResult, cases_of, rego_test_names, run_rego_tests

__all__ = [
    "DEFAULT_EMBEDDED",
    "EMBEDDED_ENGINES",
    "ENGINE_NAMES",
    "SEVERITIES",
    "CompiledPack",
    "ControlCoverage",
    "Decision",
    "Disagreement",
    "Engine",
    "EngineError",
    "Fixture",
    "FixtureResult",
    "GeneratedModule",
    "Pack",
    "RuleCoverage",
    "RuleMeta",
    "TestResult",
    "case_target",
    "cases_of",
    "check_fixtures",
    "compare_engines",
    "control_matrix",
    "decision_module",
    "get_engine",
    "load_fixtures",
    "load_pack",
    "load_packs",
    "rego_test_names",
    "run_rego_tests",
]
