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
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "policies" / "gate"))

from bounds_cases import alias_bomb, big_stack_file, deep_json_plan, deep_yaml, write  # noqa: E402

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
# Each child times its own work after its imports (printed as the last stderr line), so the figure shows the
# bound itself apart from interpreter start-up, which dominates on a loaded machine.
GATE_CHILD = (
    "import sys, time\nfrom policies.gate.cli import main\n"
    "start = time.perf_counter()\ncode = main(sys.argv[1:])\n"
    "print(f'work_s={time.perf_counter() - start:.4f}', file=sys.stderr)\nsys.exit(code)\n"
)
CONFIG_LOADER_CHILD = (
    "import sys, time\nfrom pathlib import Path\nfrom infra.config import ConfigError, load_stack_file\n"
    "start = time.perf_counter()\ncode = 0\n"
    "try:\n    load_stack_file(Path(sys.argv[1]))\n"
    "except ConfigError as e:\n    print(e, file=sys.stderr)\n    code = 2\n"
    "print(f'work_s={time.perf_counter() - start:.4f}', file=sys.stderr)\nsys.exit(code)\n"
)


def cases(work: Path) -> dict[str, tuple[Callable[[], Path], Callable[[Path], list[str]]]]:
    """name → (build the input, the command that reads it)."""
    gate = [sys.executable, "-c", GATE_CHILD, "--out", str(work / "out")]
    plan = work / "small-plan.json"
    return {
        "alias_bomb_manifest_1kB": (
            lambda: write(work / "bomb" / "bomb.yaml", alias_bomb()).parent,
            lambda path: [*gate, "--manifests", str(path)],
        ),
        "deep_nesting_manifest_1000": (
            lambda: write(work / "deep" / "deep.yaml", deep_yaml(1000)).parent,
            lambda path: [*gate, "--manifests", str(path)],
        ),
        "deep_nesting_plan_1000": (
            lambda: write(work / "deep-plan.json", deep_json_plan(1000)),
            lambda path: [*gate, "--plan", str(path)],
        ),
        "stack_file_10MB_gate": (
            lambda: write(work / "Pulumi.big.yaml", big_stack_file()),
            lambda path: [*gate, "--plan", str(write(plan, json.dumps(SMALL_PLAN))), "--stack-file", str(path)],
        ),
        "stack_file_10MB_config_loader": (
            lambda: write(work / "Pulumi.big.yaml", big_stack_file()),
            lambda path: [sys.executable, "-c", CONFIG_LOADER_CHILD, str(path)],
        ),
    }


def run_child(argv: list[str]) -> tuple[int, float, float, int, str]:
    """Exit code, process seconds, seconds of work after imports, the child's own peak RSS (MiB), its message."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    killer = threading.Timer(TIME_LIMIT_S, child.kill)
    killer.start()
    try:
        assert child.stderr is not None
        stderr = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        killer.cancel()
    seconds = time.perf_counter() - start
    lines = stderr.strip().splitlines()
    work = float(lines[-1].removeprefix("work_s=")) if lines and lines[-1].startswith("work_s=") else seconds
    message = next((line for line in reversed(lines) if not line.startswith("work_s=")), "")
    return os.waitstatus_to_exitcode(status), seconds, work, usage.ru_maxrss // 1024, message


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name, (build, command) in cases(Path(tmp)).items():
            path = build()
            size = sum(f.stat().st_size for f in ([path] if path.is_file() else path.rglob("*")) if f.is_file())
            runs = [run_child(command(path)) for _ in range(args.repeat)]
            codes = sorted({code for code, *_ in runs})
            failed |= codes != [2]
            results.append(
                {
                    "case": name,
                    "input_bytes": size,
                    "exit_codes": codes,
                    "process_seconds_median": round(statistics.median(r[1] for r in runs), 3),
                    "work_seconds_median": round(statistics.median(r[2] for r in runs), 4),
                    "peak_rss_mib_median": int(statistics.median(r[3] for r in runs)),
                    "process_samples_s": [round(r[1], 3) for r in runs],
                    "message": runs[0][4],
                }
            )
            row = results[-1]
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
        "work seconds are the gate (or config loader) call alone; peak RSS is the child's",
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
