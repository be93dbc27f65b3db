"""Rules that relate several fields. Each yields one problem with the key path of the offending value.

These are the prod-grade rules of the model; the policy packs check the same things again on the
plan (defence in depth), so a plan produced by another program is held to them too.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from itertools import combinations

from infra.components.nodes.autoscaler_versions import version_problem
from infra.components.nodes.contract import GPU_INSTANCE_TYPES_FILE, ROOT, accelerators, gpus_per_instance, has_gpus
from infra.config.alert_routing import check_alert_routing
from infra.config.backup_rules import check_backups
from infra.config.base import Section
from infra.config.cidr_share import world_reason
from infra.config.errors import ConfigProblem, key_path
from infra.config.gate_floor import fail_on_floor_problem
from infra.config.model import (
    FREQUENCY_RANK,
    Band,
    NodePoolConfig,
    PlatformConfig,
    required_drift_frequency,
)
from infra.config.storage_rules import StackIdentity, check_storage

MIN_HIGH_RISK_LOG_RETENTION_DAYS = 183  # EU AI Act Art. 19/26: at least six months
DR_MAXIMA = {  # DESIGN §2 continuity objectives, minutes
    "regionOutage": (240, 60),
    "modelCorruption": (30, 0),
    "dataLoss": (120, 1440),
    "humanDeletion": (60, 1440),
}


def check_platform(config: PlatformConfig, identity: StackIdentity | None = None) -> list[ConfigProblem]:
    """`identity` (project and stack, when known) lets the storage rules check bucket names exactly."""
    return [
        *_regions(config),
        *_node_pools(config),
        *_cluster(config),
        *_teams_and_models(config),
        *_dr(config),
        *_budgets(config),
        *_gate(config),
        *_addons(config),
        *_autoscaler(config),
        *_alerts(config),
        *check_alert_routing(config),
        *check_storage(config, identity),
        *check_backups(config),
    ]


def _addons(config: PlatformConfig) -> Iterator[ConfigProblem]:
    # Every add-on is pinned: a Kubernetes version without default versions needs explicit ones.
    for name, version in config.addon_versions.items():
        if version is None:
            yield _problem(
                ("addons", "versions", name),
                None,
                f"no default {name} version for kubernetesVersion {config.kubernetes_version}: "
                "set ai-platform:addons.versions or add the version to infra/config/data/addon_versions.yaml",
            )


def _autoscaler(config: PlatformConfig) -> Iterator[ConfigProblem]:
    # Cluster Autoscaler's minor must match the cluster's: a Kubernetes version without a release listed.
    problem = version_problem(config.kubernetes_version)
    if problem is not None:
        yield problem


def _problem(path: tuple[str | int, ...], value: object, message: str) -> ConfigProblem:
    return ConfigProblem(path=key_path(path), value=value, message=message)


def _regions(config: PlatformConfig) -> Iterator[ConfigProblem]:
    primaries = [i for i, r in enumerate(config.regions) if r.role == "primary"]
    if len(primaries) != 1:
        yield _problem(
            ("regions",),
            [r.name for r in config.regions if r.role == "primary"],
            "exactly one region must have role: primary",
        )
    if config.environment == "prod" and len(config.regions) < 2:
        yield _problem(
            ("regions",),
            [r.name for r in config.regions],
            "prod needs at least two regions (a primary and a standby for region-outage DR)",
        )
    seen: dict[str, int] = {}
    for i, region in enumerate(config.regions):
        if region.name in seen:
            yield _problem(
                ("regions", i, "name"), region.name, f"region already declared at regions[{seen[region.name]}]"
            )
        seen.setdefault(region.name, i)
        if region.availability_zones is not None:
            if len(region.availability_zones) != 3:
                yield _problem(
                    ("regions", i, "availabilityZones"),
                    region.availability_zones,
                    "exactly three availability zones are required",
                )
            for j, zone in enumerate(region.availability_zones):
                if not zone.startswith(region.name):
                    yield _problem(("regions", i, "availabilityZones", j), zone, f"zone is not in region {region.name}")
    for (i, a), (j, b) in combinations(enumerate(config.regions), 2):
        if ipaddress.ip_network(a.cidr).overlaps(ipaddress.ip_network(b.cidr)):
            yield _problem(
                ("regions", j, "cidr"),
                b.cidr,
                f"overlaps regions[{i}].cidr {a.cidr}; region CIDRs must be disjoint for peering and failover",
            )


def _pool_sizes(name: str, pool: NodePoolConfig) -> Iterator[ConfigProblem]:
    base = ("nodePools", name)
    if pool.max_size < pool.min_size:
        yield _problem((*base, "maxSize"), pool.max_size, f"must be >= minSize ({pool.min_size})")
    if not pool.min_size <= pool.desired_size <= pool.max_size:
        yield _problem(
            (*base, "desiredSize"),
            pool.desired_size,
            f"must be between minSize ({pool.min_size}) and maxSize ({pool.max_size})",
        )


def _node_pools(config: PlatformConfig) -> Iterator[ConfigProblem]:
    pools = config.node_pools
    for name, pool in pools.items():
        yield from _pool_sizes(name, pool)
        yield from _pool_capacity(config, name, pool)
        yield from _pool_accelerator(name, pool)
    system = {name: pool for name, pool in pools.items() if pool.role == "system"}
    if not system:
        yield _problem(
            ("nodePools",),
            sorted(pools),
            "no pool has role: system; one is needed for CoreDNS, the autoscaler and the other cluster add-ons",
        )
        return
    floor, why = (
        (2, "prod keeps at least two system nodes for highly available add-ons")
        if (config.environment == "prod")
        else (1, "the system pools run CoreDNS and must keep at least one node")
    )
    if sum(pool.min_size for pool in system.values()) < floor:
        name = next(iter(system))
        yield _problem(("nodePools", name, "minSize"), system[name].min_size, why)


# Roles whose pools must be on-demand, and where: a spot reclaim takes down what runs there.
ON_DEMAND_ROLES = {
    "system": ("dev", "staging", "prod"),
    "inference": ("prod",),
}


def _pool_capacity(config: PlatformConfig, name: str, pool: NodePoolConfig) -> Iterator[ConfigProblem]:
    if pool.capacity_type == "spot" and config.environment in ON_DEMAND_ROLES.get(pool.role, ()):
        yield _problem(
            ("nodePools", name, "capacityType"),
            pool.capacity_type,
            f"{pool.role} pools must be on-demand in {config.environment}; spot reclaims would interrupt "
            f"{'cluster add-ons' if pool.role == 'system' else 'serving'} (spot suits training and batch pools)",
        )


def _pool_accelerator(name: str, pool: NodePoolConfig) -> Iterator[ConfigProblem]:
    base = ("nodePools", name)
    accelerator = accelerators()[pool.accelerator]
    if pool.ami_type is not None and pool.ami_type not in accelerator.ami_types:
        yield _problem(
            (*base, "amiType"),
            pool.ami_type,
            f"accelerator {pool.accelerator} needs one of the AMI types {list(accelerator.ami_types)}",
        )
    if pool.gpu_sharing is not None:
        sharing = pool.gpu_sharing
        if accelerator.resource is None:
            yield _problem((*base, "gpuSharing"), "set", "GPU sharing needs an accelerator (accelerator: nvidia)")
        if sharing.time_slicing_replicas is not None and sharing.mig_strategy is not None:
            yield _problem(
                (*base, "gpuSharing"), "both", "choose timeSlicingReplicas or migStrategy: the plugin does one"
            )
        yield from _device_plugin_sharing(name, pool)
    if accelerator.resource is None:
        for i, instance_type in enumerate(pool.instance_types):
            if has_gpus(instance_type):
                yield _problem(
                    (*base, "instanceTypes", i),
                    instance_type,
                    "this instance type has GPUs: set accelerator: nvidia, or its GPUs are never advertised",
                )
        return
    counts = {}
    for i, instance_type in enumerate(pool.instance_types):
        count = gpus_per_instance(accelerator.name, instance_type)
        if count is None:
            yield _problem(
                (*base, "instanceTypes", i),
                instance_type,
                f"no {accelerator.name} GPU count known for this instance type; add it to "
                f"{GPU_INSTANCE_TYPES_FILE.relative_to(ROOT)}",
            )
        else:
            counts[instance_type] = count
    if len(set(counts.values())) > 1:
        yield _problem(
            (*base, "instanceTypes"),
            pool.instance_types,
            f"instance types with different GPU counts {counts}: the autoscaler builds one node template per "
            "pool, so split them into pools with one GPU count each",
        )


def _device_plugin_sharing(name: str, pool: NodePoolConfig) -> Iterator[ConfigProblem]:
    """What the NVIDIA device plugin's per-pool configuration cannot express (infra/components/gpu/)."""
    # Imported here: the device plugin module imports the program's components, which import this package.
    from infra.components.gpu.device_plugin import DEFAULT_CONFIG, has_own_plugin  # noqa: PLC0415
    from infra.components.nodes.spec import pool_spec  # noqa: PLC0415

    base = ("nodePools", name)
    sharing = pool.gpu_sharing
    if sharing is None or pool.accelerator == "none":
        return
    if name == DEFAULT_CONFIG:
        yield _problem(
            base,
            name,
            f"a pool named {DEFAULT_CONFIG!r} cannot share its GPUs: the device plugin's fallback configuration "
            "for unshared GPU nodes has that name; rename the pool",
        )
    if has_own_plugin(pool_spec(name, pool)):
        yield _problem(
            (*base, "gpuSharing"),
            pool.ami_type,
            "this AMI runs its own device plugin, which the platform's sharing configuration does not reach; "
            "use an AL2023 NVIDIA AMI",
        )
    if sharing.mig_strategy == "mixed" and pool.min_size < 1:
        yield _problem(
            (*base, "minSize"),
            pool.min_size,
            "MIG mixed advertises nvidia.com/mig-<profile> resources the autoscaler's node template cannot know "
            "before a node exists: keep minSize >= 1 (scale from zero is not possible for this pool)",
        )


