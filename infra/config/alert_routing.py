"""Who receives which alert: the receivers in force and the cross-field rules that hold them together.

`alertEmails` (the original key) stays valid on its own: it stands for an email receiver named `on-call`
that is also the on-call receiver. With `receivers` declared, routing is explicit and `alertEmails` is refused
(two sources for one answer). Teams without `alertReceiver`, the platform team and alerts without a known team
go to `platformReceiver`, which defaults to the on-call receiver.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from infra.config.alerting import EmailIntegration, ReceiverConfig
from infra.config.errors import ConfigProblem, key_path
from infra.config.model import MonitoringConfig, PlatformConfig

IMPLICIT_ON_CALL = "on-call"
# The generated receiver without integrations (reaches nobody): the chart's heartbeat alerts go there, and
# everything in a non-prod stack that declares no receiver. Reserved: a declared receiver cannot take the name.
UNROUTED_RECEIVER = "unrouted"


@dataclass(frozen=True)
class Routing:
    receivers: tuple[ReceiverConfig, ...]
    on_call: str | None
    platform: str | None
    teams: dict[str, str | None]  # declared team -> its receiver (None: the platform receiver)

    def team_receiver(self, team: str) -> str | None:
        return self.teams.get(team) or self.platform


def receivers(monitoring: MonitoringConfig) -> tuple[ReceiverConfig, ...]:
    if monitoring.receivers:
        return tuple(monitoring.receivers)
    if monitoring.alert_emails:
        return (ReceiverConfig(name=IMPLICIT_ON_CALL, email=EmailIntegration(to=list(monitoring.alert_emails))),)
    return ()


def resolve(config: PlatformConfig) -> Routing:
    monitoring = config.monitoring
    on_call = monitoring.on_call
    if on_call is None and not monitoring.receivers and monitoring.alert_emails:
        on_call = IMPLICIT_ON_CALL
    return Routing(
        receivers=receivers(monitoring),
        on_call=on_call,
        platform=monitoring.platform_receiver or on_call,
        teams={t.name: t.alert_receiver for t in config.teams},
    )


def secret_keys(config: PlatformConfig) -> list[str]:
    """Every key of the secrets namespace the routing reads, sorted and unique."""
    keys = {k for r in receivers(config.monitoring) for k in r.secret_keys()}
    smtp = config.monitoring.smtp
    if smtp is not None and smtp.auth_password_secret is not None:
        keys.add(smtp.auth_password_secret)
    return sorted(keys)


def _problem(path: tuple[str | int, ...], value: object, message: str) -> ConfigProblem:
    return ConfigProblem(path=key_path(path), value=value, message=message)


def check_alert_routing(config: PlatformConfig) -> Iterator[ConfigProblem]:
    monitoring = config.monitoring
    base = ("monitoring",)
    if monitoring.receivers and monitoring.alert_emails:
        yield _problem(
            (*base, "alertEmails"),
            monitoring.alert_emails,
            "alertEmails is the shorthand for a config without receivers; "
            "move the addresses into a receiver's email.to",
        )
    seen: dict[str, int] = {}
    for i, receiver in enumerate(monitoring.receivers):
        if receiver.name in seen:
            yield _problem(
                (*base, "receivers", i, "name"),
                receiver.name,
                f"receiver already declared at receivers[{seen[receiver.name]}]",
            )
        seen.setdefault(receiver.name, i)
        if receiver.name == UNROUTED_RECEIVER:
            yield _problem(
                (*base, "receivers", i, "name"), receiver.name, "reserved for the receiver that notifies nobody"
            )
        if not (receiver.email or receiver.slack or receiver.pagerduty or receiver.webhook):
            yield _problem(
                (*base, "receivers", i),
                receiver.name,
                "a receiver needs at least one integration: email, slack, pagerduty or webhook",
            )
        if receiver.email is not None and monitoring.smtp is None:
            yield _problem((*base, "smtp"), None, f"receiver {receiver.name!r} sends email: set monitoring.smtp")
    if monitoring.alert_emails and not monitoring.receivers and monitoring.smtp is None:
        yield _problem((*base, "smtp"), None, "alertEmails sends email: set monitoring.smtp")
    smtp = monitoring.smtp
    if smtp is not None and smtp.auth_password_secret is not None and smtp.auth_username is None:
        yield _problem((*base, "smtp", "authUsername"), None, "authPasswordSecret needs authUsername")
    known = sorted({r.name for r in receivers(monitoring)})
    references: list[tuple[tuple[str | int, ...], str | None]] = [
        ((*base, "onCall"), monitoring.on_call),
        ((*base, "platformReceiver"), monitoring.platform_receiver),
        *((("teams", i, "alertReceiver"), t.alert_receiver) for i, t in enumerate(config.teams)),
    ]
    for path, name in references:
        if name is not None and name not in known:
            yield _problem(path, name, f"unknown receiver; declared receivers: {known}")
    if monitoring.receivers and monitoring.on_call is None:
        yield _problem((*base, "onCall"), None, "name the receiver paged for critical alerts")
    if config.environment == "prod" and not monitoring.receivers and not monitoring.alert_emails:
        yield _problem(
            (*base, "receivers"), [], "prod needs an on-call receiver for critical alerts (receivers and onCall)"
        )
