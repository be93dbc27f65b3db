"""Benchmark of the policy gate, per stage, on the prod plan and on a synthetic 5,000-resource plan.

    uv run python bench/gate/bench_gate.py                 # writes bench/results/gate.json
    uv run python bench/gate/bench_gate.py --repeat 5 --engines regorus

Stages (seconds, median of the repeats): load (parse the plan, render Kubernetes objects in memory),
render (write manifests/), validate (kubernetes-validate schemas), rego (all packs), verdict (waivers,
verdict) and reports (the five files). Each (plan, engine) case runs in a child process with a time
limit, so an engine that does not scale is recorded as timed out instead of stalling the run.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import regopy  # noqa: F401  (loaded before other native extensions: see policies/__init__.py)

from infra.offline.plan import plan_document, run_program
from policies.gate.pipeline import GateOptions, run_gate
from policies.gate.reports import write_reports

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "gate.json"
STAGES = ("load", "render", "validate", "rego", "verdict", "reports")
SYNTHETIC_RESOURCES = 5000


def prod_plan(directory: Path) -> Path:
    """build/prod/plan.json when it exists (as `make plan STACK=prod` writes it), else a fresh offline plan."""
    built = ROOT / "build" / "prod" / "plan.json"
    if built.is_file():
        return built
    recorded, config = run_program("prod", ROOT)
    path = directory / "prod.json"
    path.write_text(json.dumps(plan_document(recorded, config)), encoding="utf-8")
    return path


def synthetic_plan(prod: Path, directory: Path, size: int = SYNTHETIC_RESOURCES) -> Path:
    """The prod plan's steps copied with renamed URNs (one more pair of regions per copy) until `size` resources."""
    document = json.loads(prod.read_text(encoding="utf-8"))
    base = [s for s in document["steps"] if s["newState"]["type"] != "pulumi:pulumi:Stack"]
    stack_steps = [s for s in document["steps"] if s["newState"]["type"] == "pulumi:pulumi:Stack"]
    steps: list[dict[str, Any]] = list(stack_steps)
    copy_index = 0
    while len(steps) < size:
        suffix = f"-copy{copy_index}"
        for original in base:
            if len(steps) >= size:
                break
            steps.append(_renamed(original, suffix))
        copy_index += 1
    synthetic = {**document, "steps": steps, "changeSummary": {"create": len(steps)}}
    path = directory / f"synthetic-{size}.json"
    path.write_text(json.dumps(synthetic), encoding="utf-8")
    return path


def _renamed(step: dict[str, Any], suffix: str) -> dict[str, Any]:
    renamed = copy.deepcopy(step)
    state = renamed["newState"]

    def rename(urn: str) -> str:
        return urn + suffix if urn.startswith("urn:pulumi:") else urn

    def rename_ref(ref: str) -> str:
        # provider references are "<provider URN>::<provider id>"
        urn, _, provider_id = ref.rpartition("::")
        return f"{rename(urn)}::{provider_id}" if urn.startswith("urn:pulumi:") else rename(ref)

    renamed["urn"] = rename(renamed["urn"])
    state["urn"] = rename(state["urn"])
    for key in ("parent",):
        if isinstance(state.get(key), str):
            state[key] = rename(state[key])
    for key in ("provider",):
        if isinstance(state.get(key), str):
            state[key] = rename_ref(state[key])
        if isinstance(renamed.get(key), str):
            renamed[key] = rename_ref(renamed[key])
    state["dependencies"] = [rename(u) for u in state.get("dependencies", [])]
    state["propertyDependencies"] = {
        k: [rename(u) for u in v] for k, v in state.get("propertyDependencies", {}).items()
    }
    # Kubernetes objects keep their names: each copy has its own (renamed) cluster provider.
    return renamed


def run_case(plan: Path, engine: str, repeat: int) -> dict[str, Any]:
    """Run the gate `repeat` times in this process and summarise each stage."""
    samples: dict[str, list[float]] = {stage: [] for stage in STAGES}
    totals: list[float] = []
    result = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            # checkov is benchmarked on its own (bench_checkov.py): this one follows the Rego engines and the stages.
            result = run_gate(GateOptions(out=Path(out), plan=plan, engine=engine, repo_root=ROOT, checkov=False))
            report_start = time.perf_counter()
            write_reports(result, Path(out))
            end = time.perf_counter()
        for stage in STAGES[:-1]:
            samples[stage].append(result.timings.get(stage, 0.0))
        samples["reports"].append(end - report_start)
        totals.append(end - start)
    assert result is not None
    return {
        "plan": plan.name,
        "engine": engine,
        "resources": len(result.subject.resources),
        "kubernetesObjects": len(result.subject.objects),
        "findings": len(result.findings),
        "verdict": result.verdict.verdict,
        "repeat": repeat,
        "stagesSeconds": {stage: _summary(values) for stage, values in samples.items()},
        "totalSeconds": _summary(totals),
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 4), "min": round(min(values), 4), "max": round(max(values), 4)}


def _child(plan: Path, engine: str, repeat: int, timeout: float, memory_mib: int) -> dict[str, Any]:
    """Run one case in a child process, killed past `timeout` seconds or `memory_mib` of resident memory.

    An engine whose memory grows without bound fails its own case instead of taking the machine (and
    whatever else runs on it) down. The cap watches RSS, not address space: allocators such as
    regopy's snmalloc reserve far more address space than they use and refuse to start under RLIMIT_AS.
    """
    command = [sys.executable, __file__, "--case", str(plan), "--engine-case", engine, "--repeat", str(repeat)]
    failed = {"plan": plan.name, "engine": engine}
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True, cwd=ROOT)
        deadline = time.monotonic() + timeout
        peak_mib = 0
        while child.poll() is None:
            peak_mib = max(peak_mib, _rss_mib(child.pid))
            if peak_mib > memory_mib or time.monotonic() > deadline:
                child.kill()
                child.wait()
                if peak_mib > memory_mib:
                    return {**failed, "killedAboveRssMiB": memory_mib}
                return {**failed, "timedOutAfterSeconds": timeout}
            time.sleep(0.1)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read(), stderr.read()
    if child.returncode != 0:
        # A negative return code is the signal that ended the child (e.g. -9: killed by the kernel for memory).
        detail = errors.strip()[-2000:] or f"exited with {child.returncode}"
        return {**failed, "returncode": child.returncode, "error": detail}
    case: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return case


def _rss_mib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0  # the child has just exited
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", nargs="+", default=["regorus", "regopy"])
    parser.add_argument("--size", type=int, default=SYNTHETIC_RESOURCES)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per (plan, engine) case")
    parser.add_argument("--memory-mib", type=int, default=8192, help="resident-memory cap per (plan, engine) case")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--case", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine-case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.engine_case, args.repeat)))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        prod = prod_plan(directory)
        synthetic = synthetic_plan(prod, directory, args.size)
        cases = [
            _child(plan, engine, args.repeat, args.timeout, args.memory_mib)
            for plan in (prod, synthetic)
            for engine in args.engines
        ]
    document = {
        "benchmark": "policy gate stages",
        "generatedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "memoryCapMiB": args.memory_mib,
        "cases": cases,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    for case in cases:
        if "totalSeconds" in case:
            stages = ", ".join(f"{k} {v['median']:.3f}" for k, v in case["stagesSeconds"].items())
            total = case["totalSeconds"]["median"]
            print(f"{case['plan']} [{case['engine']}] {case['resources']} resources: {total:.2f}s ({stages})")
        else:
            failure = {k: v for k, v in case.items() if k not in ("plan", "engine")}
            print(f"{case['plan']} [{case['engine']}]: did not finish {failure}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
