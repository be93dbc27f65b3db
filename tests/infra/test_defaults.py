"""The program's own security defaults (issue 7, item 7), read from the offline plan of every stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.components.access.iam import CONFUSED_DEPUTY_EXEMPT
from infra.components.monitoring import names
from infra.components.network.endpoints import INTERFACE_SERVICES
from infra.components.storage.client import object_store_egress, object_store_namespace
from infra.config import load_stack_file, parse_platform_config
from infra.config.model import ADDON_NAMES, DriftJobsConfig, GateConfig, default_addon_versions
from infra.offline.fake_cloud import outputs_for
from infra.offline.plan import plan_document, run_with_config
from tests.infra.plan_view import PlanView, Resource

ROOT = Path(__file__).resolve().parents[2]
ROLE = "aws:iam/role:Role"
ADDON = "aws:eks/addon:Addon"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def _trust(role: Resource) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(role.inputs["assumeRolePolicy"])
    return document


def _services(statement: dict[str, Any]) -> list[str]:
    service = statement.get("Principal", {}).get("Service", [])
    return [service] if isinstance(service, str) else list(service)


def test_node_role_has_no_cni_policy_and_vpc_cni_uses_pod_identity(plan: PlanView) -> None:
    for attachment in plan.of_type(ATTACHMENT):
        if attachment.inputs["policyArn"].endswith("/AmazonEKS_CNI_Policy"):
            role = plan.find_by_output(ROLE, "name", attachment.inputs["role"])
            (statement,) = _trust(role)["Statement"]
            assert _services(statement) == ["pods.eks.amazonaws.com"], role.urn
            tags = statement["Condition"]["StringEquals"]
            assert tags["aws:RequestTag/kubernetes-namespace"] == "kube-system"
            assert tags["aws:RequestTag/kubernetes-service-account"] == "aws-node"
    cni = [a for a in plan.of_type(ADDON) if a.inputs["addonName"] == "vpc-cni"]
    assert cni and len(cni) == len(plan.config("regions"))
    for addon in cni:
        (association,) = addon.inputs["podIdentityAssociations"]
        assert association["serviceAccount"] == "aws-node"
        role = plan.find_by_output(ROLE, "arn", association["roleArn"])
        assert "pods.eks.amazonaws.com" in _services(_trust(role)["Statement"][0])


def test_every_service_trust_policy_has_confused_deputy_conditions(plan: PlanView) -> None:
    for role in plan.of_type(ROLE):
        for statement in _trust(role)["Statement"]:
            services = _services(statement)
            if not services or set(services) <= CONFUSED_DEPUTY_EXEMPT:
                continue
            conditions = statement.get("Condition", {})
            keys = {key for operator in conditions.values() for key in operator}
            assert "aws:SourceAccount" in keys, f"{role.urn}: {services} without aws:SourceAccount"


def test_security_groups_have_no_world_ingress_and_nodes_use_the_node_group(plan: PlanView) -> None:
    for rule in plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        assert rule.inputs.get("cidrIpv4") not in {"0.0.0.0/0"}, rule.urn
        assert "cidrIpv6" not in rule.inputs, rule.urn
    for template in plan.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        (group_id,) = template.inputs["vpcSecurityGroupIds"]
        group = plan.find_by_output("aws:ec2/securityGroup:SecurityGroup", "id", group_id)
        assert group.name.endswith("-sg-nodes")
    for cluster in plan.of_type("aws:eks/cluster:Cluster"):
        (group_id,) = cluster.inputs["vpcConfig"]["securityGroupIds"]
        assert plan.find_by_output("aws:ec2/securityGroup:SecurityGroup", "id", group_id).name.endswith("-sg-cluster")


def test_every_region_has_private_endpoints_reachable_on_443_from_the_vpc_only(plan: PlanView) -> None:
    cidrs = {r["name"]: r["cidr"] for r in plan.config("regions")}
    endpoints = plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    for region, cidr in cidrs.items():
        mine = [e for e in endpoints if plan.region_of(e) == region]
        interface = {
            e.inputs["serviceName"].rsplit(f"{region}.", 1)[1]
            for e in mine
            if e.inputs["vpcEndpointType"] == "Interface"
        }
        assert interface == set(INTERFACE_SERVICES)
        assert any(e.inputs["vpcEndpointType"] == "Gateway" and e.inputs["serviceName"].endswith(".s3") for e in mine)
        for endpoint in mine:
            if endpoint.inputs["vpcEndpointType"] == "Interface":
                assert endpoint.inputs["privateDnsEnabled"] is True
                (group_id,) = endpoint.inputs["securityGroupIds"]
                group = plan.find_by_output("aws:ec2/securityGroup:SecurityGroup", "id", group_id)
                rules = [
                    r
                    for r in plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                    if r.inputs["securityGroupId"] == group_id
                ]
                assert [(r.inputs["cidrIpv4"], r.inputs["fromPort"], r.inputs["toPort"]) for r in rules] == [
                    (cidr, 443, 443)
                ], group.urn
            if endpoint.inputs["serviceName"].endswith(".s3") and endpoint.inputs["vpcEndpointType"] == "Interface":
                # S3 names resolve to the interface endpoint inside the VPC, so S3 is inside the VPC CIDR.
                assert endpoint.inputs["dnsOptions"]["privateDnsOnlyForInboundResolverEndpoint"] is False


def test_drift_jobs_egress_is_dns_the_object_store_and_pushgateway_only(plan: PlanView) -> None:
    backend = plan.config("storage")["backend"]
    policies = [p for p in plan.k8s_objects("NetworkPolicy") if p.inputs["metadata"]["name"] == "drift-jobs-egress"]
    assert len(policies) == len(plan.config("regions"))  # every stack declares models
    allowed = {"kube-system", names.MONITORING_NAMESPACE, object_store_namespace(backend)}
    for policy in policies:
        for rule in policy.inputs["spec"]["egress"]:
            assert rule.get("to"), f"{policy.urn}: an egress rule without `to` allows any destination"
            for peer in rule["to"]:
                assert "ipBlock" not in peer, f"{policy.urn}: the jobs need no address outside the cluster"
                assert peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] in allowed
        assert object_store_egress(backend) in policy.inputs["spec"]["egress"]


def test_one_multi_region_validated_encrypted_trail_into_a_locked_bucket(plan: PlanView) -> None:
    (trail,) = plan.of_type("aws:cloudtrail/trail:Trail")
    assert trail.inputs["isMultiRegionTrail"] is True
    assert trail.inputs["enableLogFileValidation"] is True
    plan.find_by_output("aws:kms/key:Key", "arn", trail.inputs["kmsKeyId"])
    bucket = plan.find_by_output("aws:s3/bucket:Bucket", "bucket", trail.inputs["s3BucketName"])
    assert bucket.inputs["objectLockEnabled"] is True
    configures = {r.type for r in plan.resources if r.inputs.get("bucket") == trail.inputs["s3BucketName"]}
    assert {
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    } <= configures
    (lifecycle,) = (
        r
        for r in plan.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        if r.inputs.get("bucket") == trail.inputs["s3BucketName"]
    )
    (rule,) = lifecycle.inputs["rules"]
    assert "expiration" not in rule  # current log files are the audit record: only noncurrent versions expire
    assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] > 0


def test_every_platform_bucket_but_the_log_buckets_has_access_logging(plan: PlanView) -> None:
    logged = {r.inputs["bucket"] for r in plan.of_type("aws:s3/bucketLogging:BucketLogging")}
    targets = {r.inputs["targetBucket"] for r in plan.of_type("aws:s3/bucketLogging:BucketLogging")}
    for bucket in plan.of_type("aws:s3/bucket:Bucket"):
        name = _bucket(plan, bucket)
        assert name in logged or name in targets, bucket.urn
    assert not logged & targets, "a log bucket must not log into itself"


def _bucket(plan: PlanView, bucket: Resource) -> str:
    _, state = outputs_for(bucket.type, bucket.name, bucket.inputs, plan.region_of(bucket))
    name: str = state["bucket"]
    return name


def test_every_addon_is_pinned_to_the_configured_version(plan: PlanView) -> None:
    expected = default_addon_versions()[plan.document["config"]["ai-platform:kubernetesVersion"]]
    addons = plan.of_type(ADDON)
    assert {a.inputs["addonName"] for a in addons} == set(ADDON_NAMES)
    for addon in addons:
        assert addon.inputs["addonVersion"] == expected[addon.inputs["addonName"]]
        assert addon.inputs["resolveConflictsOnUpdate"] == "OVERWRITE"


def test_changing_an_addon_version_updates_the_same_resource() -> None:
    """The upgrade path: a new version in config gives the same URN with only addonVersion changed."""
    config, config_map = load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    before = PlanView(plan_document(*run_with_config("dev", config, config_map, ROOT)))
    upgraded_map = {**config_map, "ai-platform:addons": {"versions": {"coredns": "v1.99.0-eksbuild.1"}}}
    upgraded = parse_platform_config(upgraded_map)
    after = PlanView(plan_document(*run_with_config("dev", upgraded, upgraded_map, ROOT)))
    old = {a.urn: a for a in before.of_type(ADDON)}
    new = {a.urn: a for a in after.of_type(ADDON)}
    assert old.keys() == new.keys()
    for urn, addon in new.items():
        changed = {
            k for k in addon.inputs.keys() | old[urn].inputs.keys() if addon.inputs.get(k) != old[urn].inputs.get(k)
        }
        if addon.inputs["addonName"] == "coredns":
            assert changed == {"addonVersion"}
            assert addon.inputs["addonVersion"] == "v1.99.0-eksbuild.1"
        else:
            assert changed == set()


def test_defaults_trust_only_the_projects_registry_and_pin_the_drift_image_by_digest(plan: PlanView) -> None:
    assert GateConfig().allowed_registries == ["ghcr.io/ai-platform/"]
    assert "@sha256:" in DriftJobsConfig().image
    for cronjob in plan.k8s_objects("CronJob"):
        for container in cronjob.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]:
            assert "@sha256:" in container["image"], cronjob.urn
