"""The ceph_rgw fixture: a real RGW serving S3 on loopback, users created with radosgw-admin."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support.ceph import CephCluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_rgw_serves_s3_and_users_are_separate(ceph_rgw: CephCluster) -> None:
    admin = ceph_rgw.client()
    admin.create_bucket(Bucket="fixture-probe")
    admin.put_object(Bucket="fixture-probe", Key="a/b.txt", Body=b"hello")
    assert admin.get_object(Bucket="fixture-probe", Key="a/b.txt")["Body"].read() == b"hello"
    other = ceph_rgw.client(ceph_rgw.create_user("fixture-other"))
    with pytest.raises(ClientError) as denied:
        other.get_object(Bucket="fixture-probe", Key="a/b.txt")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
