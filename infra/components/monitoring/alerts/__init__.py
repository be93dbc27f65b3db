"""Alert rules generated from the stack config (issue 8 item 4): `rule_groups` and the `AlertRules` component.

Families, one module each: drift.py (data drift), jobs.py (drift job failed / stale), quality.py (performance,
latency, inference errors), gpu.py, platform.py. Platform knobs: defaults.yaml overridden by
`monitoring.alerts`; model thresholds: the model's `drift.thresholds`, the values its drift job uses.
"""

from infra.components.monitoring.alerts.component import AlertRules
from infra.components.monitoring.alerts.files import write_rule_files
from infra.components.monitoring.alerts.groups import BACKUPS_GROUP, GPU_GROUP, PLATFORM_GROUP, model_group, rule_groups

__all__ = [
    "BACKUPS_GROUP",
    "GPU_GROUP",
    "PLATFORM_GROUP",
    "AlertRules",
    "model_group",
    "rule_groups",
    "write_rule_files",
]
