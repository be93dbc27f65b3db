"""The Rook objects of one cluster as data: CephCluster, CephBlockPool, CephObjectStore and CephObjectStoreUser
specs.

Field names are Rook v1.19's (pkg/apis/ceph.rook.io/v1/types.go at the pinned tag). Sizes and the Ceph
image come from cluster.yaml; counts, zones and users from the stack's config.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import yaml

from infra.components.monitoring import names as monitoring_names
from infra.components.network.vpc import availability_zones
from infra.components.nodes.spec import accelerators, pool_specs, role_label
from infra.components.storage.contract import (
    cold_storage_class,
    endpoint_url,
    namespace,
    object_store_name,
    object_store_port,
)
from infra.components.storage.storage_class import DEFAULT_STORAGE_CLASS
from infra.components.storage.users import BUCKET_ADMIN, StoreUser
from infra.config.model import PlatformConfig, RegionConfig

CLUSTER_FILE: Final = Path(__file__).with_name("cluster.yaml")
ROOK_NAMESPACE: Final = namespace("rook")
CLUSTER_NAME: Final = "rook-ceph"
ZONE_LABEL: Final = "topology.kubernetes.io/zone"
HOST_LABEL: Final = "kubernetes.io/hostname"
SYSTEM_ROLE: Final = "system"
# The Secret (kubernetes.io/tls, written by cert-manager) the gateways serve; Rook reads tls.crt / tls.key.
RGW_TLS_SECRET: Final = f"rook-ceph-rgw-{object_store_name()}-tls"
# Rook's pod labels (app=rook-ceph-<daemon>), which its own examples spread and select on.
RGW_POD_LABELS: Final = {"app": "rook-ceph-rgw"}
MON_POD_LABELS: Final = {"app": "rook-ceph-mon"}
OSD_POD_LABELS: Final = {"app": "rook-ceph-osd"}
# The Kubernetes StorageClass of the cold OSDs' volumes: throughput-optimised HDD (st1), KMS-encrypted.
COLD_VOLUME_CLASS: Final = "st1-encrypted"
COLD_VOLUME_TYPE: Final = "st1"
# EBS refuses st1 volumes below 125 GiB.
COLD_VOLUME_MIN_GIB: Final = 125
# The CRUSH device classes the OSDs announce (Rook's crushDeviceClass claim annotation) and the pools select.
# Explicit because Nitro instances expose every EBS volume as NVMe, so Ceph would call st1 `ssd` too.
HOT_DEVICE_CLASS: Final = "ssd"
COLD_DEVICE_CLASS: Final = "hdd"
CRUSH_DEVICE_CLASS_ANNOTATION: Final = "crushDeviceClass"
# The placement RGW uses when a bucket names none; Rook accepts this reserved name only on the default one.
DEFAULT_PLACEMENT: Final = "default-placement"
# RGW's max_buckets: a negative value forbids creating buckets (Ceph radosgw-admin --max-buckets).
NO_BUCKET_CREATION: Final = -1


@functools.cache
def cluster_data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CLUSTER_FILE.read_text(encoding="utf-8"))
    return loaded


def privileged_storage_namespaces() -> list[str]:
    """The namespaces the kubernetes pack lets enforce privileged for storage daemons (one data file)."""
    data = yaml.safe_load(monitoring_names.NAMESPACES_DATA_FILE.read_text(encoding="utf-8"))["kubernetes_namespaces"]
    listed = data.get("storageDaemons")
    if not (isinstance(listed, list) and all(isinstance(ns, str) for ns in listed)):
        raise ValueError(f"{monitoring_names.NAMESPACES_DATA_FILE}: storageDaemons must list namespaces")
    return list(listed)


def is_prod(config: PlatformConfig) -> bool:
    return config.environment == "prod"


def mon_count(config: PlatformConfig) -> int:
    return 3 if is_prod(config) else 1


def replica_size(zones: list[str]) -> int:
    """One replica per zone, three at most; never fewer than two (one copy is no redundancy)."""
    return max(2, min(3, len(zones)))


def _accelerator_label_keys() -> list[str]:
    return sorted({key for accelerator in accelerators().values() for key in accelerator.labels})


def storage_node_terms() -> list[dict[str, Any]]:
    """Ceph runs on worker nodes: not the system pools (add-ons only), not the accelerator pools (GPUs are
    for models). Both are also tainted; the affinity keeps Ceph off them even if a taint is removed."""
    return [
        {"key": role_label(), "operator": "NotIn", "values": [SYSTEM_ROLE]},
        *({"key": key, "operator": "DoesNotExist"} for key in _accelerator_label_keys()),
    ]


def storage_pools(config: PlatformConfig) -> list[str]:
    """The pools Ceph's daemons can land on (the program refuses a stack without one)."""
    gpu_keys = set(_accelerator_label_keys())
    return [s.name for s in pool_specs(config) if s.role != SYSTEM_ROLE and not s.labels.keys() & gpu_keys]


