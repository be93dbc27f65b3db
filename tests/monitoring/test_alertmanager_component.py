"""AlertRouting under mocks: the credential Secret is `[secret]` in the plan, no credential appears anywhere in the
plan, and an update without a credential stops with the key to set."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pulumi
import pytest
from pulumi.runtime import settings

from infra.components.monitoring.alertmanager import RECEIVERS_SECRET, AlertRouting
from infra.config.alert_routing import secret_keys
from infra.config.alerting import SECRETS_NAMESPACE
from infra.context import StackContext
from infra.offline.plan import plan_document
from infra.offline.recorder import RecordedResource, install
from infra.pulumi_wire import SECRET
from tests.monitoring.alertmanager_support import ROOT, stack_config

SECRET_TYPE = "kubernetes:core/v1:Secret"


def _credential(key: str) -> str:
    return f"s3cr3t-value-of-{key}-Zq81"


@pytest.fixture(autouse=True)
def _fresh_runtime() -> Iterator[None]:
    yield
    pulumi.runtime.set_all_config({})
    settings.ROOT.set(None)


def _run(
    stack: str, secrets: dict[str, str], *, preview: bool = True, encrypted: bool = True
) -> list[RecordedResource]:
    monitor = install("ai-platform", stack, ROOT)
    if not preview:  # as `pulumi up`: not a dry run
        pulumi.runtime.set_mocks(monitor.fake_cloud, project="ai-platform", stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(
        {f"{SECRETS_NAMESPACE}:{k}": v for k, v in secrets.items()},
        secret_keys=[f"{SECRETS_NAMESPACE}:{k}" for k in secrets] if encrypted else None,
    )
    ctx = StackContext(project="ai-platform", stack=stack, config=stack_config(stack))

    def program() -> None:
        AlertRouting("alert-routing", ctx=ctx)

    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
    return monitor.recorded


def _secret(recorded: list[RecordedResource]) -> RecordedResource:
    (secret,) = [r for r in recorded if r.type == SECRET_TYPE]
    return secret


def test_with_credentials_set_the_secret_holds_every_key_as_secret_and_the_plan_none_of_them() -> None:
    keys = secret_keys(stack_config("prod"))
    recorded = _run("prod", {k: _credential(k) for k in keys}, preview=False)
    secret = _secret(recorded)
    assert secret.inputs["metadata"]["name"] == RECEIVERS_SECRET
    assert secret.inputs["stringData"] == SECRET
    plan = json.dumps(plan_document(recorded, {}))
    assert not [k for k in keys if _credential(k) in plan]


def test_the_offline_plan_without_credentials_shows_them_as_secret() -> None:
    assert _secret(_run("prod", {})).inputs["stringData"] == SECRET


def test_an_update_without_a_credential_fails_naming_the_key() -> None:
    keys = secret_keys(stack_config("prod"))
    present = {k: _credential(k) for k in keys if k != "smtp-password"}
    with pytest.raises(pulumi.RunError, match=f"{SECRETS_NAMESPACE}:smtp-password.*pulumi config set --secret"):
        _run("prod", present, preview=False)


def test_a_stack_without_credentials_still_gets_an_empty_secret_to_mount() -> None:
    assert "stringData" not in _secret(_run("dev", {})).inputs


def test_a_credential_set_without_secret_is_refused_even_in_a_preview() -> None:
    keys = secret_keys(stack_config("prod"))
    with pytest.raises(pulumi.RunError, match=f"{SECRETS_NAMESPACE}:{keys[0]} is stored in plain text"):
        _run("prod", {keys[0]: _credential(keys[0])}, encrypted=False)


def test_the_offline_plan_accepts_the_stack_files_encrypted_values() -> None:
    keys = secret_keys(stack_config("prod"))
    ciphertext = json.dumps({"secure": "v1:abc"})
    recorded = _run("prod", dict.fromkeys(keys, ciphertext), encrypted=False)
    assert _secret(recorded).inputs["stringData"] == SECRET
