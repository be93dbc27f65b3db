"""cert-manager and trust-manager (pinned releases), the platform CA and the trust bundle of one cluster.

A self-signed bootstrap Issuer signs the CA certificate; the ClusterIssuer `cluster_issuer()` signs every
server certificate of the platform (the object store's first). trust-manager copies the CA certificate into
the ConfigMap `ca_bundle()` of every namespace labelled TRUST_BUNDLE_LABELS, where clients mount it.
Consumers create their Certificate after `ready` (the CRDs come with the cert-manager release).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s
import yaml

from infra.components.access.namespaces import GovernedNamespace, Quota
from infra.components.chart_pins import ChartPin, pinned_release, read_pins
from infra.components.monitoring import names as monitoring_names
from infra.components.monitoring import network as monitoring_network
from infra.components.security.pki import names, network, specs
from infra.components.storage.contract import ca_bundle, cluster_issuer
from infra.context import PLATFORM_TEAM

HERE: Final = Path(__file__).parent
CHARTS_FILE: Final = HERE / "charts.yaml"
VALUES_DIR: Final = HERE / "values"
# Two replicas each of cert-manager's controller, webhook and cainjector and of trust-manager, the chart's
# startup check Job, and room for a rolling update (the charts set no limits: the LimitRange's apply).
PKI_QUOTA: Final = Quota("8", "8Gi", 0, 30)


def pin(chart: str) -> ChartPin:
    return read_pins(CHARTS_FILE)[chart]


def _values_file(chart: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((VALUES_DIR / f"{chart}.yaml").read_text(encoding="utf-8"))
    return loaded


def cert_manager_values() -> dict[str, Any]:
    values = _values_file("cert-manager")
    prometheus = values["prometheus"]
    # Prometheus selects only ServiceMonitors with the platform's selector label.
    prometheus["servicemonitor"] = {**prometheus["servicemonitor"], "labels": dict(monitoring_names.SELECTOR_LABELS)}
    return values


def trust_manager_values() -> dict[str, Any]:
    values = _values_file("trust-manager")
    app = values["app"]
    # The CA Secret lives in the PKI namespace: trust-manager reads sources there.
    app["trust"] = {"namespace": names.PKI_NAMESPACE}
    service = app["metrics"]["service"]
    service["servicemonitor"] = {**service["servicemonitor"], "labels": dict(monitoring_names.SELECTOR_LABELS)}
    return values


class PlatformPki(pulumi.ComponentResource):
    namespace: k8s.core.v1.Namespace
    cert_manager: k8s.helm.v3.Release
    trust_manager: k8s.helm.v3.Release
    cluster_issuer: k8s.apiextensions.CustomResource
    bundle: k8s.apiextensions.CustomResource
    ready: list[pulumi.Resource]
    """What a component's Certificate depends on: the CRDs (the release) and the ClusterIssuer."""

    def __init__(
        self,
        name: str,
        *,
        vpc_cidr: str,
        depends_on: list[pulumi.Resource] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:pki:PlatformPki", name, None, opts)
        governed = GovernedNamespace(
            f"{name}-ns",
            namespace=names.PKI_NAMESPACE,
            quota=PKI_QUOTA,
            labels={"ai-platform/team": PLATFORM_TEAM},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.namespace = governed.namespace
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        for policy_name, spec in {
            "pki-egress-api-server": network.api_server_egress(vpc_cidr),
            "pki-ingress-webhooks": network.webhook_ingress(vpc_cidr),
            "pki-ingress-scrape": monitoring_network.scrape_ingress({}, network.METRICS_PORT),
        }.items():
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{policy_name}",
                metadata={"name": policy_name, "namespace": names.PKI_NAMESPACE},
                spec=spec,
                opts=in_namespace,
            )

        cert_manager_pin = pin("cert-manager")
        self.cert_manager = pinned_release(
            f"{name}-cert-manager",
            release_name=names.CERT_MANAGER_RELEASE,
            pin=cert_manager_pin,
            namespace=names.PKI_NAMESPACE,
            values=cert_manager_values(),
            # Its ServiceMonitor needs the monitoring operator's CRDs.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.namespace, *(depends_on or [])]),
        )
        trust_pin = pin("trust-manager")
        self.trust_manager = pinned_release(
            f"{name}-trust-manager",
            release_name=names.TRUST_MANAGER_RELEASE,
            pin=trust_pin,
            namespace=names.PKI_NAMESPACE,
            values=trust_manager_values(),
            # Its webhook's serving certificate is a cert-manager Certificate.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.namespace, self.cert_manager]),
        )

        after_crds = pulumi.ResourceOptions(parent=self, depends_on=[self.cert_manager])
        bootstrap = k8s.apiextensions.CustomResource(
            f"{name}-bootstrap-issuer",
            api_version="cert-manager.io/v1",
            kind="Issuer",
            metadata={"name": names.BOOTSTRAP_ISSUER, "namespace": names.PKI_NAMESPACE},
            spec={"selfSigned": {}},
            opts=after_crds,
        )
        ca = k8s.apiextensions.CustomResource(
            f"{name}-ca",
            api_version="cert-manager.io/v1",
            kind="Certificate",
            metadata={"name": names.CA_CERTIFICATE, "namespace": names.PKI_NAMESPACE},
            spec=specs.ca_certificate_spec(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.cert_manager, bootstrap]),
        )
        self.cluster_issuer = k8s.apiextensions.CustomResource(
            f"{name}-cluster-issuer",
            api_version="cert-manager.io/v1",
            kind="ClusterIssuer",
            metadata={"name": cluster_issuer()},
            spec=specs.cluster_issuer_spec(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.cert_manager, ca]),
        )
        self.bundle = k8s.apiextensions.CustomResource(
            f"{name}-bundle",
            api_version="trust.cert-manager.io/v1alpha1",
            kind="Bundle",
            metadata={"name": ca_bundle()[0]},
            spec=specs.bundle_spec(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.trust_manager, ca]),
        )
        self.ready = [self.cert_manager, self.cluster_issuer]
        self.register_outputs({"clusterIssuer": cluster_issuer(), "caBundle": ca_bundle()[0]})
