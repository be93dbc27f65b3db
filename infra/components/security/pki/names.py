"""Names the PKI shares with the components that get certificates or trust the platform CA."""

from __future__ import annotations

from typing import Final

from infra.components.storage.contract import namespace

PKI_NAMESPACE: Final = namespace("certManager")
CERT_MANAGER_RELEASE: Final = "cert-manager"
TRUST_MANAGER_RELEASE: Final = "trust-manager"

# The self-signed Issuer exists only to sign the CA certificate; the CA's key pair lives in this Secret of
# the PKI namespace (the ClusterIssuer's cluster resource namespace, and trust-manager's trust namespace).
BOOTSTRAP_ISSUER: Final = "ai-platform-bootstrap"
CA_CERTIFICATE: Final = "ai-platform-ca"
CA_SECRET: Final = "ai-platform-ca"
# A self-signed CA's Secret holds the CA certificate under tls.crt (and ca.crt).
CA_SECRET_KEY: Final = "tls.crt"

# trust-manager writes the CA bundle ConfigMap (contract.ca_bundle()) into every namespace with this label.
# The namespaces of the object-store users carry it (their workloads mount the bundle to verify the store).
TRUST_BUNDLE_LABEL: Final = "ai-platform/trust-bundle"
TRUST_BUNDLE_VALUE: Final = "platform-ca"
TRUST_BUNDLE_LABELS: Final[dict[str, str]] = {TRUST_BUNDLE_LABEL: TRUST_BUNDLE_VALUE}

CERTIFICATE_TYPE: Final = "kubernetes:cert-manager.io/v1:Certificate"
