"""Alertmanager receivers, SMTP and the secrets they name: the `ai-platform:monitoring` routing keys.

Credentials never appear here: a field ending in `Secret` names a key of the `ai-platform-secrets` config
namespace, set with `pulumi config set --secret ai-platform-secrets:<key> <value>` and stored encrypted.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from infra.config.base import Section
from infra.config.credentials import reject_credential

SECRETS_NAMESPACE = "ai-platform-secrets"

# A key of the secrets namespace; also a key of the Kubernetes Secret and a file name under the mount.
SecretKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=63),
    AfterValidator(reject_credential),
]
ReceiverName = Annotated[str, StringConstraints(pattern=r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
HostPort = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.-]+:\d{1,5}$")]
HttpUrl = Annotated[
    str, StringConstraints(pattern=r"^https?://[^\s/?#]+(/[^\s]*)?$"), AfterValidator(reject_credential)
]
SmtpUser = Annotated[str, StringConstraints(min_length=1, max_length=256), AfterValidator(reject_credential)]
SlackChannel = Annotated[str, StringConstraints(pattern=r"^[#@][a-z0-9._-]{1,80}$"), AfterValidator(reject_credential)]


class SmtpConfig(Section):
    """The mail relay Alertmanager sends email receivers' mail through."""

    smarthost: HostPort = Field(description="Relay as host:port.")
    from_: Email = Field(alias="from", description="Sender address of alert mail.")
    auth_username: SmtpUser | None = None
    auth_password_secret: SecretKey | None = Field(
        default=None, description="Key in ai-platform-secrets holding the relay password."
    )
    require_tls: bool = True


class EmailIntegration(Section):
    to: list[Email] = Field(min_length=1)


class SlackIntegration(Section):
    channel: SlackChannel
    webhook_url_secret: SecretKey = Field(description="Key in ai-platform-secrets holding the incoming-webhook URL.")


class PagerDutyIntegration(Section):
    routing_key_secret: SecretKey = Field(description="Key in ai-platform-secrets holding the Events v2 routing key.")


class WebhookIntegration(Section):
    url: HttpUrl = Field(description="Endpoint; must carry no credential (use bearerTokenSecret).")
    bearer_token_secret: SecretKey | None = Field(
        default=None, description="Key in ai-platform-secrets holding a bearer token sent as Authorization."
    )


class ReceiverConfig(Section):
    """A named Alertmanager receiver with one or more integrations."""

    name: ReceiverName
    email: EmailIntegration | None = None
    slack: SlackIntegration | None = None
    pagerduty: PagerDutyIntegration | None = None
    webhook: WebhookIntegration | None = None
    send_resolved: bool = True

    def secret_keys(self) -> list[str]:
        keys = [
            self.slack.webhook_url_secret if self.slack else None,
            self.pagerduty.routing_key_secret if self.pagerduty else None,
            self.webhook.bearer_token_secret if self.webhook else None,
        ]
        return [k for k in keys if k is not None]
