"""Both embedded engines give the same findings through the whole gate (the remote OPA is held to the same)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate_support import CORPUS, REAL_PACKS, UNKNOWN, GateRunner, plan_document, step, write_plan


def _findings(run_findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted((f["policyId"], f["status"], f["message"], str(f["resource"])) for f in run_findings)


@pytest.mark.parametrize("case", ["acceptance", "workloads"])
def test_regopy_and_regorus_agree_on_the_manifest_corpus(case: str, gate: GateRunner) -> None:
    runs = [gate(manifests=CORPUS / "manifests" / case, packs=REAL_PACKS, engine=e) for e in ("regopy", "regorus")]
    assert _findings(runs[0].findings) == _findings(runs[1].findings)
    assert runs[0].exit_code == runs[1].exit_code == 1


def test_regopy_and_regorus_agree_on_unknown_probing(gate: GateRunner, tmp_path: Path) -> None:
    document = plan_document(
        step("aws:eks/cluster:Cluster", "main", {"encryptionConfig": {"provider": {"keyArn": UNKNOWN}}}),
        step("aws:s3/bucket:Bucket", "b", {"acl": "public-read", "arn": UNKNOWN}),
    )
    plan = write_plan(tmp_path, document)
    runs = [gate(plan=plan, engine=e) for e in ("regopy", "regorus")]
    assert _findings(runs[0].findings) == _findings(runs[1].findings)
