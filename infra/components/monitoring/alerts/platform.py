"""Cluster alerts owned by the platform team: nodes, volumes, VPC CNI addresses, the API server, the autoscaler.

Ceph / object-store health: no Ceph is deployed yet (issue 10), so nothing is generated for it.
"""

from __future__ import annotations

from typing import Any

from infra.components.monitoring import names
from infra.components.monitoring.alerts import metrics as m
from infra.components.monitoring.alerts.base import TIER_SEVERITIES, Scope, alert, eq, minutes, selector
from infra.components.monitoring.alerts.knobs import knobs
from infra.context import PLATFORM_TEAM

RUNBOOK = "platform.md"
UNREACHABLE_AFTER = "5m"
AUTOSCALER_ABSENT_AFTER = "10m"
AUTOSCALER_UNSAFE_AFTER = "15m"
# Failed scale-ups counted over this window: one failure keeps the alert up for the window.
SCALE_UP_FAILURE_WINDOW = "30m"


def platform_rules(scope: Scope) -> list[dict[str, Any]]:
    k = knobs(scope.config)
    team = PLATFORM_TEAM
    ready = selector(m.KSM_NODE_CONDITION, eq("condition", "Ready"), eq("status", "true"))
    used, capacity = m.VOLUME_USED, m.VOLUME_CAPACITY
    rules = [
        alert(
            scope,
            name="PlatformNodeNotReady",
            expr=f"{ready} == 0",
            for_=minutes(k.node_not_ready_minutes),
            severity="warning",
            team=team,
            summary="Node {{ $labels.node }} is not Ready",
            description=f"Node {{{{ $labels.node }}}} has not been Ready for {k.node_not_ready_minutes} minutes.",
            runbook=RUNBOOK,
        )
    ]
    for severity in TIER_SEVERITIES:
        share = getattr(k.pvc_fill, severity)
        rules.append(
            alert(
                scope,
                name="PlatformVolumeFillingUp",
                expr=f"{used} / {capacity} > {share}",
                for_="5m",
                severity=severity,
                team=team,
                summary="Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is filling up",
                description=(
                    "{{ $value | humanizePercentage }} of {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} "
                    f"is used ({severity} above {share:.0%})."
                ),
                runbook=RUNBOOK,
            )
        )
    for severity in TIER_SEVERITIES:
        share = getattr(k.cni_ip_exhaustion, severity)
        rules.append(
            alert(
                scope,
                name="AwsCniIpExhaustion",
                expr=f"{m.CNI_ASSIGNED} / {m.CNI_IP_MAX} > {share}",
                for_="10m",
                severity=severity,
                team=team,
                summary="Node {{ $labels.instance }} is running out of pod IP addresses",
                description=(
                    "The VPC CNI on {{ $labels.instance }} assigned {{ $value | humanizePercentage }} of the "
                    f"addresses the instance can hold ({severity} above {share:.0%}); new pods will not start."
                ),
                runbook=RUNBOOK,
            )
        )
    rules.append(
        alert(
            scope,
            name=names.CLUSTER_UNREACHABLE_ALERT,
            expr=f"absent({selector(m.UP, eq('job', m.APISERVER_JOB))} == 1)",
            for_=UNREACHABLE_AFTER,
            severity="critical",
            team=team,
            summary=f"Cluster {scope.stack}/{scope.region}: API server unreachable",
            description=(
                f"No Kubernetes API server of the {scope.region} cluster has been scraped for {UNREACHABLE_AFTER}; "
                "the region's per-service alerts are inhibited while this fires."
            ),
            labels={"region": scope.region},
            runbook=RUNBOOK,
        )
    )
    rules += autoscaler_rules(scope)
    return rules


def autoscaler_rules(scope: Scope) -> list[dict[str, Any]]:
    """Cluster Autoscaler down, stopped, or failing to add nodes: pending pods (GPU pods from zero included)
    then never get a node, and idle GPU nodes are never removed."""
    team = PLATFORM_TEAM
    return [
        alert(
            scope,
            name="ClusterAutoscalerDown",
            expr=f"absent({selector(m.UP, eq('job', m.AUTOSCALER_JOB))} == 1)",
            for_=AUTOSCALER_ABSENT_AFTER,
            severity="warning",
            team=team,
            summary=f"Cluster {scope.stack}/{scope.region}: Cluster Autoscaler is not running",
            description=(
                f"No Cluster Autoscaler of the {scope.region} cluster has been scraped for {AUTOSCALER_ABSENT_AFTER}: "
                "pending pods get no new node (GPU pools stay at zero) and idle nodes are not removed."
            ),
            labels={"region": scope.region},
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="ClusterAutoscalerUnsafe",
            expr=f"{m.CA_SAFE_TO_AUTOSCALE} == 0",
            for_=AUTOSCALER_UNSAFE_AFTER,
            severity="warning",
            team=team,
            summary=f"Cluster {scope.stack}/{scope.region}: Cluster Autoscaler has stopped scaling",
            description=(
                "Cluster Autoscaler reports the cluster unsafe to autoscale (too many unready nodes) for "
                f"{AUTOSCALER_UNSAFE_AFTER}: it adds and removes no node until the nodes recover."
            ),
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="ClusterAutoscalerScaleUpFailing",
            expr=f"increase({m.CA_FAILED_SCALE_UPS}[{SCALE_UP_FAILURE_WINDOW}]) > 0",
            for_="5m",
            severity="warning",
            team=team,
            summary="Cluster Autoscaler scale-ups fail ({{ $labels.reason }})",
            description=(
                f"{{{{ $value | humanize }}}} scale-ups failed in {SCALE_UP_FAILURE_WINDOW} "
                "(reason {{ $labels.reason }}): EC2 capacity (spot or GPU), service quotas or permissions; "
                "the pods that asked for the nodes stay pending."
            ),
            runbook=RUNBOOK,
        ),
    ]
