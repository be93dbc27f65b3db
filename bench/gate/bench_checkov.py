"""checkov's share of the prod gate, per target (issue 11): writes bench/results/gate_checkov.json.

    uv run python bench/gate/bench_checkov.py              # the prod plan, 3 repeats
    uv run python bench/gate/bench_checkov.py --repeat 5

Cases, each the median of the repeats (min and max kept):
- `gate`: the whole prod gate as `make gate` runs it, a fresh `python -m policies.gate` process (imports included),
  Rego and checkov together; checkov starts before Rego and is collected after it, so its cost is the wait
  (`checkov` stage) plus its start (`checkov-start`: the Terraform-plan conversion and the launch);
- `gateWithoutCheckov`: the same with `--no-checkov`, so the difference is what checkov adds to the gate;
- `checkovBatched`: checkov alone over the four targets in one process, as the gate runs it;
- `checkovPerTarget`: checkov alone on each target in its own process (start-up included), and each target's share
  of their sum; the sum exceeds the batched run by the start-ups it saves.
Target: the full prod gate within 10 s on a 2-core machine (`targetSeconds`, `withinTarget`).
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
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.gate.bench_gate import prod_plan  # noqa: E402
from policies.gate.checkov.runner import CheckovProcess  # noqa: E402
from policies.gate.checkov.settings import checkov_settings  # noqa: E402
from policies.gate.checkov.targets import dockerfiles, workflows  # noqa: E402
from policies.gate.checkov.toolenv import pinned_version  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "gate_checkov.json"
TARGET_SECONDS = 10.0
STACK_FILE = ROOT / "stacks" / "Pulumi.prod.yaml"


def gate_process(plan: Path, out: Path, *extra: str) -> dict[str, Any]:
    """One `python -m policies.gate` process on the plan: wall seconds, exit code, stage timings, checkov details."""
    command = [sys.executable, "-m", "policies.gate", "--plan", str(plan), "--stack-file", str(STACK_FILE)]
    start = time.perf_counter()
    completed = subprocess.run(
        [*command, "--out", str(out), *extra], cwd=ROOT, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"gate exited {completed.returncode}: {completed.stderr.strip()[-2000:]}")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {
        "wall": wall,
        "exitCode": completed.returncode,
        "stages": report["timingsSeconds"],
        "checkov": report.get("checkov") or {},
    }


def checkov_run(files: list[Path], work: Path) -> float:
    process = CheckovProcess(files, work, ROOT, checkov_settings())
    process.start()
    report = process.collect()
    return report.seconds


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        plan = prod_plan(directory)
        # A first run writes the manifests and the Terraform-plan JSON the per-target runs read, and warms the
        # on-disk cache of checkov's Terraform types (as any gate after the first finds it).
        first = gate_process(plan, directory / "warm")
        gate = [gate_process(plan, directory / f"gate-{i}") for i in range(args.repeat)]
        plain = [gate_process(plan, directory / f"plain-{i}", "--no-checkov") for i in range(args.repeat)]
        settings = checkov_settings()
        warm = directory / "warm"
        targets = {
            settings.target_of("kubernetes"): sorted((warm / "manifests").rglob("*.yaml")),
            settings.target_of("dockerfile"): dockerfiles(ROOT, settings),
            settings.target_of("github_actions"): workflows(ROOT, settings),
            settings.target_of("terraform_plan"): [warm / settings.work_directory / "tfplan.json"],
        }
        every_file = [path for files in targets.values() for path in files]
        batched = [checkov_run(every_file, directory / f"batched-{i}") for i in range(args.repeat)]
        per_target = {
            name: [checkov_run(files, directory / f"{name}-{i}") for i in range(args.repeat)]
            for name, files in targets.items()
        }
    target_medians = {name: statistics.median(values) for name, values in per_target.items()}
    total = sum(target_medians.values())
    gate_wall = statistics.median(run["wall"] for run in gate)
    plain_wall = statistics.median(run["wall"] for run in plain)
    stages = {stage: summary([run["stages"].get(stage, 0.0) for run in gate]) for stage in gate[0]["stages"]}
    result = {
        "plan": "prod",
        "repeat": args.repeat,
        "checkovVersion": pinned_version(),
        "counts": first["checkov"].get("targets", {}),
        "gate": {
            "wallSeconds": summary([run["wall"] for run in gate]),
            "stagesSeconds": stages,
            "exitCode": gate[0]["exitCode"],
        },
        "gateWithoutCheckov": {"wallSeconds": summary([run["wall"] for run in plain])},
        "checkovAddsSeconds": round(gate_wall - plain_wall, 3),
        "checkovShareOfGate": round((gate_wall - plain_wall) / gate_wall, 3),
        "checkovBatched": {"wallSeconds": summary(batched)},
        "checkovPerTarget": {
            name: {
                "files": len(targets[name]),
                "wallSeconds": summary(values),
                "shareOfPerTargetSum": round(target_medians[name] / total, 3),
            }
            for name, values in per_target.items()
        },
        "startupsSavedByBatchingSeconds": round(total - statistics.median(batched), 3),
        "targetSeconds": TARGET_SECONDS,
        "withinTarget": gate_wall <= TARGET_SECONDS,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
