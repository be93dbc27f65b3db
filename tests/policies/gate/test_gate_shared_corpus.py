"""The packs' corpus (tests/policies/corpus) fails through the full gate with the ids its sidecars name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from gate_support import REAL_PACKS, REPO_ROOT, GateRunner

SHARED_CORPUS = REPO_ROOT / "tests" / "policies" / "corpus"
PLAN_CASES = sorted(SHARED_CORPUS.glob("plans/*.json"))
MANIFEST_CASES = sorted(p for p in SHARED_CORPUS.glob("manifests/*.yaml") if not p.name.endswith(".expected.yaml"))
# The registries the corpus README fixes for manifest cases.
MANIFEST_REGISTRIES = ("ghcr.io/ai-platform/", "registry.k8s.io/", "public.ecr.aws/")


def _expected(case: Path) -> set[str]:
    sidecar = case.with_name(case.name.split(".")[0] + ".expected.yaml")
    return set(yaml.safe_load(sidecar.read_text(encoding="utf-8"))["policy_ids"])


@pytest.mark.parametrize("case", PLAN_CASES, ids=lambda p: p.stem)
def test_bad_plan_fails_the_gate_with_its_expected_ids(case: Path, gate: GateRunner) -> None:
    run = gate("--fail-on", "low", plan=case, packs=REAL_PACKS)
    assert run.exit_code == 1, run.stderr
    assert _expected(case) <= run.policy_ids("fail")


@pytest.mark.parametrize("case", MANIFEST_CASES, ids=lambda p: p.stem)
def test_bad_manifest_fails_the_gate_with_its_expected_ids(case: Path, gate: GateRunner, tmp_path: Path) -> None:
    directory = tmp_path / case.stem
    directory.mkdir()
    shutil.copy(case, directory / case.name)
    registries = [arg for prefix in MANIFEST_REGISTRIES for arg in ("--allowed-registry", prefix)]
    run = gate("--fail-on", "low", *registries, manifests=directory, packs=REAL_PACKS)
    assert run.exit_code == 1, run.stderr
    assert _expected(case) <= run.policy_ids("fail")
