"""The PKI's objects as data: the CA chain, the ClusterIssuer, the trust bundle and leaf certificates."""

from __future__ import annotations

from typing import Any, Final

from infra.components.security.pki import names
from infra.components.storage.contract import ca_bundle, cluster_issuer

# A long-lived CA (10 years, renewed a year ahead) signs short-lived leaves (1 year, renewed 30 days ahead).
CA_DURATION: Final = "87600h"
CA_RENEW_BEFORE: Final = "8760h"
LEAF_DURATION: Final = "8760h"
LEAF_RENEW_BEFORE: Final = "720h"


def ca_certificate_spec() -> dict[str, Any]:
    return {
        "isCA": True,
        "commonName": "ai-platform internal CA",
        "secretName": names.CA_SECRET,
        "duration": CA_DURATION,
        "renewBefore": CA_RENEW_BEFORE,
        "privateKey": {"algorithm": "ECDSA", "size": 384, "rotationPolicy": "Never"},
        "issuerRef": {"kind": "Issuer", "name": names.BOOTSTRAP_ISSUER, "group": "cert-manager.io"},
    }


def cluster_issuer_spec() -> dict[str, Any]:
    # A ClusterIssuer reads its CA Secret from cert-manager's cluster resource namespace (the PKI namespace).
    return {"ca": {"secretName": names.CA_SECRET}}


def bundle_spec() -> dict[str, Any]:
    configmap, key = ca_bundle()
    del configmap  # the Bundle's own name is the ConfigMap's name
    return {
        "sources": [{"secret": {"name": names.CA_SECRET, "key": names.CA_SECRET_KEY}}],
        "target": {
            "configMap": {"key": key},
            "namespaceSelector": {"matchLabels": dict(names.TRUST_BUNDLE_LABELS)},
        },
    }


def leaf_certificate_spec(*, secret_name: str, dns_names: list[str]) -> dict[str, Any]:
    """A server certificate from the platform CA (each component creates its own)."""
    return {
        "secretName": secret_name,
        "commonName": dns_names[0],
        "dnsNames": dns_names,
        "duration": LEAF_DURATION,
        "renewBefore": LEAF_RENEW_BEFORE,
        "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
        "usages": ["server auth", "digital signature", "key encipherment"],
        "issuerRef": {"kind": "ClusterIssuer", "name": cluster_issuer(), "group": "cert-manager.io"},
    }
