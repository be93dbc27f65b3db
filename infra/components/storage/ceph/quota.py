"""The Rook namespace's quota, from what the cluster runs: the daemons' limits times their counts."""

from __future__ import annotations

from dataclasses import dataclass

from infra.components.access.namespaces import Quota
from infra.components.storage.ceph.specs import cluster_data, device_sets, mon_count
from infra.config.model import PlatformConfig, RegionConfig

_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def _cpu_millis(value: str) -> int:
    return int(value[:-1]) if value.endswith("m") else int(float(value) * 1000)


def _bytes(value: str) -> int:
    return int(value[:-2]) * _UNITS[value[-2:]] if value[-2:] in _UNITS else int(value)


@dataclass(frozen=True)
class _Daemon:
    key: str
    count: int


def _limits(resources: dict[str, dict[str, dict[str, str]]], daemon: _Daemon) -> tuple[int, int]:
    limits = resources[daemon.key]["limits"]
    return daemon.count * _cpu_millis(limits["cpu"]), daemon.count * _bytes(limits["memory"])


def rook_quota(config: PlatformConfig, region: RegionConfig, gateways: int) -> Quota:
    """Every daemon at its limit, plus one more of each kind (a rolling restart runs the new pod before the
    old one is gone), plus the operator. Per-node daemons (crash collector, exporter) count once per node
    that can host an OSD, a mon or a gateway."""
    data = cluster_data()
    resources = {**data["resources"], "rgw": data["gatewayResources"]}
    # Every OSD of every set: hot (gp3) and cold (st1) in each zone.
    osds = sum(int(device_set["count"]) for device_set in device_sets(config, region))
    mons = mon_count(config)
    mgrs = 2 if mons == 3 else 1
    nodes = osds + mons + gateways
    daemons = [
        _Daemon("mon", mons + 1),
        _Daemon("mgr", mgrs + 1),
        _Daemon("mgr-sidecar", mgrs + 1),
        _Daemon("osd", osds + 1),
        _Daemon("prepareosd", osds),
        _Daemon("rgw", gateways + 1),
        _Daemon("crashcollector", nodes),
        _Daemon("exporter", nodes),
        _Daemon("logcollector", mons + mgrs + osds + gateways + 3),
    ]
    cpu, memory = 2000, 2 * 2**30  # the operator and a toolbox
    for daemon in daemons:
        more_cpu, more_memory = _limits(resources, daemon)
        cpu, memory = cpu + more_cpu, memory + more_memory
    pods = sum(d.count for d in daemons if d.key not in {"mgr-sidecar", "logcollector"}) + 10
    return Quota(f"{-(-cpu // 1000)}", f"{-(-memory // 2**30)}Gi", 0, pods)