def node_affinity(extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [*storage_node_terms(), *(extra or [])]}]
        }
    }


def _spread(topology_key: str, labels: dict[str, str], when: str) -> dict[str, Any]:
    return {
        "maxSkew": 1,
        "topologyKey": topology_key,
        "whenUnsatisfiable": when,
        "labelSelector": {"matchLabels": dict(labels)},
    }


def cold_osd_size_gib(config: PlatformConfig) -> int:
    """The cold OSDs are as large as the hot ones, never below st1's minimum."""
    return max(config.storage.ceph.osd_size_gib, COLD_VOLUME_MIN_GIB)


def _device_set(
    config: PlatformConfig, zone: str, *, name: str, volume_class: str, size_gib: int, device_class: str
) -> dict[str, Any]:
    in_zone = node_affinity([{"key": ZONE_LABEL, "operator": "In", "values": [zone]}])
    return {
        "name": name,
        "count": config.storage.ceph.osds_per_zone,
        # An EBS volume can follow its OSD to another node of the same zone.
        "portable": True,
        # dm-crypt inside the OSD on top of the KMS-encrypted volume (Rook keeps the key in a Secret).
        "encrypted": True,
        "placement": {
            "nodeAffinity": in_zone,
            "topologySpreadConstraints": [_spread(HOST_LABEL, OSD_POD_LABELS, "ScheduleAnyway")],
        },
        "preparePlacement": {"nodeAffinity": in_zone},
        "resources": cluster_data()["resources"]["osd"],
        "volumeClaimTemplates": [
            {
                "metadata": {"name": "data", "annotations": {CRUSH_DEVICE_CLASS_ANNOTATION: device_class}},
                "spec": {
                    "resources": {"requests": {"storage": f"{size_gib}Gi"}},
                    "storageClassName": volume_class,
                    "volumeMode": "Block",
                    "accessModes": ["ReadWriteOnce"],
                },
            }
        ],
    }


def device_sets(config: PlatformConfig, region: RegionConfig) -> list[dict[str, Any]]:
    """Two OSD sets per availability zone, their volumes (zonal EBS) and pods in that zone: hot OSDs on gp3
    (device class ssd) for the metadata and the STANDARD data, cold OSDs on st1 (device class hdd) for the
    COLD storage class."""
    zones = availability_zones(region)
    hot = [
        _device_set(
            config,
            zone,
            name=f"osd-{zone}",
            volume_class=DEFAULT_STORAGE_CLASS,
            size_gib=config.storage.ceph.osd_size_gib,
            device_class=HOT_DEVICE_CLASS,
        )
        for zone in zones
    ]
    cold = [
        _device_set(
            config,
            zone,
            name=f"osd-cold-{zone}",
            volume_class=COLD_VOLUME_CLASS,
            size_gib=cold_osd_size_gib(config),
            device_class=COLD_DEVICE_CLASS,
        )
        for zone in zones
    ]
    return [*hot, *cold]


