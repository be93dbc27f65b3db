"""Benchmark the embedded Rego engines on a synthetic 5,000-resource plan (DESIGN §7).

Measures, per engine (regopy, regorus): compiling each pack, evaluating the aws pack's resource
rules once per resource (evaluate_many over 5,000 inputs), the stack rules of the aws and
ai_governance packs once over all 5,000 resources, and the kubernetes pack over the plan's
Kubernetes objects in admission format. Prints a table and writes bench/results/gate_engines.json.

    uv run python bench/gate/bench_engines.py [--resources 5000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policies.engines import EMBEDDED_ENGINES, Pack, get_engine, load_packs

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "gate_engines.json"
REGIONS = ["eu-west-1", "eu-central-1"]


def synthetic_resources(count: int) -> list[dict[str, Any]]:
    """A plan-shaped resource list: providers, then a repeating mix of the program's resource types."""
    providers = [
        {
            "__type": "pulumi:providers:aws",
            "__urn": f"urn:pulumi:bench::ai-platform::pulumi:providers:aws::{r}",
            "__name": r,
            "region": r,
        }
        for r in REGIONS
    ]
    makers: list[Callable[[int, str], dict[str, Any]]] = [
        _bucket,
        _bucket_versioning,
        _launch_template,
        _kms_key,
        _ingress_rule,
        _role,
        _deployment,
        _namespace,
    ]
    resources: list[dict[str, Any]] = list(providers)
    for index in range(count - len(providers)):
        region = REGIONS[index % len(REGIONS)]
        resource = makers[index % len(makers)](index, region)
        resource["__provider"] = f"{providers[index % len(REGIONS)]['__urn']}::bench-id"
        resources.append(resource)
    return resources


def _base(type_token: str, index: int, region: str) -> dict[str, Any]:
    name = f"r{index}"
    return {
        "__type": type_token,
        "__urn": f"urn:pulumi:bench::ai-platform::{type_token}::{name}",
        "__name": name,
        "tags": {"ai-platform/stack": "bench", "ai-platform/region": region, "ai-platform/team": "platform"},
    }


def _bucket(index: int, region: str) -> dict[str, Any]:
    return _base("aws:s3/bucket:Bucket", index, region) | {"bucket": f"bucket-{index}"}


def _bucket_versioning(index: int, region: str) -> dict[str, Any]:
    resource = _base("aws:s3/bucketVersioning:BucketVersioning", index, region)
    del resource["tags"]
    return resource | {"bucket": f"bucket-{index - 1}", "versioningConfiguration": {"status": "Enabled"}}


def _launch_template(index: int, region: str) -> dict[str, Any]:
    return _base("aws:ec2/launchTemplate:LaunchTemplate", index, region) | {
        "metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
        "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeSize": 100}}],
    }


def _kms_key(index: int, region: str) -> dict[str, Any]:
    return _base("aws:kms/key:Key", index, region) | {"enableKeyRotation": index % 3 != 0}


def _ingress_rule(index: int, region: str) -> dict[str, Any]:
    return _base("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", index, region) | {
        "ipProtocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "cidrIpv4": "10.0.0.0/8" if index % 5 else "0.0.0.0/0",
    }


def _role(index: int, region: str) -> dict[str, Any]:
    return _base("aws:iam/role:Role", index, region) | {"name": f"role-{index}", "assumeRolePolicy": "{}"}


def _deployment(index: int, region: str) -> dict[str, Any]:
    container = {
        "name": "server",
        "image": "ghcr.io/ai-platform/server:1.0.0",
        "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    spec = {
        "automountServiceAccountToken": False,
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
    }
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": f"app-{index}", "namespace": f"ns-{index % 20}"},
        "spec": {
            "selector": {"matchLabels": {"app": "x"}},
            "template": {"metadata": {"labels": {"app": "x"}}, "spec": spec},
        },
    }
    return {
        "__type": "kubernetes:apps/v1:Deployment",
        "__urn": f"urn:pulumi:bench::ai-platform::kubernetes:apps/v1:Deployment::app-{index}",
        "__name": f"app-{index}",
        **obj,
    }


