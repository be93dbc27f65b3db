"""A stack config the loader refuses, as the gate's findings (DESIGN §5.8): every PR gets the five reports.

The program validates the whole config before it declares a resource, so an invalid config leaves no plan to
evaluate. Each problem (YAML syntax, unknown key, wrong type, bound, cross-field rule) becomes one
`gate.config_invalid` finding at its stack-file line; the packs are listed as not evaluated, so their controls
read not-evaluated rather than pass. The run stays bad input: exit 2, with a failing verdict in the reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import yaml

from infra.bounds import BoundsError, load_yaml, read_text
from infra.config import ConfigError
from infra.config.errors import FILE_PROBLEM
from policies.gate.catalog import CONFIG_INVALID, gate_finding, gate_rules
from policies.gate.errors import GateInputError
from policies.gate.findings import Finding, Location
from policies.gate.hashing import sha256_file
from policies.gate.inputs.manifests import display_path
from policies.gate.pipeline import GateOptions, GateResult, base_tools
from policies.gate.settings import resolve_settings
from policies.gate.sources.rego import RegoSource
from policies.gate.subject import GateSettings, GateSubject
from policies.gate.verdict import decide
from policies.gate.waivers import WaiverOutcome


def config_findings(error: ConfigError, stack_file: Path, repo_root: Path) -> list[Finding]:
    """One finding per problem, at the problem's file and line (line 1 of the stack file where none is known)."""
    findings: list[Finding] = []
    for problem in error.problems:
        file = Path(problem.file) if problem.file else stack_file
        shown = display_path(file, repo_root)
        # A whole-file problem (YAML syntax, bounds) names the file as its value: the repository path, never the
        # machine's.
        shown_problem = replace(problem, value=shown) if problem.path == FILE_PROBLEM else problem
        location = Location(shown, problem.line or 1)
        findings.append(gate_finding(CONFIG_INVALID, shown_problem.describe(), location=location))
    return findings


def _settings(stack_file: Path, stack: str, options: GateOptions) -> GateSettings:
    """The stack's threshold where the file still says it (environment, gate.failOn), else the defaults: the
    reports show the threshold the stack would have had, and a critical finding blocks at any of them."""
    try:
        document = load_yaml(read_text(stack_file, "stack"), str(stack_file))
        config = document.get("config") if isinstance(document, dict) else None
        if isinstance(config, dict):
            return resolve_settings(
                source=stack_file, config=config, stack=stack, overrides=options.overrides, repo_root=options.repo_root
            )
    except (BoundsError, OSError, UnicodeDecodeError, yaml.YAMLError, GateInputError):
        pass  # the config problems say what is wrong; the defaults serve
    return resolve_settings(
        source=stack_file, config={}, stack=stack, overrides=options.overrides, repo_root=options.repo_root
    )


def config_invalid_result(error: ConfigError, options: GateOptions, *, stack: str, stack_file: Path) -> GateResult:
    """The result the reports are written from when the stack config is invalid (exit 2, verdict fail)."""
    settings = _settings(stack_file, stack, options)
    subject = GateSubject(input_kind="plan", input_path=stack_file, input_files=[stack_file], settings=settings)
    # The packs run on nothing: their rules are listed (not evaluated) and a broken pack or engine still shows.
    rego = RegoSource(options.packs_root, options.engine, repo_root=options.repo_root).run(subject)
    findings = sorted([*config_findings(error, stack_file, options.repo_root), *rego.findings], key=Finding.sort_key)
    rules = {rule.policy_id: rule for rule in rego.rules}
    rules[CONFIG_INVALID] = gate_rules()[CONFIG_INVALID]
    # Waivers never apply: an invalid config is bad input, not a finding someone may accept.
    verdict = decide(findings, rules.values(), settings.fail_on, allow_unknown=options.allow_unknown)
    shown = display_path(stack_file, options.repo_root)
    return GateResult(
        subject=subject,
        rules=dict(sorted(rules.items())),
        findings=findings,
        waivers=WaiverOutcome(),
        verdict=verdict,
        tools={**base_tools(), **rego.tools},
        hashes={
            "policies": dict(sorted(rego.policy_files.items())),
            "input": {"path": shown, "sha256": sha256_file(stack_file) if stack_file.is_file() else ""},
            "waivers": None,
        },
        details={"configInvalid": len(error.problems)},
        timings={},
        options=options,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        input_invalid=True,
    )
