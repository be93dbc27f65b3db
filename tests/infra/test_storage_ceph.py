"""Rook-Ceph in the plans: the operator, a CephCluster over the region's three zones on encrypted gp3 (hot) and
st1 (cold) volumes, the store's pools (erasure-coded in prod, replicated and never size 1 elsewhere; a COLD
storage class on the cold OSDs), the object store behind a TLS-only gateway whose certificate names the
endpoint the workloads use, least-privilege users, Ceph's alerts."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from infra.components.monitoring import names as monitoring_names
from infra.components.network.vpc import availability_zones
from infra.components.nodes.spec import pool_specs
from infra.components.storage.ceph import component as ceph_component
from infra.components.storage.ceph import specs
from infra.components.storage.ceph.quota import rook_quota
from infra.components.storage.contract import (
    cluster_issuer,
    cold_storage_class,
    endpoint_url,
    namespace,
    object_store_name,
    object_store_port,
    purposes,
)
from infra.components.storage.storage_class import DEFAULT_STORAGE_CLASS
from infra.components.storage.users import credentials_secret, object_store_users
from infra.config import PlatformConfig, load_stack_file
from infra.config.model import RegionConfig
from infra.placement.matcher import affinity_failure
from tests.infra.component_harness import ROOT
from tests.infra.plan_view import PlanView, Resource
from tests.infra.schemas import crd_problems

RELEASE = "kubernetes:helm.sh/v3:Release"
CEPH = "kubernetes:ceph.rook.io/v1:"
RUNBOOKS = ROOT / "docs" / "runbooks"


def _config(stack: str) -> PlatformConfig:
    config, _ = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    return config


def _regions(plan: PlanView) -> list[RegionConfig]:
    return [RegionConfig.model_validate(r) for r in plan.config("regions")]


def _in_region(plan: PlanView, stack: str, region: str, type_: str) -> list[Resource]:
    return [r for r in plan.of_type(type_) if r.name.startswith(f"{stack}-{region}-")]


def _one(plan: PlanView, stack: str, region: str, type_: str) -> Resource:
    (found,) = _in_region(plan, stack, region, type_)
    return found


def _rgw_certificate(plan: PlanView, stack: str, region: str) -> Resource:
    (found,) = [
        r
        for r in _in_region(plan, stack, region, "kubernetes:cert-manager.io/v1:Certificate")
        if r.inputs["metadata"]["namespace"] == namespace("rook")
    ]
    return found


def _spec(resource: Resource) -> dict[str, Any]:
    spec: dict[str, Any] = resource.inputs["spec"]
    return spec


def test_prod_runs_the_pinned_operator_and_a_three_mon_cluster_over_the_regions_zones(
    plans: dict[str, PlanView],
) -> None:
    plan, config = plans["prod"], _config("prod")
    for region in _regions(plan):
        operators = [r for r in _in_region(plan, "prod", region.name, RELEASE) if r.inputs["chart"] == "rook-ceph"]
        (operator,) = operators
        assert operator.inputs["version"] == ceph_component.pin().version
        assert operator.inputs["repositoryOpts"]["repo"] == ceph_component.pin().repository
        assert operator.inputs["namespace"] == namespace("rook")

        cluster = _one(plan, "prod", region.name, f"{CEPH}CephCluster")
        assert operator.urn in cluster.dependencies  # the release installs the CRDs
        spec = _spec(cluster)
        assert spec["mon"] == {**spec["mon"], "count": 3, "allowMultiplePerNode": False}
        assert spec["mon"]["volumeClaimTemplate"]["spec"]["storageClassName"] == DEFAULT_STORAGE_CLASS
        assert spec["cephVersion"]["image"].startswith("quay.io/ceph/ceph:v19.")
        assert {"name": "prometheus", "enabled": True} in spec["mgr"]["modules"]
        assert spec["monitoring"]["enabled"] is True
        assert spec["labels"]["monitoring"] == monitoring_names.SELECTOR_LABELS
        assert spec["dashboard"] == {"enabled": True, "ssl": True}
        assert spec["network"]["connections"]["encryption"] == {"enabled": True}

        sets = spec["storage"]["storageClassDeviceSets"]
        zones = availability_zones(region)
        assert len(zones) == 3 and len(sets) == 6
        hot, cold = sets[:3], sets[3:]
        for tier, volume_class, size, device_class in [
            (hot, DEFAULT_STORAGE_CLASS, config.storage.ceph.osd_size_gib, specs.HOT_DEVICE_CLASS),
            (cold, specs.COLD_VOLUME_CLASS, max(config.storage.ceph.osd_size_gib, 125), specs.COLD_DEVICE_CLASS),
        ]:
            for device_set, zone in zip(tier, zones, strict=True):
                assert device_set["count"] == config.storage.ceph.osds_per_zone
                assert device_set["encrypted"] is True
                (claim,) = device_set["volumeClaimTemplates"]
                assert claim["metadata"]["annotations"] == {"crushDeviceClass": device_class}
                assert claim["spec"]["storageClassName"] == volume_class
                assert claim["spec"]["volumeMode"] == "Block"
                assert claim["spec"]["resources"]["requests"]["storage"] == f"{size}Gi"
                (term,) = device_set["placement"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
                    "nodeSelectorTerms"
                ]
                assert {"key": specs.ZONE_LABEL, "operator": "In", "values": [zone]} in term["matchExpressions"]


def _pools(plan: PlanView, stack: str, region: str) -> dict[str, Resource]:
    """The CephBlockPools of a region by their Ceph pool name (spec.name, else metadata.name)."""
    return {
        _spec(r).get("name", r.inputs["metadata"]["name"]): r
        for r in _in_region(plan, stack, region, f"{CEPH}CephBlockPool")
    }


def _placement(store: Resource) -> dict[str, Any]:
    (placement,) = _spec(store)["sharedPools"]["poolPlacements"]
    assert placement["default"] is True
    return dict(placement)


def test_cold_st1_class_is_encrypted_with_the_storage_key_and_holds_the_cold_osds(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    for region in _regions(plan):
        (cold,) = [
            r
            for r in _in_region(plan, "prod", region.name, "kubernetes:storage.k8s.io/v1:StorageClass")
            if r.inputs["metadata"]["name"] == specs.COLD_VOLUME_CLASS
        ]
        (default,) = [
            r
            for r in _in_region(plan, "prod", region.name, "kubernetes:storage.k8s.io/v1:StorageClass")
            if r.inputs["metadata"]["name"] == DEFAULT_STORAGE_CLASS
        ]
        assert cold.inputs["parameters"] == {**default.inputs["parameters"], "type": "st1"}
        assert cold.inputs["parameters"]["encrypted"] == "true"
        assert cold.inputs["volumeBindingMode"] == "WaitForFirstConsumer"
        assert "annotations" not in cold.inputs["metadata"]  # never the default class
        cluster = _one(plan, "prod", region.name, f"{CEPH}CephCluster")
        assert cold.urn in cluster.dependencies


@pytest.mark.parametrize("size", [10, 124, 125, 256])
def test_cold_osds_are_never_below_st1s_minimum(size: int) -> None:
    config = _config("prod")
    config = config.model_copy(
        update={
            "storage": config.storage.model_copy(
                update={"ceph": config.storage.ceph.model_copy(update={"osd_size_gib": size})}
            )
        }
    )
    assert specs.cold_osd_size_gib(config) == max(size, 125)


def test_prod_pools_tier_hot_and_cold_by_device_class_and_are_protected(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    for region in _regions(plan):
        store = _one(plan, "prod", region.name, f"{CEPH}CephObjectStore")
        pools = _pools(plan, "prod", region.name)
        assert set(pools) == {".rgw.root", specs.METADATA_POOL, specs.HOT_DATA_POOL, specs.COLD_DATA_POOL}
        placement = _placement(store)
        (cold_class,) = placement["storageClasses"]
        meta, hot, cold = (
            _spec(pools[placement["metadataPoolName"]]),
            _spec(pools[placement["dataPoolName"]]),
            _spec(pools[cold_class["dataPoolName"]]),
        )
        assert meta["replicated"] == {"size": 3} and meta["failureDomain"] == "zone"
        for data in (hot, cold):
            assert data["erasureCoded"] == {"dataChunks": 2, "codingChunks": 1} and data["failureDomain"] == "zone"
        assert meta["deviceClass"] == hot["deviceClass"] == specs.HOT_DEVICE_CLASS
        assert cold["deviceClass"] == specs.COLD_DEVICE_CLASS
        assert all(_spec(pool)["application"] == "rgw" for pool in pools.values())
        # Every pool exists before the store and outlives a mistaken delete.
        for pool in pools.values():
            assert pool.protect is True
            assert pool.urn in store.dependencies
        assert _spec(store)["sharedPools"]["preserveRadosNamespaceDataOnDelete"] is True


def test_each_pools_device_class_is_one_some_osds_announce(plans: dict[str, PlanView]) -> None:
    for stack in ("staging", "prod"):
        plan = plans[stack]
        for region in _regions(plan):
            cluster = _spec(_one(plan, stack, region.name, f"{CEPH}CephCluster"))
            announced = {
                claim["metadata"]["annotations"]["crushDeviceClass"]
                for device_set in cluster["storage"]["storageClassDeviceSets"]
                for claim in device_set["volumeClaimTemplates"]
            }
            used = {_spec(pool)["deviceClass"] for pool in _pools(plan, stack, region.name).values()}
            assert used == announced == {specs.HOT_DEVICE_CLASS, specs.COLD_DEVICE_CLASS}


def _contract_storage_classes(plan: PlanView, stack: str, region: str) -> set[str]:
    (contract_map,) = [
        r
        for r in _in_region(plan, stack, region, "kubernetes:core/v1:ConfigMap")
        if r.inputs["metadata"]["name"] == "ai-platform-buckets"
    ]
    contract = json.loads(contract_map.inputs["data"]["contract.json"])
    return {
        rule["storage_class"]
        for bucket in contract["buckets"]
        for rule in bucket["lifecycle"]
        if rule.get("storage_class") is not None
    }


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_every_lifecycle_storage_class_of_the_bucket_contract_is_a_class_of_the_store(
    plans: dict[str, PlanView], stack: str
) -> None:
    plan = plans[stack]
    for region in _regions(plan):
        named = _contract_storage_classes(plan, stack, region.name)
        assert named == {cold_storage_class()}  # the contract does transition something
        placement = _placement(_one(plan, stack, region.name, f"{CEPH}CephObjectStore"))
        # STANDARD is every placement's own class (Rook: the placement's data pool).
        offered = {"STANDARD", *(c["name"] for c in placement.get("storageClasses", []))}
        assert named <= offered
        pools = _pools(plan, stack, region.name)
        for storage_class in placement.get("storageClasses", []):
            assert storage_class["dataPoolName"] in pools


def test_prod_object_store_is_on_shared_pools_and_tls_only(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    for region in _regions(plan):
        store = _one(plan, "prod", region.name, f"{CEPH}CephObjectStore")
        assert store.inputs["metadata"] == {"name": object_store_name(), "namespace": namespace("rook")}
        spec = _spec(store)
        # Rook refuses the store's own pools beside shared ones; the pools are CephBlockPools.
        assert not {"dataPool", "metadataPool", "preservePoolsOnDelete"} & set(spec)
        gateway = spec["gateway"]
        assert "port" not in gateway and gateway["securePort"] == object_store_port()
        assert gateway["instances"] == 2
        assert gateway["placement"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        certificate = _rgw_certificate(plan, "prod", region.name)
        assert gateway["sslCertificateRef"] == _spec(certificate)["secretName"]
        assert certificate.urn in store.dependencies


@pytest.mark.parametrize("stack", ["staging"])
def test_outside_prod_the_data_pools_are_replicated_once_per_zone(plans: dict[str, PlanView], stack: str) -> None:
    plan = plans[stack]
    for region in _regions(plan):
        pools = _pools(plan, stack, region.name)
        assert pools
        for pool in pools.values():
            assert "erasureCoded" not in _spec(pool)
            assert _spec(pool)["replicated"]["size"] == 3
            assert pool.protect is False
        store = _spec(_one(plan, stack, region.name, f"{CEPH}CephObjectStore"))
        assert store["sharedPools"]["preserveRadosNamespaceDataOnDelete"] is False
        assert _spec(_one(plan, stack, region.name, f"{CEPH}CephCluster"))["mon"]["count"] == 1


@pytest.mark.parametrize("zones", [["z-1a"], ["z-1a", "z-1b"], ["z-1a", "z-1b", "z-1c"], [f"z-{i}" for i in range(5)]])
def test_a_replicated_pool_never_has_a_single_copy(zones: list[str]) -> None:
    assert 2 <= specs.replica_size(zones) <= 3


def test_dev_on_minio_has_no_rook_objects_but_keeps_the_pki_and_default_class(plans: dict[str, PlanView]) -> None:
    plan = plans["dev"]
    assert plan.config("storage")["backend"] == "minio"
    assert not [r for r in plan.resources if r.type.startswith(CEPH)]
    assert not [r for r in plan.of_type(RELEASE) if r.inputs["chart"] == "rook-ceph"]
    assert not [r for r in plan.k8s_objects("Namespace") if r.inputs["metadata"]["name"] == namespace("rook")]
    assert len(plan.k8s_objects("ClusterIssuer")) == len(_regions(plan))


def test_ceph_daemons_land_only_on_worker_pools_never_system_or_gpu() -> None:
    config = _config("prod")
    spec = specs.cluster_spec(config, RegionConfig(name="eu-west-1", cidr="10.10.0.0/16"))
    affinity = {"nodeAffinity": spec["placement"]["all"]["nodeAffinity"]}
    landing = {p.name for p in pool_specs(config) if affinity_failure(affinity, p.labels) is None}
    assert landing == set(specs.storage_pools(config)) == {"cpu"}
    for device_set in spec["storage"]["storageClassDeviceSets"]:
        zone = device_set["placement"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
            "nodeSelectorTerms"
        ][0]["matchExpressions"][-1]["values"][0]
        set_affinity = {"nodeAffinity": device_set["placement"]["nodeAffinity"]}
        for pool in pool_specs(config):
            fits = affinity_failure(set_affinity, {**pool.labels, specs.ZONE_LABEL: zone}) is None
            assert fits == (pool.name == "cpu")


def test_one_user_per_workload_in_its_namespace_with_least_privilege(plans: dict[str, PlanView]) -> None:
    plan, config = plans["prod"], _config("prod")
    users = object_store_users(config)
    for region in _regions(plan):
        declared = {
            r.inputs["metadata"]["name"]: r for r in _in_region(plan, "prod", region.name, f"{CEPH}CephObjectStoreUser")
        }
        assert set(declared) == {u.name for u in users}
        store = _spec(_one(plan, "prod", region.name, f"{CEPH}CephObjectStore"))
        assert set(store["allowUsersInNamespaces"]) == {u.namespace for u in users} - {namespace("rook")}
        for user in users:
            resource = declared[user.name]
            spec = _spec(resource)
            assert resource.inputs["metadata"]["namespace"] == user.namespace
            assert spec["store"] == object_store_name() and spec["clusterNamespace"] == namespace("rook")
            assert "capabilities" not in spec
            limit = len(purposes()) if user.role == "bucket-admin" else -1
            assert spec["quotas"] == {"maxBuckets": limit}
            # Rook v1.19 (pkg/operator/ceph/object/user/controller.go) writes rook-ceph-object-user-<store>-<name>.
            assert credentials_secret("ceph", user.name).name == (
                f"rook-ceph-object-user-{spec['store']}-{resource.inputs['metadata']['name']}"
            )


def test_rgw_certificate_names_the_endpoint_host_and_comes_from_the_platform_ca(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    host = urlsplit(endpoint_url("ceph")).hostname
    for region in _regions(plan):
        certificate = _rgw_certificate(plan, "prod", region.name)
        spec = _spec(certificate)
        assert host in spec["dnsNames"]
        assert certificate.inputs["metadata"]["namespace"] == namespace("rook")
        assert spec["issuerRef"] == {"kind": "ClusterIssuer", "name": cluster_issuer(), "group": "cert-manager.io"}
        issuer = _one(plan, "prod", region.name, "kubernetes:cert-manager.io/v1:ClusterIssuer")
        assert issuer.urn in certificate.dependencies


def test_ceph_alerts_are_rooks_rules_selected_by_our_prometheus_with_a_runbook(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    shipped = yaml.safe_load((ROOT / "infra/components/storage/ceph/prometheus/ceph-rules.yaml").read_text())
    shipped_alerts = {r["alert"] for g in shipped["groups"] for r in g["rules"]}
    for region in _regions(plan):
        (rule,) = [
            r
            for r in _in_region(plan, "prod", region.name, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
            if r.inputs["metadata"]["namespace"] == namespace("rook")
        ]
        assert rule.inputs["metadata"]["labels"] == monitoring_names.SELECTOR_LABELS
        alerts = [a for g in _spec(rule)["groups"] for a in g["rules"]]
        assert {a["alert"] for a in alerts} == shipped_alerts
        for alert in alerts:
            assert alert["labels"]["severity"] in {"warning", "critical"} and alert["labels"]["team"] == "platform"
            url = alert["annotations"]["runbook_url"]
            base = _config("prod").monitoring.runbook_base_url
            assert url.startswith(f"{base}/") and (RUNBOOKS / url.removeprefix(f"{base}/")).is_file()


def test_the_rook_namespace_is_privileged_and_listed_for_the_gate(plans: dict[str, PlanView]) -> None:
    data = yaml.safe_load((ROOT / "policies/packs/kubernetes/namespaces.data.yaml").read_text())
    assert data["kubernetes_namespaces"]["storageDaemons"] == [namespace("rook")]
    plan = plans["prod"]
    privileged = {
        r.inputs["metadata"]["name"]
        for r in plan.k8s_objects("Namespace")
        if r.inputs["metadata"]["labels"].get("pod-security.kubernetes.io/enforce") == "privileged"
    }
    # The only privileged namespaces: Ceph's daemons, the GPU node agents and Velero's node agent.
    assert privileged == {namespace("rook"), monitoring_names.NODE_AGENTS_NAMESPACE, namespace("velero")}


@pytest.mark.parametrize("kind", ["CephBlockPool", "CephCluster", "CephObjectStore", "CephObjectStoreUser"])
@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_rook_objects_match_the_pinned_crds(plans: dict[str, PlanView], stack: str, kind: str) -> None:
    objects = plans[stack].of_type(f"{CEPH}{kind}")
    assert objects
    for resource in objects:
        body = {"metadata": resource.inputs["metadata"], "spec": resource.inputs["spec"]}
        assert crd_problems("ceph.rook.io/v1", kind, body) == []


def _paths(values: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(values, dict) and values:
        return [p for key, item in values.items() for p in _paths(item, (*prefix, key))]
    return [prefix]


KUBERNETES_OBJECTS = {"resources"}


def test_operator_values_are_values_the_pinned_chart_declares() -> None:
    version = ceph_component.pin().version
    chart_file = ROOT / "tests" / "infra" / "data" / "charts" / f"rook-ceph-{version}" / "values.yaml"
    defaults = yaml.safe_load(chart_file.read_text(encoding="utf-8"))
    unknown = []
    for path in _paths(ceph_component.operator_values()):
        node = defaults
        for key in path:
            if not isinstance(node, dict) or key not in node:
                unknown.append(".".join(path))
                break
            if key in KUBERNETES_OBJECTS:  # a ResourceRequirements: its keys are Kubernetes', not the chart's
                break
            node = node[key]
    assert unknown == []


def test_the_rook_quota_admits_every_osd_of_both_tiers_at_its_limit() -> None:
    config = _config("prod")
    region = RegionConfig(name="eu-west-1", cidr="10.10.0.0/16")
    sets = specs.cluster_spec(config, region)["storage"]["storageClassDeviceSets"]
    osds = sum(device_set["count"] for device_set in sets)
    assert osds == 2 * 3 * config.storage.ceph.osds_per_zone
    quota = rook_quota(config, region, gateways=2)
    osd_memory_gib = int(specs.cluster_data()["resources"]["osd"]["limits"]["memory"].removesuffix("Gi"))
    # The OSDs alone (one more for a rolling restart) fit beside the rest of the cluster.
    assert int(quota.memory.removesuffix("Gi")) > (osds + 1) * osd_memory_gib
    assert quota.pods > osds
