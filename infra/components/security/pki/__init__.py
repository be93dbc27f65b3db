"""The platform's private PKI: cert-manager, trust-manager, the platform CA and its trust bundle."""
