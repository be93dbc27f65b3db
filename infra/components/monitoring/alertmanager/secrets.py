"""Read receiver credentials from the `ai-platform-secrets` config namespace, failing `pulumi up` without them."""

from __future__ import annotations

import json
from typing import cast

import pulumi
from pulumi.output import UNKNOWN
from pulumi.runtime import config as runtime_config

from infra.config.alerting import SECRETS_NAMESPACE


def missing_secret_message(key: str) -> str:
    return (
        f"missing secret config {SECRETS_NAMESPACE}:{key}, named by ai-platform:monitoring; "
        f"set it with `pulumi config set --secret {SECRETS_NAMESPACE}:{key} <value>`"
    )


def _encrypted_in_stack_file(full_key: str) -> bool:
    """The engine marks `--secret` values; the offline runner passes the stack file's `{secure: ...}` as JSON."""
    if runtime_config.is_config_secret(full_key):
        return True
    raw = runtime_config.get_config(full_key)
    try:
        decoded = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        return False
    return isinstance(decoded, dict) and set(decoded) == {"secure"}


def read_secret(key: str) -> pulumi.Output[str]:
    """The secret's value, always marked secret. Missing: a preview (and the offline plan) goes on with an
    unknown secret value so a plan can be reviewed before credentials exist; an update stops with the key.
    Set without `--secret` (plain text in the stack file): refused, preview or not."""
    full_key = f"{SECRETS_NAMESPACE}:{key}"
    value = pulumi.Config(SECRETS_NAMESPACE).get_secret(key)
    if value is not None:
        if not _encrypted_in_stack_file(full_key):
            raise pulumi.RunError(
                f"{full_key} is stored in plain text in the stack file; remove it and set it again with "
                f"`pulumi config set --secret {full_key} <value>`"
            )
        return value
    if not pulumi.runtime.is_dry_run():
        raise pulumi.RunError(missing_secret_message(key))
    return pulumi.Output.secret(cast(str, UNKNOWN))
