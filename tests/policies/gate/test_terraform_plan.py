"""The plan's AWS resources as a Terraform plan for checkov (policies/gate/checkov/terraform_plan.py).

Conversion rules on single resources; checkov's real verdicts (the tool environment's checkov, one process for
all small plans of this module) on the fixture cases; and the three stacks' plans: every AWS type they use
converts or is expected not to, every check checkov registers for the converted types is in our table, and on
prod the checks that span resources see each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from checkov_plan_support import Verdicts, from_case, resource, run_checkov, urn
from session_cache import OfflinePlans

from infra.pulumi_wire import SECRET, SECRET_SIGNATURE, SIGNATURE_KEY, UNKNOWN
from policies.gate.checkov import registry
from policies.gate.checkov.mapping import checkov_mapping
from policies.gate.checkov.registry import (
    RegistryError,
    checks_for_type,
    known_terraform_types,
    terraform_cache_file,
    terraform_checks,
)
from policies.gate.checkov.sdk_shapes import MAP, object_fields, resource_fields
from policies.gate.checkov.terraform_names import singular
from policies.gate.checkov.terraform_plan import PROVIDER_NAME, TerraformPlan, to_terraform_plan
from policies.gate.checkov.toolenv import pinned_version
from policies.gate.inputs.plan import parse_plan

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures" / "terraform_plan"
STACKS = ("dev", "staging", "prod")
# Pulumi's aws:autoscaling/tag is Terraform's aws_autoscaling_group_tag: no rule derives one from the other, and
# the only checks checkov registers for it (CKV2_AWS_37/75) are for other services.
EXPECTED_UNCONVERTED = {"aws:autoscaling/tag:Tag"}
# Checks that join resources through references, which the prod plan satisfies everywhere.
CROSS_RESOURCE_CHECKS = ("CKV2_AWS_6", "CKV_AWS_19", "CKV_AWS_21", "CKV2_AWS_61", "CKV_AWS_58", "CKV2_AWS_5")


def convert(*resources: Any, operations: dict[str, str] | None = None) -> TerraformPlan:
    return to_terraform_plan(list(resources), known_terraform_types(), operations)


def only(plan: TerraformPlan, key: str) -> dict[str, Any]:
    """The single resource's entry of `planned_values` ("values"), `configuration` ("expressions") or change."""
    if key == "values":
        (entry,) = plan.document["planned_values"]["root_module"]["resources"]
        return dict(entry["values"])
    if key == "expressions":
        (entry,) = plan.document["configuration"]["root_module"]["resources"]
        return dict(entry["expressions"])
    (entry,) = plan.document["resource_changes"]
    return dict(entry["change"])


# --- types --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "terraform_type"),
    [
        ("aws:s3/bucket:Bucket", "aws_s3_bucket"),  # aws_<module>_<snake>
        ("aws:ec2/vpc:Vpc", "aws_vpc"),  # aws_<snake>
        ("aws:cloudtrail/trail:Trail", "aws_cloudtrail"),  # aws_<module>
        ("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws_iam_openid_connect_provider"),  # underscores
        ("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "aws_s3_bucket_replication_configuration"),
        ("aws:amp/workspace:Workspace", "aws_prometheus_workspace"),  # module alias (data)
    ],
)
def test_terraform_type_is_derived_from_the_token(token: str, terraform_type: str) -> None:
    plan = convert(resource(token, "x"))
    assert list(plan.addresses) == [f"{terraform_type}.x"]
    assert plan.addresses[f"{terraform_type}.x"] == urn(token, "x")


def test_a_type_checkov_does_not_know_is_listed_unconverted() -> None:
    tag = resource("aws:autoscaling/tag:Tag", "t")
    plan = convert(tag, resource("aws:s3/bucket:Bucket", "b"))
    assert plan.unconverted == {"aws:autoscaling/tag:Tag": (tag.urn,)}
    assert list(plan.addresses) == ["aws_s3_bucket.b"]


def test_providers_components_and_other_packages_are_not_converted() -> None:
    plan = convert(
        resource("pulumi:providers:aws", "default"),
        resource("ai-platform:audit:AuditTrail", "trail", custom=False),
        resource("kubernetes:core/v1:Namespace", "ns"),
    )
    assert plan.addresses == {}
    assert plan.unconverted == {}
    assert plan.document["planned_values"]["root_module"]["resources"] == []


