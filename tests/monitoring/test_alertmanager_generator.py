"""The generated alertmanager.yml: route tree, timing from routing.yaml, inhibition, credentials only as files."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from infra.components.monitoring.alertmanager import RECEIVERS_SECRET, alertmanager_config, render, values_overlay
from infra.components.monitoring.alertmanager.generate import settings
from infra.components.monitoring.names import ALERTMANAGER_SECRETS_DIR, CLUSTER_UNREACHABLE_ALERT
from infra.config import parse_platform_config
from infra.config.alert_routing import UNROUTED_RECEIVER, resolve, secret_keys
from infra.context import PLATFORM_TEAM
from tests.monitoring.alertmanager_support import STACKS, stack_config, without_routing


def _critical_route(config: dict[str, Any]) -> dict[str, Any]:
    (route,) = [r for r in config["route"]["routes"] if r.get("matchers") == ['severity="critical"']]
    return route


def _file_fields(node: Any) -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        found = [(k, v) for k, v in node.items() if k.endswith("_file")]
        return found + [f for v in node.values() for f in _file_fields(v)]
    if isinstance(node, list):
        return [f for v in node for f in _file_fields(v)]
    return []


@pytest.mark.parametrize("stack", STACKS)
def test_critical_goes_to_on_call_with_the_shorter_repeat_interval(stack: str) -> None:
    config = alertmanager_config(stack_config(stack), stack=stack)
    critical = _critical_route(config)
    on_call = resolve(stack_config(stack)).on_call
    assert critical["receiver"] == on_call
    assert critical["routes"][0] == {"receiver": on_call, "continue": True}
    assert critical["repeat_interval"] == settings()["critical"]["repeat_interval"]
    assert config["route"]["repeat_interval"] == settings()["warning"]["repeat_interval"]
    # The critical route comes before every team route: a team route cannot swallow a critical alert.
    routes = config["route"]["routes"]
    assert routes.index(critical) < min(i for i, r in enumerate(routes) if r["matchers"][0].startswith("team="))


def test_every_team_and_the_platform_team_has_a_warning_route_to_its_receiver() -> None:
    config = stack_config("prod")
    routes = {
        r["matchers"][0]: r["receiver"]
        for r in alertmanager_config(config, stack="prod")["route"]["routes"]
        if r["matchers"][0].startswith("team=")
    }
    expected = {f'team="{t.name}"': t.alert_receiver for t in config.teams}
    expected[f'team="{PLATFORM_TEAM}"'] = config.monitoring.platform_receiver
    assert routes == expected


def test_unknown_teams_fall_to_the_platform_receiver() -> None:
    assert alertmanager_config(stack_config("prod"), stack="prod")["route"]["receiver"] == "platform"


def test_group_by_alertname_and_model() -> None:
    group_by = alertmanager_config(stack_config("dev"), stack="dev")["route"]["group_by"]
    assert {"alertname", "model", "region"} <= set(group_by)


def test_critical_inhibits_the_same_checks_warning_and_cluster_unreachable_its_region() -> None:
    rules = alertmanager_config(stack_config("prod"), stack="prod")["inhibit_rules"]
    tiers, outage = rules
    assert tiers["source_matchers"] == ['severity="critical"']
    assert tiers["target_matchers"] == ['severity="warning"']
    assert {"alertname", "model", "feature", "reason", "region"} <= set(tiers["equal"])
    assert "severity" not in tiers["equal"]
    assert outage["source_matchers"] == [f'alertname="{CLUSTER_UNREACHABLE_ALERT}"']
    assert outage["equal"] == ["region"]


@pytest.mark.parametrize("stack", STACKS)
def test_credentials_are_only_files_under_the_mounted_secret(stack: str) -> None:
    config = alertmanager_config(stack_config(stack), stack=stack)
    for _, value in _file_fields(config):
        assert value.startswith(f"{ALERTMANAGER_SECRETS_DIR}/{RECEIVERS_SECRET}/")
    text = json.dumps(config)
    for forbidden in ('api_url"', 'routing_key"', 'service_key"', 'auth_password"', 'credentials"'):
        assert forbidden not in text


@pytest.mark.parametrize("stack", STACKS)
def test_the_files_the_config_reads_are_the_keys_of_the_secret(stack: str) -> None:
    config = stack_config(stack)
    files = {v.rsplit("/", 1)[1] for _, v in _file_fields(alertmanager_config(config, stack=stack))}
    assert files == set(secret_keys(config))


def test_prod_integrations_read_their_secret_files() -> None:
    config = alertmanager_config(stack_config("prod"), stack="prod")
    files = dict(_file_fields(config))
    assert files["smtp_auth_password_file"].endswith("/smtp-password")
    assert files["routing_key_file"].endswith("/pagerduty-oncall-routing-key")
    assert files["api_url_file"].split("/")[-1].startswith("slack-")


def test_a_stack_without_receivers_routes_everything_to_an_explicit_unrouted_receiver() -> None:
    config_map = without_routing("dev")
    config = alertmanager_config(parse_platform_config(config_map), stack="dev")
    assert config["route"]["receiver"] == UNROUTED_RECEIVER
    assert config["receivers"] == [{"name": UNROUTED_RECEIVER}]


def test_values_overlay_sets_the_chart_config_and_mounts_the_secret() -> None:
    overlay = values_overlay(stack_config("prod"), stack="prod")
    assert overlay["alertmanager"]["config"] == alertmanager_config(stack_config("prod"), stack="prod")
    assert overlay["alertmanager"]["alertmanagerSpec"]["secrets"] == [RECEIVERS_SECRET]


def test_render_is_the_config_as_yaml() -> None:
    assert yaml.safe_load(render(stack_config("staging"), stack="staging")) == alertmanager_config(
        stack_config("staging"), stack="staging"
    )


def test_the_charts_heartbeat_alerts_reach_nobody_but_a_critical_alert_never_stops_there() -> None:
    config = alertmanager_config(stack_config("prod"), stack="prod")
    (heartbeat,) = [r for r in config["route"]["routes"] if r["receiver"] == UNROUTED_RECEIVER]
    assert heartbeat["matchers"] == ['alertname=~"Watchdog|InfoInhibitor"', 'severity!="critical"']
    assert {"name": UNROUTED_RECEIVER} in config["receivers"]