def _cluster(config: PlatformConfig) -> Iterator[ConfigProblem]:
    endpoint = config.cluster.endpoint
    if endpoint.public_access and not endpoint.public_access_cidrs:
        yield _problem(
            ("cluster", "endpoint", "publicAccessCidrs"),
            endpoint.public_access_cidrs,
            "a public endpoint needs an explicit CIDR allow-list",
        )
    # The same arithmetic as the aws pack's deny_eks_endpoint_access: the union of the list, in any
    # spelling, must stay below the pack's share of public address space (0.0.0.0/1 + 128.0.0.0/1 is
    # the whole internet although neither entry is /0).
    reason = world_reason(endpoint.public_access_cidrs) if endpoint.public_access else None
    if reason is not None:
        yield _problem(
            ("cluster", "endpoint", "publicAccessCidrs"),
            endpoint.public_access_cidrs,
            f"the allow-list opens the endpoint to the whole internet: {reason}",
        )
    if not endpoint.public_access and endpoint.public_access_cidrs:
        yield _problem(
            ("cluster", "endpoint", "publicAccessCidrs"),
            endpoint.public_access_cidrs,
            "an allow-list has no effect while publicAccess is false; remove it or enable publicAccess",
        )
    if config.environment == "prod" and config.cluster.deletion_protection is False:
        yield _problem(("cluster", "deletionProtection"), False, "prod clusters must keep deletion protection")


