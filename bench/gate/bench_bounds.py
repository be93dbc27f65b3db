"""Benchmark of the gate's resource bounds: how fast, and in how little memory, hostile inputs are refused.

    uv run python bench/gate/bench_bounds.py              # writes bench/results/gate_bounds.json

Cases (the inputs of tests/policies/gate/bounds_cases.py, which the bounds tests use too): a 1 kB YAML
alias bomb (10^9 nodes expanded), a manifest and a plan nested 1,000 deep, and a 10 MB stack file given to
the gate (`--stack-file`) and to the stack config loader. Each run is a fresh child process, so seconds
include interpreter start-up and imports and the peak RSS is that child's alone (os.wait4); the figure is
the median of 3 runs, with the seconds of the gate call alone (after imports) beside the process time.
Every case must end with exit 2; the run fails otherwise.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "policies" / "gate"))

from bounds_cases import (  # noqa: E402
    CONFIG_LOADER_CALL,
    GATE_CALL,
    alias_bomb,
    big_stack_file,
    deep_json_plan,
    deep_yaml,
    run_measured,
    write,
)

from infra.bounds import limits  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "gate_bounds.json"
TIME_LIMIT_S = 120
SMALL_PLAN = {
    "config": {},
    "steps": [
        {
            "op": "create",
            "urn": "urn:pulumi:test::ai-platform::aws:s3/bucket:Bucket::b",
            "newState": {
                "urn": "urn:pulumi:test::ai-platform::aws:s3/bucket:Bucket::b",
                "type": "aws:s3/bucket:Bucket",
                "custom": True,
                "inputs": {},
            },
        }
    ],
}


def cases(work: Path) -> dict[str, tuple[Callable[[], Path], tuple[str, str], Callable[[Path], list[str]]]]:
    """name → (build the input, the call that reads it, its arguments)."""
    gate = ["--out", str(work / "out")]
    plan = work / "small-plan.json"
    return {
        "alias_bomb_manifest_1kB": (
            lambda: write(work / "bomb" / "bomb.yaml", alias_bomb()).parent,
            GATE_CALL,
            lambda path: [*gate, "--manifests", str(path)],
        ),
        "deep_nesting_manifest_1000": (
            lambda: write(work / "deep" / "deep.yaml", deep_yaml(1000)).parent,
            GATE_CALL,
            lambda path: [*gate, "--manifests", str(path)],
        ),
        "deep_nesting_plan_1000": (
            lambda: write(work / "deep-plan.json", deep_json_plan(1000)),
            GATE_CALL,
            lambda path: [*gate, "--plan", str(path)],
        ),
        "stack_file_10MB_gate": (
            lambda: write(work / "Pulumi.big.yaml", big_stack_file()),
            GATE_CALL,
            lambda path: [*gate, "--plan", str(write(plan, json.dumps(SMALL_PLAN))), "--stack-file", str(path)],
        ),
        "stack_file_10MB_config_loader": (
            lambda: write(work / "Pulumi.big.yaml", big_stack_file()),
            CONFIG_LOADER_CALL,
            lambda path: [str(path)],
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name, (build, call, arguments) in cases(Path(tmp)).items():
            path = build()
            size = sum(f.stat().st_size for f in ([path] if path.is_file() else path.rglob("*")) if f.is_file())
            runs = [run_measured(call, arguments(path), ROOT, TIME_LIMIT_S) for _ in range(args.repeat)]
            codes = sorted({run.exit_code for run in runs})
            failed |= codes != [2]
            row = {
                "case": name,
                "input_bytes": size,
                "exit_codes": codes,
                "process_seconds_median": round(statistics.median(run.process_s for run in runs), 3),
                "work_seconds_median": round(statistics.median(run.work_s for run in runs), 4),
                "peak_rss_mib_median": round(statistics.median(run.peak_mib for run in runs), 1),
                "process_samples_s": [round(run.process_s, 3) for run in runs],
                "message": runs[0].stderr.strip().splitlines()[-1] if runs[0].stderr.strip() else "",
            }
            results.append(row)
            print(
                f"{name}: exit {codes} work {row['work_seconds_median']} s, process {row['process_seconds_median']} s, "
                f"peak {row['peak_rss_mib_median']} MiB"
            )
    bounds = limits()
    document = {
        "benchmark": "gate_bounds",
        "repeats": args.repeat,
        "statistic": "median",
        "note": "each run is a fresh child process; process seconds include interpreter start-up and imports, "
        "work seconds are the gate (or config loader) call alone; peak RSS is the child's own (VmHWM)",
        "limits": {
            "maxBytes": bounds.max_bytes,
            "maxDepth": bounds.max_depth,
            "maxAliases": bounds.max_aliases,
            "maxExpandedNodes": bounds.max_expanded_nodes,
        },
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "system": platform.system()},
        "cases": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
