"""Join: every metric an alert rule reads is one the platform produces (the metric catalogue).

A rule on a metric nothing exports never fires; this is the failure mode that makes monitoring
look complete while it watches nothing.
"""

from __future__ import annotations

import pytest

from infra.components.monitoring.alerts import rule_groups
from infra.components.monitoring.catalog import produced_metrics
from infra.components.monitoring.promql import metric_names
from tests.monitoring.conftest import STACKS, stack_config


@pytest.mark.parametrize("stack", STACKS)
def test_every_rule_reads_only_produced_metrics(stack: str) -> None:
    config = stack_config(stack)
    known = produced_metrics()
    unknown = {
        f"{region.name}/{group['name']}/{rule.get('alert') or rule.get('record')}: {name}"
        for region in config.regions
        for group in rule_groups(config, stack=stack, region=region.name)
        for rule in group["rules"]
        for name in metric_names(rule["expr"]) - known
    }
    assert not unknown, f"rules read metrics nothing in the platform produces: {sorted(unknown)}"


def test_the_join_sees_the_rules_metrics() -> None:
    # Guards the test above against an extractor that finds nothing (it would pass vacuously).
    config = stack_config("prod")
    names = {
        name
        for group in rule_groups(config, stack="prod", region=config.primary_region.name)
        for rule in group["rules"]
        for name in metric_names(rule["expr"])
    }
    assert {"model_drift_psi", "DCGM_FI_DEV_XID_ERRORS", "kube_node_status_condition"} <= names
