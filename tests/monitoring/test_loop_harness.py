"""The loop harness's own rules, without binaries: how the generated Alertmanager config is adapted."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from tests.monitoring.harness import (
    GROUP_INTERVAL,
    GROUP_WAIT,
    REPEAT_INTERVAL,
    Webhook,
    alertmanager_for_test,
    receivers_with_integrations,
    wait_for,
)

GENERATED: dict[str, Any] = {
    "global": {"resolve_timeout": "5m", "smtp_smarthost": "smtp.example.com:587", "smtp_from": "a@example.com"},
    "templates": ["/etc/alertmanager/config/*.tmpl"],
    "route": {
        "receiver": "null",
        "group_wait": "30s",
        "group_interval": "5m",
        "repeat_interval": "4h",
        "routes": [
            {"receiver": "on-call", "matchers": ['severity="critical"'], "repeat_interval": "1h"},
            {"receiver": "team a", "matchers": ['team="a"'], "routes": [{"receiver": "team a", "group_wait": "1m"}]},
        ],
    },
    "inhibit_rules": [{"source_matchers": ['severity="critical"'], "target_matchers": ['severity="warning"']}],
    "receivers": [
        {"name": "null"},
        {"name": "on-call", "pagerduty_configs": [{"routing_key_file": "/etc/alertmanager/secrets/pd/key"}]},
        {"name": "team a", "email_configs": [{"to": "a@example.com"}], "webhook_configs": []},
        {"name": "empty lists", "email_configs": []},
    ],
}


def test_receivers_with_integrations_become_one_webhook_each_and_the_others_stay_silent() -> None:
    webhook = Webhook()
    try:
        out = alertmanager_for_test(GENERATED, webhook)
        by_name = {r["name"]: r for r in out["receivers"]}
        assert by_name["null"] == {"name": "null"}
        assert by_name["empty lists"] == {"name": "empty lists"}
        assert by_name["on-call"] == {
            "name": "on-call",
            "webhook_configs": [{"url": f"{webhook.base_url}/hook/on-call", "send_resolved": True}],
        }
        assert by_name["team a"]["webhook_configs"][0]["url"] == f"{webhook.base_url}/hook/team%20a"
        assert receivers_with_integrations(GENERATED) == {"on-call", "team a"}
    finally:
        webhook.stop()


def test_routes_and_inhibitions_are_kept_and_every_timer_is_shortened() -> None:
    webhook = Webhook()
    try:
        out = alertmanager_for_test(GENERATED, webhook)
    finally:
        webhook.stop()
    route = out["route"]
    assert (route["group_wait"], route["group_interval"], route["repeat_interval"]) == (
        GROUP_WAIT,
        GROUP_INTERVAL,
        REPEAT_INTERVAL,
    )
    on_call, team = route["routes"]
    assert on_call == {**GENERATED["route"]["routes"][0], "repeat_interval": REPEAT_INTERVAL}
    assert team["routes"][0]["group_wait"] == GROUP_WAIT
    assert "group_interval" not in team  # inherited, as generated
    assert out["inhibit_rules"] == GENERATED["inhibit_rules"]
    # The replaced integrations' settings go; templates would name files that exist only in the cluster.
    assert out["global"] == {"resolve_timeout": "5m"}
    assert "templates" not in out


def test_webhook_records_each_delivery_under_its_receiver() -> None:
    webhook = Webhook()
    webhook.start()
    try:
        body = json.dumps({"status": "firing", "alerts": [{"status": "firing", "labels": {"alertname": "X"}}]})
        request = urllib.request.Request(webhook.url_for("team a"), data=body.encode(), method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        notification = wait_for("the delivery", lambda: webhook.notifications, 5)[0]
        assert notification.receiver == "team a"
        assert notification.alerts[0]["labels"] == {"alertname": "X"}
    finally:
        webhook.stop()
