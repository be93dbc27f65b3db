"""Every region of every stack runs an EKS control plane a platform reviewer would sign off."""

from __future__ import annotations

import json

from tests.infra.plan_view import PlanView

ALL_LOG_TYPES = {"api", "audit", "authenticator", "controllerManager", "scheduler"}


def test_every_region_has_exactly_one_cluster(plan: PlanView) -> None:
    regions = [r["name"] for r in plan.config("regions")]
    clusters = plan.of_type("aws:eks/cluster:Cluster")
    assert sorted(plan.region_of(c) for c in clusters) == sorted(regions)


def test_clusters_have_a_private_endpoint_and_no_public_one(plan: PlanView) -> None:
    for cluster in plan.of_type("aws:eks/cluster:Cluster"):
        vpc = cluster.inputs["vpcConfig"]
        assert vpc["endpointPrivateAccess"] is True, cluster.urn
        assert vpc["endpointPublicAccess"] is False, cluster.urn
        assert not vpc.get("publicAccessCidrs"), cluster.urn


def test_secrets_are_envelope_encrypted_with_a_rotating_key_in_the_same_region(plan: PlanView) -> None:
    for cluster in plan.of_type("aws:eks/cluster:Cluster"):
        encryption = cluster.inputs["encryptionConfig"]
        assert encryption["resources"] == ["secrets"]
        key = plan.find_by_output("aws:kms/key:Key", "arn", encryption["provider"]["keyArn"])
        assert key.inputs["enableKeyRotation"] is True
        assert plan.region_of(key) == plan.region_of(cluster)


def test_all_control_plane_log_types_are_enabled(plan: PlanView) -> None:
    for cluster in plan.of_type("aws:eks/cluster:Cluster"):
        assert set(cluster.inputs["enabledClusterLogTypes"]) == ALL_LOG_TYPES


def test_access_uses_api_mode_without_creator_admin(plan: PlanView) -> None:
    for cluster in plan.of_type("aws:eks/cluster:Cluster"):
        assert cluster.inputs["accessConfig"] == {
            "authenticationMode": "API",
            "bootstrapClusterCreatorAdminPermissions": False,
        }
    assert not [r for r in plan.k8s_objects("ConfigMap") if r.inputs["metadata"]["name"] == "aws-auth"]


def test_deletion_protection_is_on_in_prod_only(plans: dict[str, PlanView]) -> None:
    for stack, view in plans.items():
        for cluster in view.of_type("aws:eks/cluster:Cluster"):
            assert cluster.inputs["deletionProtection"] is (stack == "prod")


def test_each_cluster_has_an_oidc_provider_for_its_own_issuer(plan: PlanView) -> None:
    providers = plan.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    clusters = plan.of_type("aws:eks/cluster:Cluster")
    assert len(providers) == len(clusters)
    for provider in providers:
        region = plan.region_of(provider)
        assert provider.inputs["url"].startswith(f"https://oidc.eks.{region}.amazonaws.com/id/")
        assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]


def test_standard_addons_are_installed_with_network_policy_enforcement(plan: PlanView) -> None:
    for cluster in plan.of_type("aws:eks/cluster:Cluster"):
        addons = {
            a.inputs["addonName"]: a
            for a in plan.of_type("aws:eks/addon:Addon")
            if a.inputs["clusterName"] == cluster.inputs["name"]
        }
        assert set(addons) == {"vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"}
        assert json.loads(addons["vpc-cni"].inputs["configurationValues"])["enableNetworkPolicy"] == "true"


def test_admin_roles_get_cluster_admin_through_access_entries(plans: dict[str, PlanView]) -> None:
    prod = plans["prod"]
    associations = prod.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
    assert len(associations) == len(prod.of_type("aws:eks/cluster:Cluster"))
    for association in associations:
        assert association.inputs["policyArn"].endswith(":cluster-access-policy/AmazonEKSClusterAdminPolicy")
        assert association.inputs["principalArn"] == "arn:aws:iam::333344445555:role/platform-admins"


def test_only_the_declared_admin_entries_carry_the_break_glass_tag(plans: dict[str, PlanView]) -> None:
    # The gate (aws.stack_deny_eks_cluster_admin_access) admits a cluster-admin association only
    # through an access entry tagged ai-platform/break-glass; team entries must never carry it.
    for stack, view in plans.items():
        admins = set(view.config("cluster")["adminRoleArns"])
        for entry in view.of_type("aws:eks/accessEntry:AccessEntry"):
            tagged = entry.inputs["tags"].get("ai-platform/break-glass") == "true"
            assert tagged is (entry.inputs["principalArn"] in admins), (stack, entry.urn)
