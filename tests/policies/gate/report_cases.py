"""Gate results for the report tests: a plan placed in two regions with blocking, advisory and Kubernetes findings.

Built by running the real gate (tiny packs, regorus, no checkov) in-process, so the reports see a real GateResult;
baseline states are then set on its findings directly, as --baseline would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from gate_support import REPO_ROOT, TINY_PACKS, TODAY, k8s_step, plan_document, step, urn, write_plan

from policies.gate.findings import BaselineState, Finding
from policies.gate.pipeline import GateOptions, GateResult, run_gate
from policies.gate.verdict import decide

WEST, CENTRAL = "eu-west-1", "eu-central-1"


def provider_ref(type_: str, name: str) -> str:
    return f"{urn(type_, name)}::{name}-id"


def placed_plan(*, buckets: int = 2) -> dict[str, Any]:
    """Public buckets in eu-west-1 (blocking), a cluster in eu-central-1 and a privileged pod on it (Kubernetes)."""
    aws_west = provider_ref("pulumi:providers:aws", "aws-west")
    aws_central = provider_ref("pulumi:providers:aws", "aws-central")
    cluster_urn = urn("aws:eks/cluster:Cluster", "central-eks")
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "runner", "namespace": "jobs"},
        "spec": {
            "containers": [{"name": "c", "image": "registry.internal/app:1.0", "securityContext": {"privileged": True}}]
        },
    }
    return plan_document(
        step("pulumi:providers:aws", "aws-west", {"region": WEST}),
        step("pulumi:providers:aws", "aws-central", {"region": CENTRAL}),
        *(
            step("aws:s3/bucket:Bucket", f"public-{index}", {"acl": "public-read"}, provider=aws_west)
            for index in range(buckets)
        ),
        step("aws:eks/cluster:Cluster", "central-eks", {}, provider=aws_central),
        step(
            "pulumi:providers:kubernetes",
            "k8s-central",
            {"kubeconfig": "[secret]"},
            dependencies=[cluster_urn],
            propertyDependencies={"kubeconfig": [cluster_urn]},
        ),
        k8s_step(pod, provider=provider_ref("pulumi:providers:kubernetes", "k8s-central")),
    )


def gate_result(tmp_path: Path, document: dict[str, Any]) -> GateResult:
    waivers = tmp_path / "no-waivers.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    options = GateOptions(
        out=tmp_path / "out",
        plan=write_plan(tmp_path, document),
        engine="regorus",
        waivers=waivers,
        packs_root=TINY_PACKS,
        today=dt.date.fromisoformat(TODAY),
        repo_root=REPO_ROOT,
        checkov=False,
    )
    return run_gate(options)


def with_baseline(result: GateResult, new: set[str], absent: list[Finding], *, strict: bool = False) -> GateResult:
    """Findings of the rules in `new` are new, the others unchanged; only new ones block, unless `strict`
    (--fail-on-existing)."""
    marked: list[Finding] = []
    for finding in result.findings:
        state: BaselineState = "new" if finding.policy_id in new else "unchanged"
        marked.append(replace(finding, baseline=state))
    verdict = result.verdict
    return replace(
        result,
        findings=marked,
        # The gate's own verdict over the marked findings: what blocks, and existing_blocking.
        verdict=decide(
            marked,
            result.rules.values(),
            verdict.fail_on,
            allow_unknown=verdict.allow_unknown,
            fail_on_existing=strict,
        ),
        absent=[replace(f, baseline="absent") for f in absent],
    )
