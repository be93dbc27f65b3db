"""The generator: thresholds come from the config the drift job reads, and every alert is routable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from drift_jobs.config import parse_config
from drift_jobs.evaluate.metrics import effect_metrics
from drift_jobs.summarise.performance import HIGHER_IS_BETTER, PRIMARY_METRIC

from drift_jobs import contract
from infra.components.models.model_cards import drift_job_config
from infra.components.monitoring.alerts import BACKUPS_GROUP, GPU_GROUP, PLATFORM_GROUP, model_group, rule_groups
from infra.components.monitoring.alerts.drift import EFFECT_ALERTS, SCHEMA_ALERT, SCHEMA_REASONS
from infra.components.monitoring.alerts.jobs import stale_after_seconds
from infra.components.monitoring.alerts.knobs import default_alerts, knobs
from infra.components.monitoring.alerts.quality import TASK_METRICS
from infra.config import ConfigError, PlatformConfig, parse_platform_config
from infra.config.model import DriftThresholds, FeatureThresholds
from infra.context import PLATFORM_TEAM, StackContext
from tests.monitoring.conftest import FIXTURE_STACK, ROOT, STACKS, stack_config


def _raw(stack: str) -> dict[str, Any]:
    """A stack file's config, raw, to be changed as a user would edit it."""
    return _config_of(ROOT / "stacks" / f"Pulumi.{stack}.yaml")


