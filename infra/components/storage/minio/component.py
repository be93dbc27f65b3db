"""MinIO as the region's object store (storage.backend: minio, the legacy backend; docs/storage-minio.md).

The operator is a pinned Helm release; the Tenant, its certificate, its users' credentials and its
ServiceMonitor are native objects that wait for the release installing their CRDs. Each object-store user
(infra/components/storage/users.py) gets generated keys written twice: into the Tenant's namespace, where the
operator reads every `users` Secret (it only looks there), and into the user's own namespace under the same
name, where the workload's pods read it (a pod can only mount Secrets of its own namespace).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from infra.components.access.namespaces import GovernedNamespace, Quota
from infra.components.chart_pins import pinned_release
from infra.components.storage import contract
from infra.components.storage.minio import network, tenant
from infra.components.storage.users import StoreUser, credentials_secret, object_store_users
from infra.config.model import RegionConfig
from infra.context import PLATFORM_TEAM, StackContext

OPERATOR_QUOTA: Final = Quota("2", "2Gi", 0, 10)
LABELS: Final = {"app.kubernetes.io/part-of": "ai-platform", "app.kubernetes.io/component": "object-store"}
ACCESS_KEY_LENGTH: Final = 20
SECRET_KEY_LENGTH: Final = 40


def credential_data(backend_user: str, secret_key: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
    """The keys the operator reads (CONSOLE_ACCESS_KEY / CONSOLE_SECRET_KEY) and workloads map to AWS_* env.
    The access key is the user's name, so MinIO's IAM (and the reconciler's policies) name it plainly."""
    ref = credentials_secret("minio", backend_user)
    return {ref.access_key_key: backend_user, ref.secret_key_key: secret_key}


def tenant_quota(ctx: StackContext) -> Quota:
    """Room for every server pod (its MinIO container's limits, and the operator's sidecar at the namespace's
    default limits) plus one more, for a rolling restart."""
    pods = ctx.config.storage.minio.servers + 1
    per_pod = tenant.per_pod_limits()
    return Quota(f"{per_pod.cpu_millis * pods}m", f"{per_pod.memory_mib * pods}Mi", 0, 2 * pods)


class MinioObjectStore(pulumi.ComponentResource):
    release: k8s.helm.v3.Release
    tenant: k8s.apiextensions.CustomResource

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: RegionConfig,
        depends_on: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:storage:MinioObjectStore", name, None, opts)
        operator_ns = contract.namespace("minioOperator")
        tenant_ns = contract.namespace("minioTenant")
        users = object_store_users(ctx.config)
        operator_namespace = GovernedNamespace(
            f"{name}-operator-ns",
            namespace=operator_ns,
            quota=OPERATOR_QUOTA,
            labels={"ai-platform/team": PLATFORM_TEAM},
            opts=pulumi.ResourceOptions(parent=self),
        )
        tenant_namespace = GovernedNamespace(
            f"{name}-tenant-ns",
            namespace=tenant_ns,
            quota=tenant_quota(ctx),
            labels={"ai-platform/team": PLATFORM_TEAM},
            opts=pulumi.ResourceOptions(parent=self),
        )
        in_operator_ns = pulumi.ResourceOptions(parent=self, depends_on=[operator_namespace.namespace])
        in_tenant_ns = pulumi.ResourceOptions(parent=self, depends_on=[tenant_namespace.namespace])
        k8s.networking.v1.NetworkPolicy(
            f"{name}-operator-egress",
            metadata={"name": "minio-operator-egress", "namespace": operator_ns, "labels": LABELS},
            spec=network.operator_egress(region.cidr),
            opts=in_operator_ns,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-tenant-ingress",
            metadata={"name": "minio-ingress", "namespace": tenant_ns, "labels": LABELS},
            spec=network.tenant_ingress(sorted({u.namespace for u in users})),
            opts=in_tenant_ns,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-tenant-egress",
            metadata={"name": "minio-egress", "namespace": tenant_ns, "labels": LABELS},
            spec=network.tenant_egress(region.cidr),
            opts=in_tenant_ns,
        )

        pin = tenant.operator_pin()
        self.release = pinned_release(
            f"{name}-operator",
            release_name=tenant.OPERATOR_RELEASE,
            pin=pin,
            namespace=operator_ns,
            values=tenant.operator_values(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[operator_namespace.namespace]),
        )
        # cert-manager's CRDs come with the PKI component (depends_on from InCluster).
        after_crds = pulumi.ResourceOptions(
            parent=self, depends_on=[tenant_namespace.namespace, self.release, *depends_on]
        )
        issuer = {"kind": "ClusterIssuer", "name": contract.cluster_issuer(), "group": "cert-manager.io"}
        certificate = k8s.apiextensions.CustomResource(
            f"{name}-certificate",
            api_version="cert-manager.io/v1",
            kind="Certificate",
            metadata={"name": tenant.tls_secret_name(), "namespace": tenant_ns, "labels": LABELS},
            spec={
                "secretName": tenant.tls_secret_name(),
                "dnsNames": tenant.dns_names(),
                "issuerRef": issuer,
                "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
                "duration": "2160h",
                "renewBefore": "720h",
            },
            opts=after_crds,
        )
        # Only its ca.crt matters: the operator trusts the CA of Secrets named operator-ca-tls-* in its namespace.
        k8s.apiextensions.CustomResource(
            f"{name}-operator-trust",
            api_version="cert-manager.io/v1",
            kind="Certificate",
            metadata={"name": f"{tenant.OPERATOR_CA_PREFIX}{tenant_ns}", "namespace": operator_ns, "labels": LABELS},
            spec={
                "secretName": f"{tenant.OPERATOR_CA_PREFIX}{tenant_ns}",
                "dnsNames": [f"{tenant.OPERATOR_RELEASE}.{operator_ns}.svc"],
                "issuerRef": issuer,
                "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.release, *depends_on]),
        )

        random_provider = random.Provider(f"{name}-random", opts=pulumi.ResourceOptions(parent=self))
        keyed = pulumi.ResourceOptions(parent=self, provider=random_provider)
        root_user = random.RandomPassword(f"{name}-root-user", length=ACCESS_KEY_LENGTH, special=False, opts=keyed)
        root_password = random.RandomPassword(
            f"{name}-root-password", length=SECRET_KEY_LENGTH, special=False, opts=keyed
        )
        configuration = k8s.core.v1.Secret(
            f"{name}-configuration",
            metadata={"name": tenant.configuration_secret_name(), "namespace": tenant_ns, "labels": LABELS},
            type="Opaque",
            string_data={
                "config.env": pulumi.Output.format(
                    "export MINIO_ROOT_USER={0}\nexport MINIO_ROOT_PASSWORD={1}\n",
                    root_user.result,
                    root_password.result,
                )
            },
            opts=in_tenant_ns,
        )
        user_secrets = [self._user(name, user, tenant_ns, keyed, in_tenant_ns, depends_on) for user in users]

        self.tenant = k8s.apiextensions.CustomResource(
            f"{name}-tenant",
            api_version="minio.min.io/v2",
            kind="Tenant",
            metadata={"name": tenant.tenant_name(), "namespace": tenant_ns, "labels": LABELS},
            spec=tenant.tenant_spec(
                ctx.config,
                project=ctx.project,
                stack=ctx.stack,
                region=region.name,
                users=[credentials_secret("minio", u.name).name for u in users],
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[tenant_namespace.namespace, self.release, certificate, configuration, *user_secrets],
            ),
        )
        k8s.apiextensions.CustomResource(
            f"{name}-service-monitor",
            api_version="monitoring.coreos.com/v1",
            kind="ServiceMonitor",
            metadata={
                "name": tenant.tenant_name(),
                "namespace": tenant_ns,
                "labels": {**LABELS, **tenant.service_monitor_labels()},
            },
            spec=tenant.service_monitor_spec(ctx.config.monitoring.scrape_interval_seconds),
            opts=after_crds,
        )
        self.register_outputs({"endpoint": contract.endpoint_url("minio")})

    def _user(
        self,
        name: str,
        user: StoreUser,
        tenant_ns: str,
        keyed: pulumi.ResourceOptions,
        in_tenant_ns: pulumi.ResourceOptions,
        depends_on: Sequence[pulumi.Resource],
    ) -> k8s.core.v1.Secret:
        ref = credentials_secret("minio", user.name)
        secret_key = random.RandomPassword(
            f"{name}-user-{user.name}", length=SECRET_KEY_LENGTH, special=False, opts=keyed
        )
        data = credential_data(user.name, secret_key.result)
        labels = {**LABELS, "ai-platform/object-store-user": user.name}
        operator_copy = k8s.core.v1.Secret(
            f"{name}-user-{user.name}",
            metadata={"name": ref.name, "namespace": tenant_ns, "labels": labels},
            type="Opaque",
            string_data=data,
            opts=in_tenant_ns,
        )
        k8s.core.v1.Secret(
            f"{name}-user-{user.name}-workload",
            metadata={"name": ref.name, "namespace": user.namespace, "labels": labels},
            type="Opaque",
            string_data=data,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)),
        )
        return operator_copy