def test_document_has_what_checkov_requires() -> None:
    plan = convert(resource("aws:kms/key:Key", "k", {"enableKeyRotation": True}))
    assert {"format_version", "terraform_version", "planned_values", "resource_changes", "configuration"} <= set(
        plan.document
    )
    (planned,) = plan.document["planned_values"]["root_module"]["resources"]
    assert (planned["mode"], planned["provider_name"], planned["address"]) == (
        "managed",
        PROVIDER_NAME,
        "aws_kms_key.k",
    )


def test_change_actions_follow_the_step_op() -> None:
    key = resource("aws:kms/key:Key", "k")
    assert only(convert(key), "change")["actions"] == ["create"]
    assert only(convert(key, operations={key.urn: "update"}), "change")["actions"] == ["update"]


# --- names ----------------------------------------------------------------------------------------------------


def test_names_are_terraform_valid() -> None:
    plan = convert(resource("aws:s3/bucket:Bucket", "1st bucket.logs"))
    assert list(plan.addresses) == ["aws_s3_bucket._1st_bucket_logs"]


def test_colliding_names_get_a_stable_suffix_from_the_urn() -> None:
    first = resource("aws:s3/bucket:Bucket", "logs", urn_="urn:pulumi:test::p::a$aws:s3/bucket:Bucket::logs")
    second = resource("aws:s3/bucket:Bucket", "logs", urn_="urn:pulumi:test::p::b$aws:s3/bucket:Bucket::logs")
    plan = convert(first, second)
    expected = {f"aws_s3_bucket.logs_{hashlib.sha256(r.urn.encode()).hexdigest()[:8]}": r.urn for r in (first, second)}
    assert plan.addresses == expected
    assert convert(second, first).addresses == expected  # independent of the order


# --- attributes -----------------------------------------------------------------------------------------------


def test_attributes_become_snake_case_objects_blocks_and_lists_singular_blocks() -> None:
    plan = convert(
        resource(
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "l",
            {"bucket": "b", "rules": [{"id": "r", "status": "Enabled", "expiration": {"days": 3}}]},
        )
    )
    assert only(plan, "values") == {
        "bucket": "b",
        "rule": [{"id": "r", "status": "Enabled", "expiration": [{"days": 3}]}],
    }


def test_node_group_taints_are_taint_blocks_and_labels_and_tags_stay_maps() -> None:
    values = only(
        convert(
            resource(
                "aws:eks/nodeGroup:NodeGroup",
                "ng",
                {
                    "labels": {"pool": "gpu"},
                    "tags": {"team": "ml", "Name": "gpu"},
                    "taints": [{"key": "gpu", "value": "true", "effect": "NO_SCHEDULE"}],
                    "scalingConfig": {"minSize": 1, "maxSize": 3, "desiredSize": 1},
                },
            )
        ),
        "values",
    )
    assert values["labels"] == {"pool": "gpu"}  # lowerCamel keys, yet a map: the SDK says Mapping
    assert values["tags"] == {"team": "ml", "Name": "gpu"}
    assert values["taint"] == [{"key": "gpu", "value": "true", "effect": "NO_SCHEDULE"}]
    assert values["scaling_config"] == [{"min_size": 1, "max_size": 3, "desired_size": 1}]


def test_plural_terraform_blocks_keep_their_name() -> None:
    values = only(
        convert(
            resource(
                "aws:ec2/launchTemplate:LaunchTemplate",
                "lt",
                {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}]},
            )
        ),
        "values",
    )
    assert values["block_device_mappings"] == [{"device_name": "/dev/xvda", "ebs": [{"encrypted": "true"}]}]


@pytest.mark.parametrize(
    ("pulumi", "terraform"),
    [
        ("rules", "rule"),
        ("taints", "taint"),
        ("policies", "policy"),
        ("addresses", "address"),
        ("block_device_mappings", "block_device_mappings"),
        ("access", "access"),
    ],
)
def test_list_block_names_are_singular_unless_plural_in_terraform(pulumi: str, terraform: str) -> None:
    assert singular(pulumi) == terraform


def test_the_sdk_says_map_or_object_and_nothing_for_what_it_lacks() -> None:
    cluster = resource_fields("eks", "cluster", "Cluster")
    assert cluster is not None
    assert (cluster["tags"], cluster["vpc_config"], cluster["version"]) == (MAP, "ClusterVpcConfigArgs", None)
    rule = object_fields("s3", "BucketLifecycleConfigurationRuleArgs")
    assert rule is not None and rule["transitions"] == "BucketLifecycleConfigurationRuleTransitionArgs"
    assert resource_fields("eks", "no_such_member", "NoSuchMember") is None


