"""Helpers for the bucket reconciler tests: contracts named by the platform's convention, an in-process CLI."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from storage_jobs.cli import main
from storage_jobs.contract import BucketContract, BucketSpec, Grant, LifecycleRule, ObjectLock

from infra.components.storage.contract import bucket_name, cold_storage_class, object_lock_mode


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, Any]:
        return dict(json.loads(self.stdout))

    def bucket(self, name: str) -> dict[str, Any]:
        return next(b for b in self.summary["buckets"] if b["name"] == name)


def unique_stack() -> str:
    """A stack name per test: the session shares one RGW, each test gets its own buckets."""
    return "t" + uuid.uuid4().hex[:6]


def spec(stack: str, purpose: str, **fields: Any) -> BucketSpec:
    return BucketSpec(name=bucket_name("ai-platform", stack, "us-east-1", purpose), purpose=purpose, **fields)


def platform_contract(stack: str, reader: str | None = None, writer: str | None = None) -> BucketContract:
    """Three purposes the way the program renders them: tiers, noncurrent expiry, a locked backup bucket."""
    grants = []
    if reader:
        grants.append(Grant(user=reader, access=["list", "read"], prefixes=["fraud/"]))
    if writer:
        grants.append(Grant(user=writer, access=["list", "read", "write"], prefixes=["fraud/", "churn/"]))
    return BucketContract(
        backend="ceph",
        buckets=[
            spec(
                stack,
                "inference-logs",
                lifecycle=[
                    LifecycleRule(
                        id="tiers",
                        transition_days=30,
                        storage_class=cold_storage_class(),
                        expiration_days=190,
                        noncurrent_expiration_days=7,
                    ),
                    LifecycleRule(id="fraud-retention", prefix="fraud/", expiration_days=90),
                ],
            ),
            spec(stack, "drift-reports", lifecycle=[LifecycleRule(id="tiers", expiration_days=730)], grants=grants),
            spec(
                stack,
                "backups",
                object_lock=ObjectLock(mode=object_lock_mode(), days=1),  # type: ignore[arg-type]
                lifecycle=[LifecycleRule(id="retention", expiration_days=35, noncurrent_expiration_days=35)],
            ),
        ],
    )


def write_contract(contract: BucketContract, path: Path) -> Path:
    path.write_text(json.dumps(contract.model_dump(mode="json")))
    return path


def apply(contract_file: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> CliResult:
    code = main(["buckets", "apply", "--contract", str(contract_file), *extra])
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)
