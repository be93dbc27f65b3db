"""Read receiver credentials from the `ai-platform-secrets` config namespace, failing `pulumi up` without them."""

from __future__ import annotations

from typing import cast

import pulumi
from pulumi.output import UNKNOWN

from infra.config.alerting import SECRETS_NAMESPACE


def missing_secret_message(key: str) -> str:
    return (
        f"missing secret config {SECRETS_NAMESPACE}:{key}, named by ai-platform:monitoring; "
        f"set it with `pulumi config set --secret {SECRETS_NAMESPACE}:{key} <value>`"
    )


def read_secret(key: str) -> pulumi.Output[str]:
    """The secret's value, always marked secret. Missing: a preview (and the offline plan) goes on with an
    unknown secret value so a plan can be reviewed before credentials exist; an update stops with the key."""
    value = pulumi.Config(SECRETS_NAMESPACE).get_secret(key)
    if value is not None:
        return value
    if not pulumi.runtime.is_dry_run():
        raise pulumi.RunError(missing_secret_message(key))
    return pulumi.Output.secret(cast(str, UNKNOWN))