def cluster_spec(config: PlatformConfig, region: RegionConfig) -> dict[str, Any]:
    data = cluster_data()
    prod = is_prod(config)
    return {
        "cephVersion": {"image": data["cephImage"], "allowUnsupported": False},
        "dataDirHostPath": "/var/lib/rook",
        "skipUpgradeChecks": False,
        "continueUpgradeAfterChecksEvenIfNotHealthy": False,
        "mon": {
            "count": mon_count(config),
            "allowMultiplePerNode": False,
            "volumeClaimTemplate": {
                "spec": {
                    "storageClassName": DEFAULT_STORAGE_CLASS,
                    "resources": {"requests": {"storage": f"{data['monVolumeGib']}Gi"}},
                }
            },
        },
        "mgr": {
            "count": 2 if prod else 1,
            "allowMultiplePerNode": False,
            # The prometheus module serves the cluster's metrics (also switched on by monitoring below).
            "modules": [{"name": "prometheus", "enabled": True}, {"name": "pg_autoscaler", "enabled": True}],
        },
        "dashboard": {"enabled": True, "ssl": True},
        # Rook creates the ServiceMonitors of the mgr and the Ceph exporter, labelled for our Prometheus.
        "monitoring": {"enabled": True, "metricsDisabled": False},
        "labels": {"monitoring": dict(monitoring_names.SELECTOR_LABELS)},
        "network": {
            "connections": {
                # msgr2 secure mode between every daemon and client (RGW included): no kernel clients here,
                # so the 5.11-kernel requirement Rook documents does not apply.
                "encryption": {"enabled": True},
                "compression": {"enabled": False},
                "requireMsgr2": True,
            }
        },
        "crashCollector": {"disable": False},
        "logCollector": {"enabled": True, "periodicity": "daily", "maxLogSize": "500M"},
        "placement": {
            "all": {"nodeAffinity": node_affinity()},
            "mon": {
                "nodeAffinity": node_affinity(),
                "topologySpreadConstraints": [_spread(ZONE_LABEL, MON_POD_LABELS, "DoNotSchedule")],
            },
        },
        "resources": {k: v for k, v in data["resources"].items() if k != "osd"},
        "priorityClassNames": {
            "mon": "system-node-critical",
            "osd": "system-node-critical",
            "mgr": "system-cluster-critical",
        },
        "disruptionManagement": {"managePodBudgets": True, "osdMaintenanceTimeout": 30},
        "storage": {
            "useAllNodes": False,
            "useAllDevices": False,
            "onlyApplyOSDPlacement": False,
            "storageClassDeviceSets": device_sets(config, region),
        },
    }


def data_pool(config: PlatformConfig, region: RegionConfig) -> dict[str, Any]:
    """Prod: erasure-coded 2+1 over the three zones (1.5x raw instead of 3x). Elsewhere: replicated, one copy
    per zone. The failure domain is the zone either way: a zone's loss never takes two shards or copies."""
    if is_prod(config):
        return {"failureDomain": "zone", "erasureCoded": {"dataChunks": 2, "codingChunks": 1}}
    return {"failureDomain": "zone", "replicated": {"size": replica_size(availability_zones(region))}}


def _metadata_pool(region: RegionConfig) -> dict[str, Any]:
    return {"failureDomain": "zone", "replicated": {"size": replica_size(availability_zones(region))}}


# The CephBlockPool objects (their metadata.name) the object store's placement names.
ROOT_POOL: Final = "rgw-root"
METADATA_POOL: Final = f"{object_store_name()}-meta"
HOT_DATA_POOL: Final = f"{object_store_name()}-data"
COLD_DATA_POOL: Final = f"{object_store_name()}-data-cold"


