"""The bucket policy and lifecycle the contract asks for, as pure data (the RGW tests show they are enforced)."""

from __future__ import annotations

from storage_jobs.buckets.desired import bucket_policy, lifecycle_rules, rule_key, wanted_lifecycle
from storage_jobs.contract import BucketSpec, Grant, LifecycleRule


def _spec(*grants: Grant) -> BucketSpec:
    return BucketSpec(name="ai-platform-prod-eu-west-1-drift-reports", purpose="drift-reports", grants=list(grants))


def test_each_access_maps_to_its_actions_on_its_prefixes_only() -> None:
    policy = bucket_policy(
        _spec(Grant(user="drift-fraud", access=["list", "read"], prefixes=["fraud/"])), deny_plain_http=False
    )
    assert policy is not None
    listing, reading = policy["Statement"]
    assert listing["Principal"] == {"AWS": ["arn:aws:iam:::user/drift-fraud"]}
    assert listing["Resource"] == ["arn:aws:s3:::ai-platform-prod-eu-west-1-drift-reports"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["fraud/*"]}}
    assert reading["Action"] == ["s3:GetObject", "s3:GetObjectVersion"]
    assert reading["Resource"] == ["arn:aws:s3:::ai-platform-prod-eu-west-1-drift-reports/fraud/*"]
    assert not any("Put" in a or "Delete" in a for s in policy["Statement"] for a in s["Action"])


def test_the_whole_bucket_prefix_lists_without_a_condition() -> None:
    policy = bucket_policy(_spec(Grant(user="bucket-reader", access=["list"], prefixes=[""])), deny_plain_http=False)
    assert policy is not None and "Condition" not in policy["Statement"][0]


def test_plain_http_denies_cover_both_forms_of_the_transport_key() -> None:
    policy = bucket_policy(_spec(), deny_plain_http=True)
    assert policy is not None
    conditions = [s["Condition"] for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert conditions == [{"Bool": {"aws:SecureTransport": "false"}}, {"Null": {"aws:SecureTransport": "true"}}]
    assert bucket_policy(_spec(), deny_plain_http=False) is None


def test_a_rule_read_back_with_a_bare_prefix_compares_equal() -> None:
    spec = BucketSpec(
        name="ai-platform-dev-us-east-1-models",
        purpose="models",
        lifecycle=[LifecycleRule(id="tiers", transition_days=30, storage_class="COLD", noncurrent_expiration_days=365)],
    )
    (sent,) = lifecycle_rules(spec)
    returned = {k: v for k, v in sent.items() if k != "Filter"} | {"Prefix": ""}
    assert [rule_key(returned)] == wanted_lifecycle(spec)
    assert rule_key({**returned, "Status": "Disabled"}) != rule_key(returned)