def test_json_policies_stay_strings() -> None:
    policy = '{"Version": "2012-10-17", "Statement": []}'
    values = only(convert(resource("aws:iam/role:Role", "r", {"assumeRolePolicy": policy})), "values")
    assert values["assume_role_policy"] == policy


def test_unknowns_and_secrets_leave_the_planned_values_and_are_listed() -> None:
    envelope = {SIGNATURE_KEY: SECRET_SIGNATURE, "value": "hunter2"}
    plan = convert(
        resource(
            "aws:eks/cluster:Cluster",
            "c",
            {
                "name": UNKNOWN,
                "roleArn": SECRET,
                "version": "1.31",
                "tags": {"owner": envelope, "team": "ml"},
                "vpcConfig": {"subnetIds": ["subnet-1", UNKNOWN], "endpointPublicAccess": False},
            },
        )
    )
    values, change = only(plan, "values"), only(plan, "change")
    assert values == {
        "version": "1.31",
        "tags": {"team": "ml"},
        "vpc_config": [{"subnet_ids": ["subnet-1", None], "endpoint_public_access": False}],
    }
    assert change["after_unknown"] == {"name": True, "vpc_config": [{"subnet_ids": [False, True]}]}
    assert change["after_sensitive"] == {"role_arn": True, "tags": {"owner": True}}
    assert "hunter2" not in str(plan.document)


# --- references -----------------------------------------------------------------------------------------------


