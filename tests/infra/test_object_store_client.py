"""The object-store client wiring every job shares (infra/components/storage/client.py)."""

from __future__ import annotations

import drift_jobs.storage
import storage_jobs.buckets.store

from infra.components.storage.client import CREDENTIALS_MODE, credentials_volume, object_store_env


def test_both_jobs_read_the_key_files_the_environment_names() -> None:
    # client.py takes the names from storage_jobs; the drift job's image carries its own copy of them.
    named = {e["name"] for e in object_store_env("ceph", "eu-west-1")}
    for job in (drift_jobs.storage, storage_jobs.buckets.store):
        assert {job.ACCESS_KEY_FILE_ENV, job.SECRET_KEY_FILE_ENV} <= named, job.__name__


def test_the_environment_carries_no_key() -> None:
    env = object_store_env("minio", "eu-west-1")
    assert [e["name"] for e in env if "valueFrom" in e or e["name"][-6:] == "KEY_ID"] == []


def test_the_key_files_are_readable_by_the_job_alone() -> None:
    volume = credentials_volume("ceph", "bucket-admin")
    assert volume["secret"]["defaultMode"] == CREDENTIALS_MODE == 0o440
