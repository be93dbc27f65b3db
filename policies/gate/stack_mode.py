"""`python -m policies.gate --stack <name>`: the whole stack gate as one command (what `make gate STACK=` runs).

1. the offline plan of `stacks/Pulumi.<stack>.yaml` (infra/offline/plan.py, as `ai-platform plan --stack`);
2. the scheduling-consistency check on it (infra/placement, as `python -m infra.placement`: same output, same
   placement.json, same exit codes);
3. the gate on the plan with the stack file, so findings point at its lines.

An invalid stack config leaves no plan: its problems become `gate.config_invalid` findings (config_invalid.py)
and the five reports are written all the same, exit 2. An unsatisfiable workload is a `gate.placement_unsatisfiable`
finding (sources/placement.py), judged like any other (blocking, baseline, waivers); a plan placement cannot read
is exit 2 after the reports are written.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

from infra.config import ConfigError
from infra.offline.plan import write_plan
from infra.placement.command import EXIT_OK, placement_report
from policies.gate.config_invalid import config_invalid_result
from policies.gate.errors import GateInputError
from policies.gate.pipeline import GateOptions, GateResult, run_gate
from policies.gate.sources.placement import PlacementSource

PLACEMENT_REPORT = "placement.json"


@dataclass(frozen=True)
class StackRun:
    result: GateResult
    placement_exit: int  # 2 when placement could not read the plan; its problems are findings, so otherwise 0


def stack_file_of(root: Path, stack: str) -> Path:
    return root / "stacks" / f"Pulumi.{stack}.yaml"


def default_out(root: Path, stack: str) -> Path:
    return root / "build" / stack


def check_stack_file(root: Path, stack: str) -> Path:
    """The stack's file, or GateInputError naming the stacks that exist (exit 2)."""
    stack_file = stack_file_of(root, stack)
    if not stack_file.is_file():
        stacks = stack_file.parent.glob("Pulumi.*.yaml")
        known = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in stacks)
        raise GateInputError(stack_file, f"no such stack file (known stacks: {', '.join(known) or 'none'})")
    return stack_file


def run_stack(stack: str, options: GateOptions) -> StackRun:
    """Plan, placement and gate for `stack` under `options.repo_root`; reports are the caller's to write.

    `options` carries everything but the plan and the stack file, which this fills in.
    """
    root = options.repo_root
    stack_file = check_stack_file(root, stack)
    options = replace(options, overrides=replace(options.overrides, stack_file=stack_file))
    try:
        plan, document = write_plan(stack, root, options.out)
    except ConfigError as error:
        # The same lines `ai-platform plan` prints (file:line: key: what is wrong), then the reports as findings.
        print(f"gate: error: {error}", file=sys.stderr)
        return StackRun(config_invalid_result(error, options, stack=stack, stack_file=stack_file), EXIT_OK)
    print(f"plan: {plan} ({len(document['steps'])} resources)", file=sys.stderr)
    placement_exit, placement = placement_report(plan, options.out / PLACEMENT_REPORT)
    # Unsatisfiable workloads are findings (their exit 1 is the verdict's); an unreadable plan stays exit 2.
    sources = [PlacementSource(placement)] if placement is not None else []
    unreadable = EXIT_OK if placement is not None else placement_exit
    return StackRun(run_gate(replace(options, plan=plan), extra_sources=sources), unreadable)