def _teams_and_models(config: PlatformConfig) -> Iterator[ConfigProblem]:
    team_names: dict[str, int] = {}
    for i, team in enumerate(config.teams):
        if team.name in team_names:
            yield _problem(("teams", i, "name"), team.name, f"team already declared at teams[{team_names[team.name]}]")
        team_names.setdefault(team.name, i)
    model_names: dict[str, int] = {}
    for i, model in enumerate(config.models):
        base: tuple[str | int, ...] = ("models", i)
        if model.name in model_names:
            yield _problem((*base, "name"), model.name, f"model already declared at models[{model_names[model.name]}]")
        model_names.setdefault(model.name, i)
        if model.owner not in team_names:
            yield _problem((*base, "owner"), model.owner, f"owner must be a declared team, one of {sorted(team_names)}")
        required = required_drift_frequency(model.risk_class, model.serving)
        if model.drift.frequency and FREQUENCY_RANK[model.drift.frequency] > FREQUENCY_RANK[required]:
            yield _problem(
                (*base, "drift", "frequency"),
                model.drift.frequency,
                f"a {model.risk_class}-risk {model.serving} model needs drift checks at least {required}",
            )
        if model.risk_class == "high":
            if model.human_oversight is None:
                yield _problem((*base, "humanOversight"), None, "high-risk models need a human-oversight contact")
            if model.approval is None:
                yield _problem((*base, "approval"), None, "high-risk models need a recorded approval")
            if model.log_retention_days < MIN_HIGH_RISK_LOG_RETENTION_DAYS:
                yield _problem(
                    (*base, "logRetentionDays"),
                    model.log_retention_days,
                    f"high-risk models keep logs at least {MIN_HIGH_RISK_LOG_RETENTION_DAYS} days (six months)",
                )
        if model.drift.shards > 1 and model.drift.schedule is not None:
            hour = model.drift.schedule.split()[1]
            if not hour.isdigit() or int(hour) > 21:
                yield _problem(
                    (*base, "drift", "schedule"),
                    model.drift.schedule,
                    "a sharded drift job needs a single hour below 22 so its merge (2 hours later) runs the same day",
                )
        thresholds = model.drift.thresholds
        # Every band the stack file may set, model-wide and per feature (a new metric's field included).
        bands = list(_bands(thresholds, ()))
        for feature, own in thresholds.features.items():
            bands += _bands(own, ("features", feature))
        for sub, band in bands:
            if band.critical < band.warning:
                yield _problem(
                    (*base, "drift", "thresholds", *sub, "critical"),
                    band.critical,
                    f"must be >= warning ({band.warning})",
                )


