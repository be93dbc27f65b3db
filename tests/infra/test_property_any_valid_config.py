"""Property: any valid config produces a consistent plan (whole graph, one cluster and GPU pool per region)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.config import parse_platform_config
from infra.offline.plan import plan_document, run_with_config
from tests.infra.plan_view import PlanView

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"]


@st.composite
def pools(draw: st.DrawFn, minimum: int) -> dict[str, Any]:
    low = draw(st.integers(min_value=minimum, max_value=3))
    high = draw(st.integers(min_value=max(low, 1), max_value=6))
    return {
        "instanceTypes": ["m7i.large"],
        "capacityType": draw(st.sampled_from(["on-demand", "spot"])),
        "minSize": low,
        "desiredSize": draw(st.integers(min_value=low, max_value=high)),
        "maxSize": high,
    }


@st.composite
def models(draw: st.DrawFn, index: int) -> dict[str, Any]:
    risk = draw(st.sampled_from(["minimal", "limited", "high"]))
    model: dict[str, Any] = {
        "name": f"model-{index}",
        "version": "1.0.0",
        "owner": "team-a",
        "framework": "sklearn",
        "riskClass": risk,
        "serving": draw(st.sampled_from(["realtime", "batch"])),
        "datasetVersion": "d1",
        "trainedBy": "ci",
        "drift": {
            "reference": "s3://data-bucket/ref/",
            "current": "s3://data-bucket/cur/",
            "shards": draw(st.integers(min_value=1, max_value=3)),
        },
    }
    if risk == "high":
        model |= {
            "humanOversight": "oversight@example.com",
            "logRetentionDays": 365,
            "approval": {"approvedBy": "committee", "approvedAt": "2026-01-01", "ticket": "T-1"},
        }
    return model


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    environment = draw(st.sampled_from(["dev", "staging", "prod"]))
    count = draw(st.integers(min_value=2 if environment == "prod" else 1, max_value=3))
    regions = [
        {"name": name, "cidr": f"10.{8 * i}.0.0/16", "role": "primary" if i == 0 else "standby"}
        for i, name in enumerate(draw(st.permutations(REGIONS))[:count])
    ]
    system = draw(pools(2 if environment == "prod" else 1)) | {"role": "system", "capacityType": "on-demand"}
    gpu = draw(pools(0)) | {"accelerator": "nvidia", "role": draw(st.sampled_from(["training", "batch"]))}
    gpu["instanceTypes"] = ["g6.xlarge"]
    return {
        "ai-platform:environment": environment,
        "ai-platform:regions": regions,
        "ai-platform:network": {"natGateways": draw(st.sampled_from(["single", "perAz"]))},
        "ai-platform:nodePools": {"system": system, "cpu": draw(pools(0)), "gpu": gpu},
        "ai-platform:teams": [{"name": "team-a", "costCenter": "cc-1"}],
        # Prod needs an on-call receiver (infra/config/alert_routing.py).
        "ai-platform:monitoring": {
            "receivers": [{"name": "oncall", "webhook": {"url": "http://alert-sink.example.com/alerts"}}],
            "onCall": "oncall",
        },
        "ai-platform:models": [draw(models(i)) for i in range(draw(st.integers(min_value=0, max_value=2)))],
    }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_any_valid_config_produces_a_consistent_plan(config_map: dict[str, Any]) -> None:
    config = parse_platform_config(config_map)
    view = PlanView(plan_document(*run_with_config("prop", config, config_map, ROOT)))

    urns = [r.urn for r in view.resources]
    assert len(urns) == len(set(urns))
    assert all(r.parent in view.by_urn for r in view.resources if r.type != "pulumi:pulumi:Stack")
    assert all(d in view.by_urn for r in view.resources for d in r.dependencies)

    regions = sorted(r.name for r in config.regions)
    assert sorted(view.region_of(c) for c in view.of_type("aws:eks/cluster:Cluster")) == regions
    gpu_groups = [
        g for g in view.of_type("aws:eks/nodeGroup:NodeGroup") if g.inputs["labels"]["ai-platform/pool"] == "gpu"
    ]
    assert sorted(view.region_of(g) for g in gpu_groups) == regions
    assert all(
        {"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"} in g.inputs["taints"] for g in gpu_groups
    )
    nat_per_region = 3 if config.nat_mode == "perAz" else 1
    assert len(view.of_type("aws:ec2/natGateway:NatGateway")) == nat_per_region * len(regions)
    # The drift jobs of every model, and the restore verification.
    cronjobs_per_region = sum(2 if m.drift.shards > 1 else 1 for m in config.models) + 1
    assert len(view.k8s_objects("CronJob")) == cronjobs_per_region * len(regions)
    replications = view.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    assert len(replications) == (1 if len(regions) > 1 else 0)
