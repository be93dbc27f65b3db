"""The object-store client wiring every job shares (infra/components/storage/client.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import drift_jobs.read.storage
import pytest
import storage_jobs.buckets.store
import yaml

from infra.components.storage.bucket_reconciler import job_spec, reconciler_pod
from infra.components.storage.client import CREDENTIALS_MODE, credentials_volume, object_store_env
from infra.config import load_stack_file
from infra.context import StackContext
from policies.gate.checkov.toolenv import OFFLINE_ARGUMENTS, checkov_executable, offline_environment

ROOT = Path(__file__).resolve().parents[2]


def test_both_jobs_read_the_key_files_the_environment_names() -> None:
    # client.py takes the names from storage_jobs; the drift job's image carries its own copy of them.
    named = {e["name"] for e in object_store_env("ceph", "eu-west-1")}
    for job in (drift_jobs.read.storage, storage_jobs.buckets.store):
        assert {job.ACCESS_KEY_FILE_ENV, job.SECRET_KEY_FILE_ENV} <= named, job.__name__


def test_the_environment_carries_no_key() -> None:
    env = object_store_env("minio", "eu-west-1")
    assert [e["name"] for e in env if "valueFrom" in e or e["name"][-6:] == "KEY_ID"] == []


def test_the_key_files_are_readable_by_the_job_alone() -> None:
    volume = credentials_volume("ceph", "bucket-admin")
    assert volume["secret"]["defaultMode"] == CREDENTIALS_MODE == 0o440


@pytest.mark.skipif(not checkov_executable().exists(), reason="no checkov tool environment")
def test_checkov_finds_no_secret_in_the_reconcilers_environment(tmp_path: Path) -> None:
    # The real checkov on the pod client.py wires (CKV_K8S_35: secrets as files, not environment variables).
    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    pod = reconciler_pod(StackContext("ai-platform", "dev", config), config.regions[0].name)
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "bucket-reconciler", "namespace": "ai-platform-storage"},
        "spec": job_spec(pod),
    }
    manifest = tmp_path / "job.yaml"
    manifest.write_text(yaml.safe_dump(job))
    command = [str(checkov_executable()), *OFFLINE_ARGUMENTS, "-f", str(manifest), "--framework", "kubernetes"]
    completed = subprocess.run(
        [*command, "--check", "CKV_K8S_35", "-o", "json"],
        capture_output=True,
        text=True,
        env=offline_environment(),
        check=False,
        timeout=300,
    )
    summary = json.loads(completed.stdout)["summary"]
    assert (summary["passed"], summary["failed"]) == (1, 0), completed.stdout[-2000:]