def block_pools(config: PlatformConfig, region: RegionConfig) -> dict[str, dict[str, Any]]:
    """The object store's pools, created before it (Rook creates none for a store on shared pools): RGW's
    realm root, the bucket indexes and metadata, the STANDARD data on the gp3 OSDs, the COLD data on the st1
    OSDs. Data pools are `bulk` (the autoscaler gives them their full PG count up front)."""
    metadata = {**_metadata_pool(region), "deviceClass": HOT_DEVICE_CLASS, "application": "rgw"}
    data = {**data_pool(config, region), "application": "rgw", "parameters": {"bulk": "true"}}
    return {
        # Ceph's name for it is fixed (.rgw.root, one per cluster); Rook allows it through spec.name.
        ROOT_POOL: {"name": ".rgw.root", **metadata},
        METADATA_POOL: metadata,
        HOT_DATA_POOL: {**data, "deviceClass": HOT_DEVICE_CLASS},
        COLD_DATA_POOL: {**data, "deviceClass": COLD_DEVICE_CLASS},
    }


def shared_pools(config: PlatformConfig) -> dict[str, Any]:
    """One default placement: STANDARD on the hot pool, the contract's cold class on the cold pool. Bucket
    lifecycle rules (storage_jobs contract) transition objects to that class; RGW's lifecycle worker moves
    them. Multipart parts of the EC prod pool go to the metadata pool (Rook's default without a non-EC pool)."""
    return {
        "preserveRadosNamespaceDataOnDelete": is_prod(config),
        "poolPlacements": [
            {
                "name": DEFAULT_PLACEMENT,
                "default": True,
                "metadataPoolName": METADATA_POOL,
                "dataPoolName": HOT_DATA_POOL,
                "storageClasses": [{"name": cold_storage_class(), "dataPoolName": COLD_DATA_POOL}],
            }
        ],
    }


def rgw_dns_names() -> list[str]:
    """The names clients reach the gateways by: the host of endpoint_url("ceph") and its shorter forms."""
    host = urlsplit(endpoint_url("ceph")).hostname
    if host is None:
        raise ValueError("endpoint_url('ceph') has no host")
    service, ns, _svc = host.split(".", 2)
    return [host, f"{host}.cluster.local", f"{service}.{ns}", service]


def user_namespaces(users: list[StoreUser]) -> list[str]:
    return sorted({user.namespace for user in users} - {ROOK_NAMESPACE})


def object_store_spec(config: PlatformConfig, region: RegionConfig, users: list[StoreUser]) -> dict[str, Any]:
    prod = is_prod(config)
    gateway_placement: dict[str, Any] = {
        "nodeAffinity": node_affinity(),
        "topologySpreadConstraints": [_spread(ZONE_LABEL, RGW_POD_LABELS, "ScheduleAnyway")],
    }
    if prod:
        gateway_placement["podAntiAffinity"] = {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": dict(RGW_POD_LABELS)}, "topologyKey": HOST_LABEL}
            ]
        }
    return {
        # Pools of its own (metadataPool/dataPool) cannot have storage classes: the pools are CephBlockPools.
        "sharedPools": shared_pools(config),
        "gateway": {
            # TLS only: no plain `port`, so the Service exposes https alone.
            "securePort": object_store_port(),
            "sslCertificateRef": RGW_TLS_SECRET,
            "instances": 2 if prod else 1,
            "placement": gateway_placement,
            "resources": cluster_data()["gatewayResources"],
        },
        "allowUsersInNamespaces": user_namespaces(users),
    }


def user_spec(user: StoreUser, bucket_limit: int) -> dict[str, Any]:
    """No admin capabilities for anyone. The bucket admin may create the purpose buckets (and no more);
    workload users may create none: they reach only what the bucket contract grants them."""
    return {
        "store": object_store_name(),
        "clusterNamespace": ROOK_NAMESPACE,
        "displayName": f"{user.role}: {user.subject}",
        "quotas": {"maxBuckets": bucket_limit if user.name == BUCKET_ADMIN else NO_BUCKET_CREATION},
    }
