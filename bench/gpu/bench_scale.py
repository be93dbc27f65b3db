"""Benchmark at GPU-fleet scale: a synthetic stack of 16 regions x 8 node pools (a mix of accelerators and
roles), through the offline plan, the placement check and the policy gate (regorus).

    uv run python bench/gpu/bench_scale.py                       # writes bench/results/gpu_scale.json
    uv run python bench/gpu/bench_scale.py --regions 2 --pools 2 --out /tmp/small.json

The stack is the prod stack file with its regions and node pools replaced (everything else as prod
configures it). Reported: resources in the plan, seconds per stage and per resource, peak RSS of the
process. One run, no repeats: the plan stage alone dominates and its variance is small next to the trend.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import regopy  # noqa: F401  (loaded before other native extensions: see policies/__init__.py)
import yaml

import infra.placement  # noqa: F401  (resolves the config <-> node spec import cycle first)
from infra.config import load_stack_file
from infra.offline.plan import plan_document, run_with_config
from infra.placement.check import check
from infra.placement.plan import Plan
from policies.gate.pipeline import GateOptions, run_gate

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "gpu_scale.json"
REGIONS = (
    "eu-west-1", "eu-central-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2", "ca-central-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1",
    "ap-southeast-2", "ap-south-1",
)  # fmt: skip
# Eight pools: every role, CPU and NVIDIA, on-demand and spot, time-slicing and MIG. The first two
# (system + general) are the smallest stack whose workloads all have somewhere to run.
POOLS: dict[str, dict[str, Any]] = {
    "system": {"role": "system", "instanceTypes": ["m7i.xlarge"], "minSize": 2, "desiredSize": 2, "maxSize": 4},
    "cpu": {"instanceTypes": ["m7i.4xlarge", "m6i.4xlarge"], "minSize": 2, "desiredSize": 2, "maxSize": 30},
    "gpu": {"role": "inference", "accelerator": "nvidia", "instanceTypes": ["g6e.4xlarge", "g6.4xlarge"],
            "minSize": 0, "desiredSize": 0, "maxSize": 16},
    "training": {"role": "training", "accelerator": "nvidia", "capacityType": "spot",
                 "instanceTypes": ["g6e.12xlarge", "g6.12xlarge"], "minSize": 0, "desiredSize": 0, "maxSize": 4},
    "batch": {"role": "batch", "capacityType": "spot", "instanceTypes": ["m7i.2xlarge"], "minSize": 0,
              "desiredSize": 0, "maxSize": 20},
    "gpu-shared": {"role": "batch", "accelerator": "nvidia", "capacityType": "spot",
                   "gpuSharing": {"timeSlicingReplicas": 4}, "instanceTypes": ["g6.2xlarge", "g5.2xlarge"],
                   "minSize": 0, "desiredSize": 0, "maxSize": 8},
    "gpu-mig": {"role": "inference", "accelerator": "nvidia", "gpuSharing": {"migStrategy": "single"},
                "instanceTypes": ["p4d.24xlarge"], "minSize": 0, "desiredSize": 0, "maxSize": 2},
    "inference-cpu": {"role": "inference", "instanceTypes": ["c7i.4xlarge"], "minSize": 1, "desiredSize": 1,
                      "maxSize": 10},
}  # fmt: skip


def stack_file(regions: int, pools: int, directory: Path) -> Path:
    """The prod stack file with `regions` regions and the first `pools` pools of POOLS."""
    if not 1 <= regions <= len(REGIONS) or not 1 <= pools <= len(POOLS):
        raise SystemExit(f"--regions 1..{len(REGIONS)}, --pools 1..{len(POOLS)}")
    document = yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    config = document["config"]
    config["ai-platform:regions"] = [
        {"name": name, "cidr": f"10.{10 + i}.0.0/16", "role": "primary" if i == 0 else "standby"}
        for i, name in enumerate(REGIONS[:regions])
    ]
    if regions < 2:  # prod needs a standby region: a one-region stack is benchmarked as staging
        config["ai-platform:environment"] = "staging"
    config["ai-platform:nodePools"] = dict(list(POOLS.items())[:pools])
    path = directory / "Pulumi.bench.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def run(regions: int, pools: int, engine: str = "regorus") -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        seconds: dict[str, float] = {}
        start = time.perf_counter()
        config, config_map = load_stack_file(stack_file(regions, pools, directory))
        recorded, strings = run_with_config("prod", config, config_map, ROOT)
        document = plan_document(recorded, strings)
        plan_path = directory / "plan.json"
        plan_path.write_text(json.dumps(document), encoding="utf-8")
        seconds["plan"] = time.perf_counter() - start

        start = time.perf_counter()
        report = check(Plan(document))
        seconds["placement"] = time.perf_counter() - start

        start = time.perf_counter()
        result = run_gate(GateOptions(out=directory / "gate", plan=plan_path, engine=engine, repo_root=ROOT))
        seconds["gate"] = time.perf_counter() - start

    resources = len(document["steps"])
    total = sum(seconds.values())
    return {
        "regions": regions,
        "poolsPerRegion": pools,
        "nodeGroups": report.pools,
        "resources": resources,
        "kubernetesObjects": len(result.subject.objects),
        "placement": {"workloads": report.workloads, "problems": len(report.problems), "consistent": report.consistent},
        "gate": {"engine": engine, "verdict": result.verdict.verdict, "findings": len(result.findings)},
        "stagesSeconds": {stage: round(value, 3) for stage, value in seconds.items()},
        "totalSeconds": round(total, 3),
        "secondsPerResource": {
            **{stage: round(value / resources, 6) for stage, value in seconds.items()},
            "total": round(total / resources, 6),
        },
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--regions", type=int, default=16)
    parser.add_argument("--pools", type=int, default=8)
    parser.add_argument("--engine", default="regorus")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = {
        "benchmark": "gpu_scale",
        "python": platform.python_version(),
        "machine": platform.machine(),
        **run(args.regions, args.pools, args.engine),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if result["placement"]["consistent"] else 1


if __name__ == "__main__":
    sys.exit(main())
