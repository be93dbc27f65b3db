"""What a MinIO user's generated identity policy allows, shown on Ceph RGW, which enforces IAM user policies.

No MinIO server runs here (DESIGN §6). RGW 16.2 evaluates a user policy (IAM PutUserPolicy on its own
endpoint; the caller needs the `user-policy` cap) with the same S3 actions, resources and `s3:prefix`
condition, so the document the reconciler registers on MinIO is attached here to a fresh user of its own.
Also here: the admin client verifies the server's certificate against AWS_CA_BUNDLE.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import urllib3
from botocore.exceptions import ClientError
from bucket_kit import platform_contract, unique_stack
from minio.error import MinioAdminException
from storage_jobs.buckets.desired import identity_policy
from storage_jobs.buckets.minio_users import minio_admin, policy_name
from storage_jobs.contract import BucketContract, Grant

from tests.support.ceph import REGION, CephCluster, RgwUser

pytestmark = [pytest.mark.integration, pytest.mark.slow]

OWN, OTHER = "fraud/runs/1/drift_report.json", "churn/runs/1/drift_report.json"
# What the reader (list + read on fraud/) may do, and nothing more.
READER_REACH = {
    "list own": True,
    "read own": True,
    "list other": False,
    "read other": False,
    "list all": False,
    "write own": False,
    "delete own": False,
}


def allowed(call: Callable[[], Any]) -> bool:
    try:
        call()
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "AccessDenied", exc
        return False
    return True


def reach(client: Any, bucket: str) -> dict[str, bool]:
    return {
        "list own": allowed(lambda: client.list_objects_v2(Bucket=bucket, Prefix="fraud/")),
        "read own": allowed(lambda: client.get_object(Bucket=bucket, Key=OWN)),
        "list other": allowed(lambda: client.list_objects_v2(Bucket=bucket, Prefix="churn/")),
        "read other": allowed(lambda: client.get_object(Bucket=bucket, Key=OTHER)),
        "list all": allowed(lambda: client.list_objects_v2(Bucket=bucket)),
        "write own": allowed(lambda: client.put_object(Bucket=bucket, Key="fraud/runs/2/x.json", Body=b"{}")),
        "delete own": allowed(lambda: client.delete_object(Bucket=bucket, Key=OWN)),
    }


@pytest.fixture
def iam(rgw_env: CephCluster) -> Any:
    import boto3  # noqa: PLC0415

    assert rgw_env.admin is not None
    rgw_env.radosgw_admin("caps", "add", "--uid", rgw_env.admin.uid, "--caps", "user-policy=*")
    return boto3.client(
        "iam",
        endpoint_url=rgw_env.endpoint,
        verify=str(rgw_env.ca_bundle),
        region_name=REGION,
        aws_access_key_id=rgw_env.admin.access_key,
        aws_secret_access_key=rgw_env.admin.secret_key,
    )


@pytest.fixture
def store(rgw_env: CephCluster) -> tuple[BucketContract, str]:
    """The drift-reports bucket of a fresh stack, owned by the admin, with an object under each prefix."""
    contract = platform_contract(unique_stack()).model_copy(update={"backend": "minio"})
    bucket = contract.buckets[1].name
    owner = rgw_env.client()
    owner.create_bucket(Bucket=bucket)
    for key in (OWN, OTHER):
        owner.put_object(Bucket=bucket, Key=key, Body=b"{}")
    return contract, bucket


def attach(iam: Any, user: RgwUser, document: dict[str, Any] | None) -> None:
    assert document is not None
    iam.put_user_policy(UserName=user.uid, PolicyName=policy_name(user.uid), PolicyDocument=json.dumps(document))


def with_grant(contract: BucketContract, grant: Grant) -> BucketContract:
    buckets = list(contract.buckets)
    buckets[1] = buckets[1].model_copy(update={"grants": [grant]})
    return contract.model_copy(update={"buckets": buckets})


def test_a_reader_policy_reaches_its_prefix_only(
    rgw_env: CephCluster, iam: Any, store: tuple[BucketContract, str]
) -> None:
    contract, bucket = store
    reader = rgw_env.create_user(f"{bucket[:20]}-reader")
    assert not any(reach(rgw_env.client(reader), bucket).values())  # nothing without the policy
    grant = Grant(user=reader.uid, access=["list", "read"], prefixes=["fraud/"])
    attach(iam, reader, identity_policy(with_grant(contract, grant).buckets, reader.uid))
    assert reach(rgw_env.client(reader), bucket) == READER_REACH


def test_a_writer_policy_writes_its_prefixes_and_deletes_nothing(
    rgw_env: CephCluster, iam: Any, store: tuple[BucketContract, str]
) -> None:
    contract, bucket = store
    writer = rgw_env.create_user(f"{bucket[:20]}-writer")
    grant = Grant(user=writer.uid, access=["list", "read", "write"], prefixes=["fraud/"])
    attach(iam, writer, identity_policy(with_grant(contract, grant).buckets, writer.uid))
    client = rgw_env.client(writer)
    assert reach(client, bucket) == READER_REACH | {"write own": True}
    assert not allowed(lambda: client.put_object(Bucket=bucket, Key="churn/runs/2/x.json", Body=b"{}"))
    assert not allowed(lambda: client.put_bucket_policy(Bucket=bucket, Policy="{}"))


def test_the_reach_check_catches_a_policy_that_grants_too_much(
    rgw_env: CephCluster, iam: Any, store: tuple[BucketContract, str]
) -> None:
    """The same check fails for a document granting the whole bucket: it can tell too much from enough."""
    contract, bucket = store
    user = rgw_env.create_user(f"{bucket[:20]}-broad")
    grant = Grant(user=user.uid, access=["list", "read"], prefixes=[""])
    attach(iam, user, identity_policy(with_grant(contract, grant).buckets, user.uid))
    found = reach(rgw_env.client(user), bucket)
    assert found != READER_REACH
    assert found["read other"] and found["list all"]


def test_the_admin_client_verifies_the_server_against_the_ca_bundle(
    rgw_env: CephCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the platform CA the TLS handshake succeeds (RGW then answers the admin path with an error);
    without it the certificate is refused: verification is never off."""
    assert rgw_env.admin is not None
    keys = (rgw_env.admin.access_key, rgw_env.admin.secret_key)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(rgw_env.ca_bundle))
    with pytest.raises(MinioAdminException):
        minio_admin(rgw_env.endpoint, *keys).user_list()
    monkeypatch.delenv("AWS_CA_BUNDLE")
    with pytest.raises(urllib3.exceptions.MaxRetryError, match="CERTIFICATE_VERIFY_FAILED"):
        minio_admin(rgw_env.endpoint, *keys).user_list()
