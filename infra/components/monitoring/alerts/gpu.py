"""GPU alerts from NVIDIA dcgm-exporter and kube-state-metrics; owned by the platform team."""

from __future__ import annotations

from typing import Any

from infra.components.monitoring import names
from infra.components.monitoring.alerts import metrics as m
from infra.components.monitoring.alerts.base import TIER_SEVERITIES, Scope, alert, eq, minutes, selector
from infra.components.monitoring.alerts.knobs import knobs
from infra.context import PLATFORM_TEAM

RUNBOOK = "gpu.md"
# XIDs after which the GPU needs a reset or replacement (NVIDIA XID catalogue): 48 double-bit ECC,
# 63/64 row remapping, 74 NVLink, 79 fallen off the bus, 94/95 contained/uncontained ECC, 119/120 GSP.
FATAL_XIDS = (48, 63, 64, 74, 79, 94, 95, 119, 120)
EXPORTER_GRACE = "10m"
THROTTLE_WINDOW = "10m"
# The violation counters count microseconds of throttling.
MICROSECONDS = 1_000_000


def gpu_rules(scope: Scope) -> list[dict[str, Any]]:
    k = knobs(scope.config)
    team = PLATFORM_TEAM
    exporter_up = selector(m.UP, eq("job", names.DCGM_EXPORTER_RELEASE))
    gpu_nodes = selector(m.KSM_NODE_CAPACITY, eq("resource", m.GPU_RESOURCE))
    xid = m.DCGM_XID
    fatal = " or ".join(f"{xid} == {code}" for code in FATAL_XIDS)
    used, free = m.DCGM_FB_USED, m.DCGM_FB_FREE
    rules = [
        alert(
            scope,
            name="DcgmExporterDown",
            expr=f"{exporter_up} == 0",
            for_=EXPORTER_GRACE,
            severity="warning",
            team=team,
            summary="DCGM exporter target {{ $labels.instance }} is down",
            description="Prometheus cannot scrape the DCGM exporter at {{ $labels.instance }}: its GPUs are unwatched.",
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="GpuNodesUnmonitored",
            expr=f"count({gpu_nodes} > 0) > (count({exporter_up} == 1) or vector(0))",
            for_=EXPORTER_GRACE,
            severity="warning",
            team=team,
            summary="GPU nodes without a running DCGM exporter",
            description="{{ $value }} GPU nodes but fewer DCGM exporters up: some GPUs report no health or use.",
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="GpuXidError",
            expr=f"{xid} > 0 unless ({fatal})",
            severity="warning",
            team=team,
            summary="GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported XID {{ $value }}",
            description="The driver reported XID {{ $value }} on GPU {{ $labels.gpu }} ({{ $labels.modelName }}).",
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="GpuXidError",
            expr=fatal,
            severity="critical",
            team=team,
            summary="GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported fatal XID {{ $value }}",
            description="XID {{ $value }} on GPU {{ $labels.gpu }}: the GPU needs a reset or the node a drain.",
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="GpuEccDoubleBitErrors",
            expr=f"{m.DCGM_ECC_DBE} > 0",
            severity="critical",
            team=team,
            summary="GPU {{ $labels.gpu }} on {{ $labels.Hostname }} has uncorrectable ECC errors",
            description="{{ $value }} double-bit ECC errors since the driver loaded: results on this GPU are suspect.",
            runbook=RUNBOOK,
        ),
        alert(
            scope,
            name="GpuRowRemapFailure",
            expr=f"{m.DCGM_ROW_REMAP_FAILURE} > 0",
            severity="critical",
            team=team,
            summary="GPU {{ $labels.gpu }} on {{ $labels.Hostname }} failed to remap memory rows",
            description="Row remapping failed: the GPU has no spare rows left and must be replaced.",
            runbook=RUNBOOK,
        ),
    ]
    for name, counter, cause in (
        ("GpuThermalThrottling", m.DCGM_THERMAL_VIOLATION, "thermal"),
        ("GpuPowerThrottling", m.DCGM_POWER_VIOLATION, "power"),
    ):
        rules.append(
            alert(
                scope,
                name=name,
                expr=f"rate({counter}[{THROTTLE_WINDOW}]) / {MICROSECONDS} > {k.gpu_throttle_share}",
                for_=THROTTLE_WINDOW,
                severity="warning",
                team=team,
                summary=f"GPU {{{{ $labels.gpu }}}} on {{{{ $labels.Hostname }}}} is {cause} throttled",
                description=(
                    f"GPU {{{{ $labels.gpu }}}} spent {{{{ $value | humanizePercentage }}}} of the last "
                    f"{THROTTLE_WINDOW} {cause} throttled (limit {k.gpu_throttle_share:.0%})."
                ),
                runbook=RUNBOOK,
            )
        )
    for severity in TIER_SEVERITIES:
        share = getattr(k.gpu_memory_saturation, severity)
        rules.append(
            alert(
                scope,
                name="GpuMemorySaturation",
                expr=f"{used} / ({used} + {free}) > {share}",
                for_="5m",
                severity=severity,
                team=team,
                summary=f"GPU {{{{ $labels.gpu }}}} on {{{{ $labels.Hostname }}}} memory is nearly full ({severity})",
                description=(
                    f"{{{{ $value | humanizePercentage }}}} of GPU {{{{ $labels.gpu }}}}'s memory is used "
                    f"({severity} above {share:.0%}); the next allocation may fail with out-of-memory."
                ),
                runbook=RUNBOOK,
            )
        )
    util = selector(m.DCGM_GPU_UTIL, f'{m.DCGM_POD_LABEL}!=""')
    rules.append(
        alert(
            scope,
            name="GpuAllocatedIdle",
            expr=f"avg_over_time({util}[5m]) < {k.gpu_idle_utilization_percent}",
            for_=minutes(k.gpu_idle_minutes),
            severity="warning",
            team=team,
            summary=f"GPU {{{{ $labels.gpu }}}} allocated to {{{{ $labels.{m.DCGM_POD_LABEL} }}}} is idle",
            description=(
                f"Pod {{{{ $labels.exported_namespace }}}}/{{{{ $labels.{m.DCGM_POD_LABEL} }}}} holds GPU "
                f"{{{{ $labels.gpu }}}} at {{{{ $value }}}}% utilisation for {k.gpu_idle_minutes} minutes: "
                "a paid GPU doing nothing."
            ),
            runbook=RUNBOOK,
        )
    )
    pending = selector(m.KSM_POD_PHASE, eq("phase", "Pending"))
    requests = selector(m.KSM_POD_REQUESTS, eq("resource", m.GPU_RESOURCE))
    rules.append(
        alert(
            scope,
            name="GpuPodPending",
            expr=f"{pending} == 1\nand on(namespace, pod) (sum by (namespace, pod) ({requests}) > 0)",
            for_=minutes(k.gpu_pending_minutes),
            severity="warning",
            team=team,
            summary="Pod {{ $labels.namespace }}/{{ $labels.pod }} waits for a GPU",
            description=(
                "Pod {{ $labels.namespace }}/{{ $labels.pod }} requests nvidia.com/gpu and has been Pending for "
                f"more than {k.gpu_pending_minutes} minutes (GPU pool at its maximum, spot capacity, or quota)."
            ),
            runbook=RUNBOOK,
        )
    )
    return rules