def _namespace(index: int, region: str) -> dict[str, Any]:
    obj = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": f"ns-{index}", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}},
    }
    return {
        "__type": "kubernetes:core/v1:Namespace",
        "__urn": f"urn:pulumi:bench::ai-platform::kubernetes:core/v1:Namespace::ns-{index}",
        "__name": f"ns-{index}",
        **obj,
    }


def admission_reviews(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    objects = [
        {k: v for k, v in r.items() if not k.startswith("__")}
        for r in resources
        if r["__type"].startswith("kubernetes:")
    ]
    return [
        {"review": {"object": o, "operation": "CREATE"}, "parameters": {"allowedRegistries": ["ghcr.io/ai-platform/"]}}
        for o in objects
    ]


def timed(action: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), samples


def bench_engine(
    engine_name: str, packs: dict[str, Pack], resources: list[dict[str, Any]], repeats: int
) -> dict[str, Any]:
    engine = get_engine(engine_name)
    compile_s, _ = timed(lambda: [engine.compile(pack) for pack in packs.values()], repeats)
    aws = engine.compile(packs["aws"])
    governance = engine.compile(packs["ai_governance"])
    kubernetes = engine.compile(packs["kubernetes"])
    reviews = admission_reviews(resources)
    stack_input = {"resources": resources}
    resource_s, resource_samples = timed(lambda: aws.evaluate_many(resources), repeats)
    stack_s, stack_samples = timed(lambda: (aws.evaluate(stack_input), governance.evaluate(stack_input)), repeats)
    kubernetes_s, kubernetes_samples = timed(lambda: kubernetes.evaluate_many(reviews), repeats)
    return {
        "engine": engine_name,
        "version": engine.version(),
        "compile_all_packs_s": round(compile_s, 4),
        "aws_resource_rules_s": round(resource_s, 3),
        "aws_resource_rules_per_resource_ms": round(1000 * resource_s / len(resources), 4),
        "stack_rules_aws_and_governance_s": round(stack_s, 3),
        "kubernetes_objects": len(reviews),
        "kubernetes_admission_s": round(kubernetes_s, 3),
        "total_s": round(resource_s + stack_s + kubernetes_s, 3),
        # regopy 1.5.2 does not free what an evaluation allocates, even with a fresh interpreter:
        # peak memory grows with every evaluation (about 85 KB per resource evaluated).
        "peak_rss_mib_after": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "samples_s": {"resource": resource_samples, "stack": stack_samples, "kubernetes": kubernetes_samples},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    packs = {pack.name: pack for pack in load_packs(ROOT / "policies" / "packs")}
    resources = synthetic_resources(args.resources)
    # regorus first: regopy's memory growth would otherwise count against it in peak RSS.
    results = [bench_engine(name, packs, resources, args.repeats) for name in reversed(EMBEDDED_ENGINES)]
    by_engine = {result["engine"]: result for result in results}
    ratio = (
        by_engine["regopy"]["total_s"] / by_engine["regorus"]["total_s"] if by_engine["regorus"]["total_s"] else None
    )
    report = {
        "benchmark": "gate_engines",
        "resources": len(resources),
        "repeats": args.repeats,
        "statistic": "median",
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "system": platform.system()},
        "engines": results,
        "regopy_over_regorus_total": round(ratio, 2) if ratio else None,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    for result in results:
        print(
            f"{result['engine']:8} compile {result['compile_all_packs_s']:.3f}s"
            f"  resource rules {result['aws_resource_rules_s']:.2f}s"
            f"  stack rules {result['stack_rules_aws_and_governance_s']:.2f}s"
            f"  kubernetes ({result['kubernetes_objects']} objects) {result['kubernetes_admission_s']:.2f}s"
            f"  total {result['total_s']:.2f}s"
        )
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")


if __name__ == "__main__":
    main()
