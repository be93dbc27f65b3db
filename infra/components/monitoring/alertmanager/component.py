"""AlertRouting: the Secret with the receivers' credentials and the kube-prometheus-stack values that use it."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from infra.components.monitoring.alertmanager.generate import RECEIVERS_SECRET, alertmanager_config
from infra.components.monitoring.alertmanager.secrets import read_secret
from infra.components.monitoring.names import MONITORING_NAMESPACE
from infra.config.alert_routing import secret_keys
from infra.config.model import PlatformConfig
from infra.context import StackContext


def values_overlay(config: PlatformConfig, *, stack: str) -> dict[str, Any]:
    """kube-prometheus-stack values: the generated config and the Secret mounted at names.ALERTMANAGER_SECRETS_DIR."""
    return {
        "alertmanager": {
            "config": alertmanager_config(config, stack=stack),
            "alertmanagerSpec": {"secrets": [RECEIVERS_SECRET]},
        }
    }


class AlertRouting(pulumi.ComponentResource):
    """Creates the receivers' credential Secret in the monitoring namespace (the namespace must exist: pass it
    in opts.depends_on) and exposes `values_overlay` for the kube-prometheus-stack release.

    The Secret always exists, even without credentials, so the Alertmanager pods never wait on a missing mount.
    """

    def __init__(self, name: str, *, ctx: StackContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ai-platform:monitoring:AlertRouting", name, None, opts)
        self.secret = k8s.core.v1.Secret(
            f"{name}-receivers",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=RECEIVERS_SECRET,
                namespace=MONITORING_NAMESPACE,
                labels={"app.kubernetes.io/component": "alertmanager", "app.kubernetes.io/managed-by": "pulumi"},
            ),
            type="Opaque",
            # The SDK marks the whole map secret: the plan shows `[secret]`, never a key's value.
            string_data={key: read_secret(key) for key in secret_keys(ctx.config)} or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.values_overlay: pulumi.Output[dict[str, Any]] = pulumi.Output.from_input(
            values_overlay(ctx.config, stack=ctx.stack)
        )
        self.register_outputs({"secret": self.secret.metadata.name})
