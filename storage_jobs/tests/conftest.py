"""Fixtures of the storage job tests: the AWS environment of the session's RGW for one test."""

from __future__ import annotations

import pytest

from tests.support.ceph import CephCluster


@pytest.fixture
def rgw_env(ceph_rgw: CephCluster, monkeypatch: pytest.MonkeyPatch) -> CephCluster:
    """The reconciler's environment: the admin user (bucket owner) on the HTTPS endpoint, CA bundle set."""
    for key, value in ceph_rgw.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return ceph_rgw
