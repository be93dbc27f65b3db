"""The corpus of bad plans and manifests triggers the expected policy ids, identically on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rego_evaluation import evaluate_manifests, evaluate_plan_resources
from rego_inputs import allowed_registries, load_manifests, plan_resources

from policies.engines import Pack

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST_REGISTRIES = ["ghcr.io/ai-platform/", "registry.k8s.io/", "public.ecr.aws/"]
PLAN_CASES = sorted(CORPUS.glob("plans/*.json"))
MANIFEST_CASES = sorted(p for p in CORPUS.glob("manifests/*.yaml") if not p.name.endswith(".expected.yaml"))


def expected_ids(case: Path) -> list[str]:
    sidecar = case.with_name(case.name.split(".")[0] + ".expected.yaml")
    return list(yaml.safe_load(sidecar.read_text())["policy_ids"])


def test_corpus_has_plan_and_manifest_cases_with_sidecars() -> None:
    assert len(PLAN_CASES) >= 5 and len(MANIFEST_CASES) >= 5
    for case in [*PLAN_CASES, *MANIFEST_CASES]:
        assert expected_ids(case), case.name


@pytest.mark.parametrize("case", PLAN_CASES, ids=lambda p: p.stem)
def test_bad_plan_triggers_its_expected_policies_on_both_engines(packs: dict[str, Pack], case: Path) -> None:
    plan = json.loads(case.read_text())
    resources = plan_resources(plan)
    registries = allowed_registries(plan)
    on_regopy = evaluate_plan_resources(packs, resources, registries, "regopy")
    on_regorus = evaluate_plan_resources(packs, resources, registries, "regorus")
    assert on_regopy == on_regorus, f"engines disagree:\nregopy:  {on_regopy}\nregorus: {on_regorus}"
    assert sorted(set(expected_ids(case)) - set(on_regorus)) == []


@pytest.mark.parametrize("case", MANIFEST_CASES, ids=lambda p: p.stem)
def test_bad_manifest_triggers_its_expected_policies_on_both_engines(packs: dict[str, Pack], case: Path) -> None:
    objects = load_manifests(case)
    on_regopy = evaluate_manifests(packs, objects, MANIFEST_REGISTRIES, "regopy")
    on_regorus = evaluate_manifests(packs, objects, MANIFEST_REGISTRIES, "regorus")
    assert on_regopy == on_regorus, f"engines disagree:\nregopy:  {on_regopy}\nregorus: {on_regorus}"
    assert sorted(set(expected_ids(case)) - set(on_regorus)) == []
