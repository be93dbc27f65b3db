"""The bucket contract: what the platform's program asks of an object store, as one JSON document.

The Pulumi program (infra/components/storage/buckets.py) renders it from the stack config into a ConfigMap;
the bucket reconciler (`storage-jobs buckets apply`) reads it in the cluster and makes the object store match.
This module is the only definition of its shape on both sides.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

CONTRACT_VERSION: Final = 1
Access = Literal["list", "read", "write"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LifecycleRule(Model):
    """One S3 lifecycle rule. Days of 0 or None mean the action is absent."""

    id: str = Field(min_length=1, max_length=255)
    prefix: str = ""
    transition_days: int | None = Field(default=None, ge=1)
    storage_class: str | None = Field(default=None, description="Target class of the transition (cold tier).")
    expiration_days: int | None = Field(default=None, ge=1)
    noncurrent_expiration_days: int | None = Field(default=None, ge=1)
    abort_multipart_days: int = Field(default=7, ge=1)


class ObjectLock(Model):
    mode: Literal["COMPLIANCE", "GOVERNANCE"]
    days: int = Field(ge=1)


class Grant(Model):
    """What one object-store user may do under some prefixes of a bucket (least privilege, per workload)."""

    user: str = Field(min_length=1, description="The object-store user id (Rook CephObjectStoreUser name).")
    access: list[Access] = Field(min_length=1)
    prefixes: list[str] = Field(min_length=1, description="Key prefixes; '' is the whole bucket.")


class BucketSpec(Model):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    purpose: str
    versioning: bool = True
    object_lock: ObjectLock | None = None
    lifecycle: list[LifecycleRule] = Field(default_factory=list)
    grants: list[Grant] = Field(default_factory=list)


class BucketContract(Model):
    version: Literal[1] = CONTRACT_VERSION
    backend: Literal["ceph", "minio"]
    buckets: list[BucketSpec]
