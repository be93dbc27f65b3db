"""Mapping between pulumi-kubernetes type tokens and Kubernetes apiVersion/kind."""

from __future__ import annotations


def type_token(api_version: str, kind: str) -> str:
    """`apps/v1` + `Deployment` → `kubernetes:apps/v1:Deployment`; core `v1` → `kubernetes:core/v1:...`."""
    group_version = api_version if "/" in api_version else f"core/{api_version}"
    return f"kubernetes:{group_version}:{kind}"


def api_version_and_kind(token: str) -> tuple[str, str]:
    """`kubernetes:core/v1:Namespace` → (`v1`, `Namespace`); `kubernetes:apps/v1:Deployment` → (`apps/v1`, ...)."""
    _, group_version, kind = token.split(":")
    group, _, version = group_version.partition("/")
    return (version if group == "core" else group_version), kind


def group_version_kind(api_version: str, kind: str) -> dict[str, str]:
    """The admission review's `kind` field: group ("" for core), version, kind."""
    group, _, version = api_version.rpartition("/")
    return {"group": group, "version": version, "kind": kind}
