"""The Rook-Ceph object store of one cluster: the operator (pinned release), the CephCluster on encrypted
gp3 (hot) and st1 (cold) volumes over the region's zones, the pools, the CephObjectStore with a COLD storage
class behind a TLS-only gateway, one user per workload, and Ceph's alerts.

What consumers use: `endpoint` (the in-cluster HTTPS URL, contract.endpoint_url("ceph")) and `ready` (the
store and its users: depend on them before reading a user's credentials Secret or calling the store).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s
import yaml

from infra.components.access.namespaces import GovernedNamespace
from infra.components.chart_pins import ChartPin, pinned_release, read_pins
from infra.components.monitoring import names as monitoring_names
from infra.components.monitoring import network as monitoring_network
from infra.components.security.pki import specs as pki_specs
from infra.components.storage.ceph import monitoring, network, specs
from infra.components.storage.ceph.quota import rook_quota
from infra.components.storage.contract import endpoint_url, object_store_name, purposes
from infra.components.storage.storage_class import encrypted_ebs_class
from infra.components.storage.users import StoreUser
from infra.config.model import RegionConfig
from infra.context import PLATFORM_TEAM, StackContext

HERE: Final = Path(__file__).parent
CHARTS_FILE: Final = HERE / "charts.yaml"
VALUES_FILE: Final = HERE / "values" / "rook-ceph.yaml"
OPERATOR_RELEASE: Final = "rook-ceph"
CEPH_API_VERSION: Final = "ceph.rook.io/v1"


def pin() -> ChartPin:
    return read_pins(CHARTS_FILE)["rook-ceph"]


def operator_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))
    return values


class CephObjectStore(pulumi.ComponentResource):
    endpoint: str
    ready: list[pulumi.Resource]
    namespace: k8s.core.v1.Namespace
    operator: k8s.helm.v3.Release

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: RegionConfig,
        users: Sequence[StoreUser],
        storage_class: pulumi.Resource,
        storage_key_arn: pulumi.Input[str],
        pki_ready: Sequence[pulumi.Resource],
        monitoring_crds: Sequence[pulumi.Resource],
        user_namespaces: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:ceph:CephObjectStore", name, None, opts)
        config = ctx.config
        if not specs.storage_pools(config):
            raise ValueError("storage.backend ceph needs a node pool that is neither system nor accelerated")
        if specs.ROOK_NAMESPACE not in specs.privileged_storage_namespaces():
            raise ValueError(f"{specs.ROOK_NAMESPACE} is not a storageDaemons namespace of namespaces.data.yaml")
        self.endpoint = endpoint_url("ceph")
        users = list(users)
        gateway_count = 2 if specs.is_prod(config) else 1

        governed = GovernedNamespace(
            f"{name}-ns",
            namespace=specs.ROOK_NAMESPACE,
            quota=rook_quota(config, region, gateway_count),
            labels={"ai-platform/team": PLATFORM_TEAM},
            # OSDs and mons need privileged Pod Security (policies/packs/kubernetes/namespaces.data.yaml).
            pod_security="privileged",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.namespace = governed.namespace
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        for policy_name, spec in {
            "ceph-egress": network.daemons_egress(region.cidr),
            "ceph-gateway-ingress": network.gateway_ingress(specs.user_namespaces(users)),
            "ceph-scrape-mgr": monitoring_network.scrape_ingress({"app": "rook-ceph-mgr"}, network.MGR_METRICS_PORT),
            "ceph-scrape-exporter": monitoring_network.scrape_ingress(
                {"app": "rook-ceph-exporter"}, network.EXPORTER_METRICS_PORT
            ),
        }.items():
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{policy_name}",
                metadata={"name": policy_name, "namespace": specs.ROOK_NAMESPACE},
                spec=spec,
                opts=in_namespace,
            )

        chart = pin()
        self.operator = pinned_release(
            f"{name}-operator",
            release_name=OPERATOR_RELEASE,
            pin=chart,
            namespace=specs.ROOK_NAMESPACE,
            values=operator_values(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.namespace, *monitoring_crds]),
        )
        after_operator = [self.namespace, self.operator]

        certificate = k8s.apiextensions.CustomResource(
            f"{name}-rgw-certificate",
            api_version="cert-manager.io/v1",
            kind="Certificate",
            metadata={"name": specs.RGW_TLS_SECRET, "namespace": specs.ROOK_NAMESPACE},
            spec=pki_specs.leaf_certificate_spec(secret_name=specs.RGW_TLS_SECRET, dns_names=specs.rgw_dns_names()),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.namespace, *pki_ready]),
        )
        # The cold OSDs' volumes: throughput HDD at about half gp3's price per GiB, encrypted with the same key.
        cold_class = encrypted_ebs_class(
            f"{name}-cold-storage-class",
            class_name=specs.COLD_VOLUME_CLASS,
            key_arn=storage_key_arn,
            volume_type=specs.COLD_VOLUME_TYPE,
            opts=pulumi.ResourceOptions(parent=self),
        )
        cluster = k8s.apiextensions.CustomResource(
            f"{name}-cluster",
            api_version=CEPH_API_VERSION,
            kind="CephCluster",
            metadata={"name": specs.CLUSTER_NAME, "namespace": specs.ROOK_NAMESPACE},
            spec=specs.cluster_spec(config, region),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*after_operator, storage_class, cold_class, *monitoring_crds]
            ),
        )
        # Deleting a CephBlockPool object deletes the Ceph pool and every object in it: prod's are protected
        # (a rename or a destroy stops at Pulumi), and the store keeps its RADOS namespaces on delete.
        pools = [
            k8s.apiextensions.CustomResource(
                f"{name}-pool-{pool_name}",
                api_version=CEPH_API_VERSION,
                kind="CephBlockPool",
                metadata={"name": pool_name, "namespace": specs.ROOK_NAMESPACE},
                spec=pool_spec,
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[*after_operator, cluster], protect=specs.is_prod(config)
                ),
            )
            for pool_name, pool_spec in specs.block_pools(config, region).items()
        ]
        store = k8s.apiextensions.CustomResource(
            f"{name}-store",
            api_version=CEPH_API_VERSION,
            kind="CephObjectStore",
            metadata={"name": object_store_name(), "namespace": specs.ROOK_NAMESPACE},
            spec=specs.object_store_spec(config, region, users),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*after_operator, cluster, *pools, certificate]),
        )
        store_users = [
            k8s.apiextensions.CustomResource(
                f"{name}-user-{user.name}",
                api_version=CEPH_API_VERSION,
                kind="CephObjectStoreUser",
                # Rook names the credentials Secret rook-ceph-object-user-<store>-<this name>.
                metadata={"name": user.name, "namespace": user.namespace, "labels": {"ai-platform/role": user.role}},
                spec=specs.user_spec(user, bucket_limit=len(purposes())),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[*after_operator, store, *user_namespaces]),
            )
            for user in users
        ]
        k8s.apiextensions.CustomResource(
            f"{name}-alerts",
            api_version="monitoring.coreos.com/v1",
            kind="PrometheusRule",
            metadata={
                "name": monitoring.RULE_NAME,
                "namespace": specs.ROOK_NAMESPACE,
                "labels": dict(monitoring_names.SELECTOR_LABELS),
            },
            spec={"groups": monitoring.rule_groups(config)},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.namespace, *monitoring_crds]),
        )
        self.ready = [store, *store_users]
        self.register_outputs({"endpoint": self.endpoint})
