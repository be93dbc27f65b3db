"""alertmanager.yml from the stack config: receivers, the team/severity route tree and inhibition.

The tree (first match wins unless `continue`):
  root                      -> platform receiver (alerts without a known team)
  ├─ alertname=~"Watchdog|InfoInhibitor", severity!="critical" -> unrouted (the chart's heartbeat alerts)
  ├─ severity="critical"    -> on-call, fast timing
  │   ├─ (every alert)      -> on-call, continue
  │   └─ team="<t>"         -> <t>'s receiver, when that is not the on-call receiver (the owner hears of it too)
  └─ team="<t>"             -> <t>'s receiver (warnings), for every declared team and the platform team
Credentials are `*_file` paths under names.ALERTMANAGER_SECRETS_DIR/<RECEIVERS_SECRET>/<key>; the files are the
keys of the Secret that AlertRouting creates from the `ai-platform-secrets` config namespace.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from infra.components.monitoring.names import ALERTMANAGER_SECRETS_DIR, CLUSTER_UNREACHABLE_ALERT
from infra.config.alert_routing import UNROUTED_RECEIVER, Routing, resolve
from infra.config.alerting import ReceiverConfig, SmtpConfig
from infra.config.model import PlatformConfig
from infra.context import PLATFORM_TEAM

# The Kubernetes Secret holding every receiver credential (one key per ai-platform-secrets key).
RECEIVERS_SECRET = "alertmanager-receivers"
SEVERITY_LABEL = "severity"
TEAM_LABEL = "team"


@functools.cache
def settings() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(Path(__file__).with_name("routing.yaml").read_text(encoding="utf-8"))
    return loaded


def secret_file(key: str) -> str:
    return f"{ALERTMANAGER_SECRETS_DIR}/{RECEIVERS_SECRET}/{key}"


def _timing(tier: str) -> dict[str, str]:
    return {k: str(v) for k, v in settings()[tier].items()}


def _global(smtp: SmtpConfig | None) -> dict[str, Any]:
    result: dict[str, Any] = {"resolve_timeout": settings()["resolve_timeout"]}
    if smtp is not None:
        result |= {"smtp_smarthost": smtp.smarthost, "smtp_from": smtp.from_, "smtp_require_tls": smtp.require_tls}
        if smtp.auth_username is not None:
            result["smtp_auth_username"] = smtp.auth_username
        if smtp.auth_password_secret is not None:
            result["smtp_auth_password_file"] = secret_file(smtp.auth_password_secret)
    return result


def _receiver(receiver: ReceiverConfig) -> dict[str, Any]:
    templates = settings()["templates"]
    resolved = receiver.send_resolved
    result: dict[str, Any] = {"name": receiver.name}
    if receiver.email is not None:
        result["email_configs"] = [{"to": ", ".join(receiver.email.to), "send_resolved": resolved}]
    if receiver.slack is not None:
        result["slack_configs"] = [
            {
                "api_url_file": secret_file(receiver.slack.webhook_url_secret),
                "channel": receiver.slack.channel,
                "send_resolved": resolved,
                "title": templates["title"],
                "text": templates["text"],
            }
        ]
    if receiver.pagerduty is not None:
        result["pagerduty_configs"] = [
            {
                "routing_key_file": secret_file(receiver.pagerduty.routing_key_secret),
                "send_resolved": resolved,
                "description": templates["title"],
                "severity": templates["pagerduty_severity"],
            }
        ]
    if receiver.webhook is not None:
        webhook: dict[str, Any] = {"url": receiver.webhook.url, "send_resolved": resolved}
        if receiver.webhook.bearer_token_secret is not None:
            # Alertmanager 0.25 (Debian) has no webhook url_file: the URL stays plain, the token is a file.
            webhook["http_config"] = {
                "authorization": {
                    "type": "Bearer",
                    "credentials_file": secret_file(receiver.webhook.bearer_token_secret),
                }
            }
        result["webhook_configs"] = [webhook]
    return result


def _teams(config: PlatformConfig) -> list[str]:
    names = [t.name for t in config.teams]
    return sorted({*names, PLATFORM_TEAM})


def _matcher(label: str, value: str) -> str:
    return f'{label}="{value}"'


def _routes(config: PlatformConfig, routing: Routing) -> dict[str, Any]:
    on_call = routing.on_call or UNROUTED_RECEIVER
    platform = routing.platform or on_call

    def team_receiver(team: str) -> str:
        return routing.teams.get(team) or platform

    critical_children: list[dict[str, Any]] = [{"receiver": on_call, "continue": True}]
    critical_children += [
        {"matchers": [_matcher(TEAM_LABEL, team)], "receiver": team_receiver(team)}
        for team in _teams(config)
        if team_receiver(team) != on_call
    ]
    team_routes = [
        {"matchers": [_matcher(TEAM_LABEL, team)], "receiver": team_receiver(team)} for team in _teams(config)
    ]
    heartbeats = "|".join(settings()["unrouted_alertnames"])
    return {
        "receiver": platform,
        "group_by": list(settings()["group_by"]),
        **_timing("warning"),
        "routes": [
            # Never a critical alert: a rule named like a heartbeat must still page (the gate checks this).
            {
                "matchers": [f'alertname=~"{heartbeats}"', f'{SEVERITY_LABEL}!="critical"'],
                "receiver": UNROUTED_RECEIVER,
            },
            {
                "matchers": [_matcher(SEVERITY_LABEL, "critical")],
                "receiver": on_call,
                **_timing("critical"),
                "routes": critical_children,
            },
            *team_routes,
        ],
    }


def _inhibit_rules() -> list[dict[str, Any]]:
    return [
        {
            "source_matchers": [_matcher(SEVERITY_LABEL, "critical")],
            "target_matchers": [_matcher(SEVERITY_LABEL, "warning")],
            "equal": list(settings()["inhibit_equal"]),
        },
        {
            "source_matchers": [_matcher("alertname", CLUSTER_UNREACHABLE_ALERT)],
            "target_matchers": [f'alertname!="{CLUSTER_UNREACHABLE_ALERT}"'],
            "equal": list(settings()["cluster_unreachable_equal"]),
        },
    ]


def alertmanager_config(config: PlatformConfig, *, stack: str) -> dict[str, Any]:
    """alertmanager.yml as a dict; credentials only as *_file paths under names.ALERTMANAGER_SECRETS_DIR."""
    del stack  # one config per stack: the stack is in every alert's external labels, not in the routing
    routing = resolve(config)
    receivers = [_receiver(r) for r in routing.receivers]
    receivers.append({"name": UNROUTED_RECEIVER})
    return {
        "global": _global(config.monitoring.smtp),
        "route": _routes(config, routing),
        "inhibit_rules": _inhibit_rules(),
        "receivers": receivers,
        "templates": [],
    }


def render(config: PlatformConfig, *, stack: str) -> str:
    """The YAML text written to build/<stack>/alertmanager.yaml and checked by amtool."""
    header = f"# Generated from stacks/Pulumi.{stack}.yaml by infra/components/monitoring/alertmanager; do not edit.\n"
    return header + yaml.safe_dump(alertmanager_config(config, stack=stack), sort_keys=False, width=120)


def write_file(config: PlatformConfig, *, stack: str, out_dir: Path) -> Path:
    """`make plan` writes the generated config next to plan.json, for review and for amtool."""
    path = out_dir / "alertmanager.yaml"
    path.write_text(render(config, stack=stack), encoding="utf-8")
    return path
