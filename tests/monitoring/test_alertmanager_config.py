"""Receivers in the stack config: references checked, inline credentials refused, the old key still valid."""

from __future__ import annotations

from typing import Any

import pytest

from infra.config import ConfigError, parse_platform_config
from infra.config.alert_routing import IMPLICIT_ON_CALL, resolve, secret_keys
from infra.config.credentials import credential_reason
from tests.monitoring.alertmanager_support import STACKS, stack_config, stack_map, without_routing

SMTP = {"smarthost": "smtp.example.com:587", "from": "am@example.com"}


def _problems(monitoring: dict[str, Any], *, stack: str = "dev", teams: Any = None) -> list[str]:
    config = stack_map(stack)
    config["ai-platform:monitoring"] = monitoring
    if teams is not None:
        config["ai-platform:teams"] = teams
    with pytest.raises(ConfigError) as caught:
        parse_platform_config(config)
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_has_an_on_call_receiver(stack: str) -> None:
    routing = resolve(stack_config(stack))
    assert routing.on_call in {r.name for r in routing.receivers}


def test_prod_pages_with_pagerduty_and_teams_have_their_own_receivers() -> None:
    config = stack_config("prod")
    routing = resolve(config)
    on_call = next(r for r in routing.receivers if r.name == routing.on_call)
    assert on_call.pagerduty is not None and on_call.email is not None
    assert all(routing.teams[t.name] not in (None, routing.on_call) for t in config.teams)


def test_alert_emails_alone_still_make_an_email_on_call_receiver() -> None:
    config = without_routing("dev")
    config["ai-platform:monitoring"] = {"alertEmails": ["oncall@example.com"], "smtp": SMTP}
    routing = resolve(parse_platform_config(config))
    assert routing.on_call == IMPLICIT_ON_CALL
    (receiver,) = routing.receivers
    assert receiver.email is not None and receiver.email.to == ["oncall@example.com"]


def test_unknown_receiver_names_are_config_errors_with_their_key_path() -> None:
    teams = stack_map("dev")["ai-platform:teams"]
    teams[0]["alertReceiver"] = "ml-reserch"
    problems = _problems(
        {
            "receivers": [{"name": "ops", "webhook": {"url": "http://sink.example.com/alerts"}}],
            "onCall": "opps",
            "platformReceiver": "platfrom",
        },
        teams=teams,
    )
    assert any(p.startswith("ai-platform:monitoring.onCall: unknown receiver") for p in problems), problems
    assert any(p.startswith("ai-platform:monitoring.platformReceiver: unknown receiver") for p in problems)
    assert any(p.startswith("ai-platform:teams[0].alertReceiver: unknown receiver") for p in problems)
    assert all("['ops']" in p for p in problems)


@pytest.mark.parametrize(
    ("receiver", "path"),
    [
        (
            {"name": "t", "webhook": {"url": "https://alerts.example.com/hook?token=abc"}},
            "receivers[0].webhook.url",
        ),
        ({"name": "t", "webhook": {"url": "https://user:pw@alerts.example.com/hook"}}, "receivers[0].webhook.url"),
        (
            {"name": "t", "webhook": {"url": "https://alerts.example.com/v1/9f8e7d6c5b4a39281706f5e4d3c2b1a0"}},
            "receivers[0].webhook.url",
        ),
        (
            {"name": "t", "slack": {"channel": "#x", "webhookUrlSecret": "https://hooks.slack.com/services/T0/B0/x"}},
            "receivers[0].slack.webhookUrlSecret",
        ),
        (
            {"name": "t", "pagerduty": {"routingKeySecret": "e93facc04764012d7bfb002500d5d1a6"}},
            "receivers[0].pagerduty.routingKeySecret",
        ),
    ],
)
def test_inline_credentials_are_refused_at_their_key_path(receiver: dict[str, Any], path: str) -> None:
    problems = _problems({"receivers": [receiver], "onCall": "t"})
    assert any(p.startswith(f"ai-platform:monitoring.{path}: ") for p in problems), problems


def test_a_credential_in_the_smtp_user_is_refused() -> None:
    problems = _problems({"smtp": {**SMTP, "authUsername": "AKIAIOSFODNN7EXAMPLE"}, "alertEmails": ["a@example.com"]})
    refused = "ai-platform:monitoring.smtp.authUsername: looks like an inline credential"
    assert any(p.startswith(refused) for p in problems), problems


@pytest.mark.parametrize(
    "text",
    [
        "slack-ml-research-webhook",
        "pagerduty-oncall-routing-key",
        "http://alert-sink.ai-platform-system.svc:8080/alerts",
    ],
)
def test_secret_names_and_plain_urls_are_not_mistaken_for_credentials(text: str) -> None:
    assert credential_reason(text) is None


def test_email_receivers_need_smtp_and_receivers_need_an_integration() -> None:
    problems = _problems(
        {"receivers": [{"name": "a", "email": {"to": ["a@example.com"]}}, {"name": "b"}], "onCall": "a"}
    )
    assert any(p.startswith("ai-platform:monitoring.smtp: receiver 'a' sends email") for p in problems), problems
    needs = "ai-platform:monitoring.receivers[1]: a receiver needs at least one integration"
    assert any(p.startswith(needs) for p in problems), problems


def test_the_unrouted_receiver_name_is_reserved() -> None:
    problems = _problems({"receivers": [{"name": "unrouted", "webhook": {"url": "http://sink.example.com/"}}]})
    assert any(p.startswith("ai-platform:monitoring.receivers[0].name: reserved") for p in problems), problems


def test_receivers_and_alert_emails_together_are_refused() -> None:
    problems = _problems(
        {
            "alertEmails": ["a@example.com"],
            "receivers": [{"name": "a", "webhook": {"url": "http://sink.example.com/"}}],
            "onCall": "a",
        }
    )
    assert [p for p in problems if p.startswith("ai-platform:monitoring.alertEmails: ")], problems


def test_declared_receivers_need_an_on_call_and_prod_needs_a_receiver() -> None:
    assert any(
        p.startswith("ai-platform:monitoring.onCall: name the receiver")
        for p in _problems({"receivers": [{"name": "a", "webhook": {"url": "http://sink.example.com/"}}]})
    )
    assert any(p.startswith("ai-platform:monitoring.receivers: prod needs") for p in _problems({}, stack="prod"))


def test_secret_keys_are_every_secret_the_routing_names() -> None:
    assert secret_keys(stack_config("prod")) == [
        "pagerduty-oncall-routing-key",
        "slack-ml-research-webhook",
        "slack-platform-webhook",
        "slack-risk-models-webhook",
        "smtp-password",
    ]