def _config_of(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return dict(document["config"])


def _rules(config: PlatformConfig, stack: str, region: str, group: str, alert: str) -> list[dict[str, Any]]:
    groups = {g["name"]: g for g in rule_groups(config, stack=stack, region=region)}
    return [r for r in groups[group]["rules"] if r["alert"] == alert]


def _by_severity(rules: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["labels"]["severity"]: r for r in rules}


def test_drift_defaults_are_the_drift_jobs_own() -> None:
    thresholds = DriftThresholds()
    for metric, tiers in contract.DEFAULT_THRESHOLDS.items():
        assert getattr(thresholds, metric).model_dump() == tiers
    assert thresholds.dataset_drift_share == contract.DEFAULT_DATASET_DRIFT_SHARE


def test_changing_psi_critical_in_the_stack_file_changes_the_job_config_and_the_rule() -> None:
    raw = _raw("prod")
    model = next(m for m in raw["ai-platform:models"] if m["name"] == "fraud-scoring")
    model["drift"]["thresholds"]["psi"] = {"warning": 0.1, "critical": 0.37}
    config = parse_platform_config(raw)
    primary = config.primary_region.name

    job = parse_config(drift_job_config(StackContext("ai-platform", "prod", config), config.models[0], primary))
    assert job.thresholds.psi.critical == 0.37

    critical = _by_severity(_rules(config, "prod", primary, model_group("fraud-scoring"), "ModelFeatureDrift"))
    assert re.search(r'feature!~"merchant_category"} > 0\.37\n', critical["critical"]["expr"])
    before = _by_severity(
        _rules(stack_config("prod"), "prod", primary, model_group("fraud-scoring"), "ModelFeatureDrift")
    )
    assert "> 0.37" not in before["critical"]["expr"]


def test_the_models_schema_tiers_reach_the_job(fixture_config: PlatformConfig) -> None:
    ctx = StackContext("ai-platform", "fixture", fixture_config)
    fraud = next(m for m in fixture_config.models if m.name == "fraud")
    job = parse_config(drift_job_config(ctx, fraud, fixture_config.primary_region.name))
    assert job.schema_rules.tier("extra_column", "x") == "critical"  # the fixture's own
    assert job.schema_rules.tier("cardinality_explosion", "merchant") == "ok"  # merchant's own
    assert (
        job.schema_rules.tier("cardinality_explosion", "device")
        == contract.DEFAULT_SCHEMA_TIERS["cardinality_explosion"]
    )
    for reason in ("missing_column", "all_missing", "type_change", "nothing_evaluated"):
        assert job.schema_rules.tier(reason, "amount") == contract.DEFAULT_SCHEMA_TIERS[reason]


def test_the_job_config_carries_every_threshold_the_rules_use(stack_configs: dict[str, PlatformConfig]) -> None:
    for stack, config in stack_configs.items():
        ctx = StackContext("ai-platform", stack, config)
        for model in config.models:
            job = parse_config(drift_job_config(ctx, model, config.primary_region.name))
            thresholds = model.drift.thresholds
            assert job.thresholds.missing_share_increase.critical == thresholds.missing_share_increase.critical
            assert job.thresholds.dataset_drift_share == thresholds.dataset_drift_share
            for effect in EFFECT_ALERTS:
                model_wide = job.thresholds.model_wide(effect.metric)
                assert model_wide is not None
                assert model_wide.critical == getattr(thresholds, effect.metric).critical
            for feature, override in thresholds.features.items():
                for metric in (*(e.metric for e in EFFECT_ALERTS), "missing_share_increase"):
                    band = getattr(override, metric)
                    if band is not None:
                        tier = job.thresholds.for_feature(feature, metric)
                        assert tier is not None and (tier.warning, tier.critical) == (band.warning, band.critical)


def test_every_tiered_effect_size_has_a_band_an_override_and_an_alert() -> None:
    # A metric the job tiers by default but no alert reads pages nobody (KS and Wasserstein did, once).
    tiered = {m.name for m in effect_metrics() if m.default_tiers is not None}
    assert {e.metric for e in EFFECT_ALERTS} == tiered
    for effect in EFFECT_ALERTS:
        assert effect.metric in DriftThresholds.model_fields, effect.metric
        assert effect.metric in FeatureThresholds.model_fields, effect.metric
        assert effect.metric in contract.FEATURE_THRESHOLD_METRICS
    assert len({e.alert for e in EFFECT_ALERTS}) == len(EFFECT_ALERTS)
    assert next(e.alert for e in EFFECT_ALERTS if e.metric == "psi") == "ModelFeatureDrift"  # silences match it


def test_every_schema_reason_of_the_job_is_explained() -> None:
    assert set(SCHEMA_REASONS) == set(contract.DEFAULT_SCHEMA_TIERS)


def test_a_ks_feature_override_reaches_the_job_and_the_rule(fixture_config: PlatformConfig) -> None:
    model = next(m for m in fixture_config.models if m.name == "fraud")
    ctx = StackContext("ai-platform", "fixture", fixture_config)
    raw = drift_job_config(ctx, model, "eu-west-1")
    assert raw["thresholds"]["features"]["balance"] == {"ks_statistic": {"warning": 0.15, "critical": 0.25}}
    job = parse_config(raw)
    balance = job.thresholds.for_feature("balance", "ks_statistic")
    assert balance is not None and (balance.warning, balance.critical) == (0.15, 0.25)
    amount = job.thresholds.for_feature("amount", "ks_statistic")
    assert (
        amount is not None
        and {"warning": amount.warning, "critical": amount.critical} == (contract.DEFAULT_THRESHOLDS["ks_statistic"])
    )
    rules = _by_severity(_rules(fixture_config, "fixture", "eu-west-1", model_group("fraud"), "ModelFeatureDriftKS"))
    assert re.findall(r"model_drift_ks_statistic\{[^}]*\} > [0-9.]+", rules["critical"]["expr"]) == [
        'model_drift_ks_statistic{model="fraud", region="eu-west-1", feature!~"balance"} > 0.12',
        'model_drift_ks_statistic{model="fraud", region="eu-west-1", feature="balance"} > 0.25',
    ]


def test_a_feature_override_gets_its_own_threshold_and_leaves_the_models_band(fixture_config: PlatformConfig) -> None:
    rules = _by_severity(_rules(fixture_config, "fixture", "eu-west-1", model_group("fraud"), "ModelFeatureDrift"))
    expr = rules["warning"]["expr"]
    # Two branches: every feature but merchant on the model's 0.1, merchant on its own 0.3; none matched twice.
    assert re.findall(r"model_drift_psi\{[^}]*\} > [0-9.]+", expr) == [
        'model_drift_psi{model="fraud", region="eu-west-1", feature!~"merchant"} > 0.1',
        'model_drift_psi{model="fraud", region="eu-west-1", feature="merchant"} > 0.3',
    ]


@pytest.mark.parametrize(("frequency", "seconds"), [("daily", 172_800), ("weekly", 1_209_600), ("monthly", 5_356_800)])
def test_stale_window_is_twice_the_frequencys_period(
    fixture_config: PlatformConfig, frequency: str, seconds: int
) -> None:
    raw = _config_of(FIXTURE_STACK)
    # fraud is limited-risk real-time: daily is required; a batch model may run less often.
    demand = next(m for m in raw["ai-platform:models"] if m["name"] == "demand")
    demand["riskClass"] = "minimal"
    demand["drift"]["frequency"] = frequency
    config = parse_platform_config(raw)
    model = next(m for m in config.models if m.name == "demand")
    assert stale_after_seconds(model) == seconds
    (stale,) = _rules(config, "fixture", "eu-west-1", model_group("demand"), "DriftJobStale")
    assert stale["expr"].count(f"> {seconds}") == 2


def test_model_alerts_page_the_owner_and_shared_alerts_the_platform_team(
    all_alerts: list[tuple[str, str, dict[str, Any]]], stack_configs: dict[str, PlatformConfig]
) -> None:
    owners = {m.name: m.owner for config in stack_configs.values() for m in config.models}
    for _, _, rule in all_alerts:
        model = rule["labels"].get("model")
        assert rule["labels"]["team"] == (owners[model] if model else PLATFORM_TEAM), rule["alert"]


def test_every_alert_has_severity_team_and_annotations(all_alerts: list[tuple[str, str, dict[str, Any]]]) -> None:
    for stack, region, rule in all_alerts:
        assert rule["labels"]["severity"] in ("warning", "critical"), (stack, region, rule["alert"])
        assert rule["labels"]["team"]
        assert set(rule["annotations"]) == {"summary", "description", "runbook_url"}
        assert all(rule["annotations"].values())
        assert "for" in rule


def test_drift_alerts_fire_on_one_sample(all_alerts: list[tuple[str, str, dict[str, Any]]]) -> None:
    names = {*(e.alert for e in EFFECT_ALERTS), "ModelMissingShareIncrease", "ModelDatasetDrift", SCHEMA_ALERT}
    assert names >= {"ModelFeatureDrift", "ModelFeatureDriftKS", "ModelFeatureDriftWasserstein", "ModelSchemaIssue"}
    drift = [r for _, _, r in all_alerts if r["alert"] in names]
    assert {r["alert"] for r in drift} == names
    assert all(r["for"] == "0s" for r in drift)


def test_standby_regions_get_no_model_groups(stack_configs: dict[str, PlatformConfig]) -> None:
    for stack, config in stack_configs.items():
        for region in config.regions:
            names = [g["name"] for g in rule_groups(config, stack=stack, region=region.name)]
            expected_models = [model_group(m.name) for m in sorted(config.models, key=lambda m: m.name)]
            assert names == (expected_models if region.role == "primary" else []) + [
                GPU_GROUP,
                PLATFORM_GROUP,
                BACKUPS_GROUP,
            ]


def test_the_prod_plan_has_every_family_for_every_model(stack_configs: dict[str, PlatformConfig]) -> None:
    config = stack_configs["prod"]
    groups = {g["name"]: g for g in rule_groups(config, stack="prod", region=config.primary_region.name)}
    for model in config.models:
        alerts = {r["alert"] for r in groups[model_group(model.name)]["rules"]}
        assert {"ModelFeatureDrift", "DriftJobStale", "ModelPerformanceDrop", "ModelLatencyIncrease"} <= alerts
    assert {"GpuXidError", "GpuPodPending", "DcgmExporterDown"} <= {r["alert"] for r in groups[GPU_GROUP]["rules"]}


def test_monitoring_alerts_override_the_yaml_defaults(fixture_config: PlatformConfig) -> None:
    defaults = default_alerts()
    assert all(value is not None for _, value in defaults)
    effective = knobs(fixture_config)
    assert effective.gpu_pending_minutes == 10 != defaults.gpu_pending_minutes
    assert effective.gpu_idle_minutes == defaults.gpu_idle_minutes
    (pending,) = _rules(fixture_config, "fixture", "eu-west-1", GPU_GROUP, "GpuPodPending")
    assert pending["for"] == "10m"


def test_an_inverted_alert_band_is_a_config_error() -> None:
    raw = _raw("dev")
    raw["ai-platform:monitoring"] = {"alerts": {"pvcFill": {"warning": 0.9, "critical": 0.8}}}
    with pytest.raises(ConfigError, match="pvcFill"):
        parse_platform_config(raw)


@pytest.mark.parametrize(
    ("thresholds", "path"),
    [
        ({"psi": {"warning": 0.3, "critical": 0.2}}, "thresholds.psi.critical"),
        ({"ksStatistic": {"warning": 0.2, "critical": 0.1}}, "thresholds.ksStatistic.critical"),
        ({"wassersteinNormalized": {"warning": 0.3, "critical": 0.2}}, "thresholds.wassersteinNormalized.critical"),
        ({"features": {"amount": {"ksStatistic": {"warning": 0.2, "critical": 0.1}}}}, "amount.ksStatistic.critical"),
    ],
)
def test_an_inverted_drift_band_is_a_config_error_naming_it(thresholds: dict[str, Any], path: str) -> None:
    """The job refuses an inverted band at run time (exit 2); the stack file must refuse it before deploying."""
    raw = _raw("dev")
    raw["ai-platform:models"][0]["drift"]["thresholds"] = thresholds
    with pytest.raises(ConfigError, match=re.escape(path)):
        parse_platform_config(raw)


def test_drift_metric_names_come_from_the_contract(all_alerts: list[tuple[str, str, dict[str, Any]]]) -> None:
    drift_names = set(re.findall(r"\b(model_[a-z_]+|drift_job_[a-z_]+)\{", _all_exprs(all_alerts)))
    drift_names -= {"model_inference_requests_total"}  # the serving contract, names.py
    assert drift_names and drift_names <= set(contract.METRICS)


def _all_exprs(all_alerts: list[tuple[str, str, dict[str, Any]]]) -> str:
    return "\n".join(str(rule["expr"]) for _, _, rule in all_alerts)


@pytest.mark.parametrize("stack", STACKS)
def test_rule_groups_rejects_a_region_outside_the_stack(stack: str) -> None:
    with pytest.raises(ValueError, match="not a region"):
        rule_groups(stack_config(stack), stack=stack, region="ap-south-1")


def test_performance_metrics_are_the_ones_the_job_measures() -> None:
    for task, metrics in TASK_METRICS.items():
        assert PRIMARY_METRIC[task] in metrics
        assert set(metrics) <= set(HIGHER_IS_BETTER)