def _bands(section: Section, where: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Band]]:
    """The section's set `Band` fields with their key paths as written in the stack file (camelCase)."""
    for name, field in type(section).model_fields.items():
        value = getattr(section, name)
        if isinstance(value, Band):
            yield (*where, field.alias or name), value


def _dr(config: PlatformConfig) -> Iterator[ConfigProblem]:
    dr = config.dr
    objectives = {
        "regionOutage": dr.region_outage,
        "modelCorruption": dr.model_corruption,
        "dataLoss": dr.data_loss,
        "humanDeletion": dr.human_deletion,
    }
    for name, objective in objectives.items():
        max_rto, max_rpo = DR_MAXIMA[name]
        if objective.rto_minutes > max_rto:
            yield _problem(
                ("dr", name, "rtoMinutes"), objective.rto_minutes, f"must be <= {max_rto} (DESIGN §2 objective)"
            )
        if objective.rpo_minutes > max_rpo:
            yield _problem(
                ("dr", name, "rpoMinutes"), objective.rpo_minutes, f"must be <= {max_rpo} (DESIGN §2 objective)"
            )


def _budgets(config: PlatformConfig) -> Iterator[ConfigProblem]:
    teams = {t.name for t in config.teams}
    for i, budget in enumerate(config.budgets):
        if budget.team is not None and budget.team not in teams:
            yield _problem(("budgets", i, "team"), budget.team, f"must be a declared team, one of {sorted(teams)}")
        for j, pct in enumerate(budget.notify_at_percent):
            if not 1 <= pct <= 200:
                yield _problem(("budgets", i, "notifyAtPercent", j), pct, "must be between 1 and 200")


def _gate(config: PlatformConfig) -> Iterator[ConfigProblem]:
    # The gate refuses the same thing (policies/gate/settings.py); checked here so `pulumi up` fails first.
    if config.gate.fail_on is None:
        return
    problem = fail_on_floor_problem(config.environment, config.gate.fail_on)
    if problem:
        yield _problem(("gate", "failOn"), config.gate.fail_on, problem)


def _alerts(config: PlatformConfig) -> Iterator[ConfigProblem]:
    alerts = config.monitoring.alerts
    # Every alert band is a share (0..1); a critical below its warning would page before it warns.
    shares = {
        "gpuMemorySaturation": alerts.gpu_memory_saturation,
        "pvcFill": alerts.pvc_fill,
        "inferenceErrorRate": alerts.inference_error_rate,
        "cniIpExhaustion": alerts.cni_ip_exhaustion,
    }
    for key, band in shares.items():
        if band is None:
            continue
        path = ("monitoring", "alerts", key)
        if band.critical < band.warning:
            yield _problem((*path, "critical"), band.critical, f"must be >= warning ({band.warning})")
        if band.critical > 1:
            yield _problem((*path, "critical"), band.critical, "must be a share, at most 1")
