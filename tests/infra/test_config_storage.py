"""Config rules of the object storage (infra/config/storage_rules.py): drift URIs name this stack's purpose
buckets with a `{region}` placeholder and the model's prefix, bucket names fit S3's limit, logs always expire."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from infra.config import ConfigError, load_stack_file, parse_platform_config
from infra.config.loader import stack_identity
from infra.config.storage_rules import StackIdentity

ROOT = Path(__file__).resolve().parents[2]
PROD = StackIdentity("ai-platform", "prod")


def _prod() -> dict[str, Any]:
    return copy.deepcopy(load_stack_file(ROOT / "stacks" / "Pulumi.prod.yaml")[1])


def _with_drift(config_map: dict[str, Any], **drift: str) -> dict[str, Any]:
    config_map["ai-platform:models"][0]["drift"].update(drift)
    return config_map


def _problems(config_map: dict[str, Any], identity: StackIdentity | None = PROD) -> dict[str, str]:
    with pytest.raises(ConfigError) as error:
        parse_platform_config(config_map, identity=identity)
    return {p.path: p.message for p in error.value.problems}


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_projects_stacks_pass_with_their_identity(stack: str) -> None:
    stack_file = ROOT / "stacks" / f"Pulumi.{stack}.yaml"
    assert stack_identity(stack_file) == StackIdentity("ai-platform", stack)
    config, _ = load_stack_file(stack_file)
    assert all("{region}" in m.drift.reference for m in config.models)


def test_a_drift_uri_without_the_region_placeholder_is_refused() -> None:
    config_map = _with_drift(_prod(), reference="s3://ai-platform-prod-eu-west-1-datasets/fraud-scoring/reference/")
    problems = _problems(config_map)
    assert list(problems) == ["ai-platform:models[0].drift.reference"]
    assert "must name the region as {region}" in problems["ai-platform:models[0].drift.reference"]


@pytest.mark.parametrize(
    ("field", "uri", "purpose"),
    [
        ("reference", "s3://ai-platform-prod-{region}-inference-logs/fraud-scoring/reference/", "datasets"),
        ("current", "s3://ai-platform-prod-{region}-datasets/fraud-scoring/latest/", "inference-logs"),
        ("reports", "s3://ai-platform-prod-{region}-datasets/fraud-scoring/reports/", "drift-reports"),
        ("reports", "s3://ai-platform-prod-{region}-backups/fraud-scoring/", "drift-reports"),
    ],
)
def test_each_drift_uri_names_its_purposes_bucket(field: str, uri: str, purpose: str) -> None:
    for identity in (PROD, None):
        problems = _problems(_with_drift(_prod(), **{field: uri}), identity)
        assert list(problems) == [f"ai-platform:models[0].drift.{field}"]
        assert purpose in problems[f"ai-platform:models[0].drift.{field}"]


def test_a_drift_uri_of_another_stack_is_refused_when_the_stack_is_known() -> None:
    problems = _problems(_prod(), StackIdentity("ai-platform", "staging"))
    assert set(problems) == {
        f"ai-platform:models[{i}].drift.{field}" for i in (0, 1) for field in ("reference", "current")
    }
    assert "ai-platform-staging-{region}-datasets" in problems["ai-platform:models[0].drift.reference"]
    parse_platform_config(_prod())  # a config parsed on its own: any stack's bucket of the purpose


def test_drift_keys_start_with_the_models_prefix() -> None:
    config_map = _with_drift(_prod(), current="s3://ai-platform-prod-{region}-inference-logs/fraud/latest/")
    problems = _problems(config_map)
    assert list(problems) == ["ai-platform:models[0].drift.current"]
    assert "fraud-scoring/" in problems["ai-platform:models[0].drift.current"]


def test_an_explicit_reports_uri_in_the_drift_reports_bucket_passes() -> None:
    reports = "s3://ai-platform-prod-{region}-drift-reports/fraud-scoring/v2/"
    config = parse_platform_config(_with_drift(_prod(), reports=reports), identity=PROD)
    assert config.models[0].drift.reports == reports


def test_every_bucket_name_of_every_region_fits_s3s_limit() -> None:
    long_stack = StackIdentity("ai-platform", "customer-acceptance-xyzw")
    config_map = _prod()
    for model in config_map["ai-platform:models"]:
        for field in ("reference", "current"):
            model["drift"][field] = model["drift"][field].replace("-prod-", "-customer-acceptance-xyzw-")
    problems = _problems(config_map, long_stack)
    # ai-platform-customer-acceptance-xyzw-eu-central-1-inference-logs is 64 characters; eu-west-1's 61.
    assert list(problems) == ["ai-platform:regions[1].name"]
    assert "64 characters" in problems["ai-platform:regions[1].name"]


def test_inference_logs_cannot_be_kept_forever() -> None:
    config_map = _prod()
    config_map["ai-platform:storage"]["buckets"] = {"inference-logs": {"expireAfterDays": 0}}
    problems = _problems(config_map)
    assert list(problems) == ["ai-platform:storage.buckets.inference-logs.expireAfterDays"]
    config_map["ai-platform:storage"]["buckets"] = {"inference-logs": {"expireAfterDays": 120}, "models": {}}
    config_map["ai-platform:storage"]["buckets"]["datasets"] = {"expireAfterDays": 0}
    parse_platform_config(config_map, identity=PROD)


def test_stack_identity_needs_the_projects_own_stack_directory(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: other\nstackConfigDir: stacks\n", encoding="utf-8")
    assert stack_identity(tmp_path / "stacks" / "Pulumi.qa.yaml") == StackIdentity("other", "qa")
    assert stack_identity(tmp_path / "Pulumi.qa.yaml") is None  # not in the stack config directory
    assert stack_identity(ROOT / "tests" / "monitoring" / "data" / "Pulumi.fixture.yaml") is None
