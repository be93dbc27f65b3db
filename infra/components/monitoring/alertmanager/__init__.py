"""Alertmanager routing generated from the stack config (issue 8 item 5; docs/monitoring.md, "Alert routing")."""

from infra.components.monitoring.alertmanager.component import AlertRouting, values_overlay
from infra.components.monitoring.alertmanager.generate import (
    RECEIVERS_SECRET,
    alertmanager_config,
    render,
    secret_file,
)

__all__ = ["RECEIVERS_SECRET", "AlertRouting", "alertmanager_config", "render", "secret_file", "values_overlay"]