def test_a_dependency_becomes_a_reference_and_drops_the_planned_value() -> None:
    bucket = resource("aws:s3/bucket:Bucket", "data")
    versioning = resource(
        "aws:s3/bucketVersioning:BucketVersioning",
        "data",
        {"bucket": "data-1", "versioningConfiguration": {"status": "Enabled"}},
        {"bucket": [bucket.urn]},
    )
    plan = convert(bucket, versioning)
    (_, planned) = plan.document["planned_values"]["root_module"]["resources"]
    (_, configured) = plan.document["configuration"]["root_module"]["resources"]
    assert "bucket" not in planned["values"]
    assert configured["expressions"] == {"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}}


def test_a_json_policy_built_from_another_resource_stays_content() -> None:
    bucket = resource("aws:s3/bucket:Bucket", "data")
    policy = '{"Statement": [{"Effect": "Deny", "Principal": "*", "Resource": "arn:aws:s3:::data-1"}]}'
    bucket_policy = resource(
        "aws:s3/bucketPolicy:BucketPolicy",
        "data",
        {"bucket": "data-1", "policy": policy},
        {"bucket": [bucket.urn], "policy": [bucket.urn]},
    )
    plan = convert(bucket, bucket_policy)
    (_, planned) = plan.document["planned_values"]["root_module"]["resources"]
    (_, configured) = plan.document["configuration"]["root_module"]["resources"]
    assert planned["values"] == {"policy": policy}
    assert set(configured["expressions"]) == {"bucket"}


def test_a_nested_dependency_references_the_leaf_that_names_its_kind() -> None:
    key = resource("aws:kms/key:Key", "secrets")
    subnet = resource("aws:ec2/subnet:Subnet", "a")
    cluster = resource(
        "aws:eks/cluster:Cluster",
        "c",
        {
            "encryptionConfig": {"provider": {"keyArn": "arn:k"}, "resources": ["secrets"]},
            "vpcConfig": {"subnetIds": ["subnet-1"], "endpointPublicAccess": False},
        },
        {"encryptionConfig": [key.urn], "vpcConfig": [subnet.urn]},
    )
    plan = convert(key, subnet, cluster)
    (*_, planned) = plan.document["planned_values"]["root_module"]["resources"]
    (*_, configured) = plan.document["configuration"]["root_module"]["resources"]
    assert planned["values"]["encryption_config"] == [{"provider": [{}], "resources": ["secrets"]}]
    assert planned["values"]["vpc_config"] == [{"endpoint_public_access": False}]
    assert configured["expressions"] == {
        "encryption_config": [
            {"provider": [{"key_arn": {"references": ["aws_kms_key.secrets.id", "aws_kms_key.secrets"]}}]}
        ],
        "vpc_config": [{"subnet_ids": {"references": ["aws_subnet.a.id", "aws_subnet.a"]}}],
    }


def test_a_dependency_on_an_unconverted_resource_keeps_the_value() -> None:
    provider = resource("pulumi:providers:aws", "default")
    key = resource("aws:kms/key:Key", "k", {"description": "x"}, {"description": [provider.urn]})
    plan = convert(provider, key)
    assert only(plan, "values") == {"description": "x"}
    assert only(plan, "expressions") == {}


# --- the checkov registry -------------------------------------------------------------------------------------


def test_known_types_come_from_checkov_and_are_cached_per_pinned_version() -> None:
    checks = terraform_checks()
    assert terraform_cache_file().name == f"terraform-checks-{pinned_version()}.json"
    assert terraform_cache_file().is_file()
    assert "CKV_AWS_19" in checks["aws_s3_bucket"]
    assert "CKV2_AWS_6" in checks["aws_s3_bucket_public_access_block"]  # graph checks name their types too
    assert {"aws_s3_bucket", "aws_eks_cluster", "aws_prometheus_workspace"} <= known_terraform_types()


def test_a_missing_tool_environment_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "no-env" / "bin" / "python"
    monkeypatch.setattr(registry, "checkov_python", lambda: missing)
    with pytest.raises(RegistryError, match=r"no-env/bin/python: no checkov tool environment"):
        registry.registered_checks(registry.TERRAFORM)


# --- checkov's verdicts on small plans ------------------------------------------------------------------------


def _cases() -> dict[str, Any]:
    data = yaml.safe_load((FIXTURES / "verdicts.yaml").read_text(encoding="utf-8"))
    return dict(data["cases"])


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> Verdicts:
    plans = {name: convert(*from_case(case["resources"])).document for name, case in _cases().items()}
    return run_checkov(plans, tmp_path_factory.mktemp("checkov"))


@pytest.mark.parametrize("case", sorted(_cases()))
def test_checkov_verdicts_on_small_plans(verdicts: Verdicts, case: str) -> None:
    assert verdicts.parsing_errors == []
    expect = _cases()[case]["expect"]
    for outcome, results in (("pass", verdicts.passed[case]), ("fail", verdicts.failed[case])):
        for address, check_ids in (expect.get(outcome) or {}).items():
            missing = [check_id for check_id in check_ids if (address, check_id) not in results]
            assert not missing, f"{case}: {address} does not {outcome} {missing}"


# --- the three stacks' plans ----------------------------------------------------------------------------------


StackConversion = Callable[[str], tuple[frozenset[str], TerraformPlan]]


@pytest.fixture(scope="module")
def stack_conversion(offline_plans: OfflinePlans) -> StackConversion:
    @cache
    def convert(stack: str) -> tuple[frozenset[str], TerraformPlan]:
        """The stack's AWS resource types and its plan's conversion (once per stack and module)."""
        loaded = parse_plan(Path(f"{stack}.json"), offline_plans.document(stack))
        aws_types = frozenset(r.type for r in loaded.resources if r.type.startswith("aws:"))
        return aws_types, to_terraform_plan(loaded.resources, known_terraform_types())

    return convert


@pytest.mark.slow
@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_type_of_the_stacks_converts_or_is_expected_not_to(
    stack: str, stack_conversion: StackConversion
) -> None:
    aws_types, plan = stack_conversion(stack)
    assert set(plan.unconverted) == EXPECTED_UNCONVERTED & aws_types
    converted = {plan.addresses[address].split("::")[-2].split("$")[-1] for address in plan.addresses}
    assert converted | set(plan.unconverted) == set(aws_types)


@pytest.mark.slow
def test_every_check_checkov_registers_for_the_converted_types_is_mapped(stack_conversion: StackConversion) -> None:
    types = {address.split(".")[0] for stack in STACKS for address in stack_conversion(stack)[1].addresses}
    expected = {check_id for terraform_type in types for check_id in checks_for_type(terraform_type)}
    unmapped = sorted(check_id for check_id in expected if not checkov_mapping().rule(check_id).mapped)
    assert unmapped == [], f"add to policies/checkov/mapping/aws.yaml: {unmapped}"


@pytest.mark.slow
def test_cross_resource_checks_pass_on_the_prod_plan(tmp_path: Path, stack_conversion: StackConversion) -> None:
    _, plan = stack_conversion("prod")
    result = run_checkov({"prod": plan.document}, tmp_path)
    assert result.parsing_errors == []
    failing = sorted((address, check) for address, check in result.failed["prod"] if check in CROSS_RESOURCE_CHECKS)
    assert failing == []
    passed_checks = {check for _, check in result.passed["prod"]}
    assert set(CROSS_RESOURCE_CHECKS) <= passed_checks
    assert {address for address, _ in result.passed["prod"]} <= set(plan.addresses)
