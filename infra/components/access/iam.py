"""IAM documents shared by components: trust policies and managed-policy ARNs.

Every service-principal trust policy carries confused-deputy conditions (`aws:SourceAccount`, and
`aws:SourceArn` where the calling resource's ARN is known), except for services that do not send
them: EC2 does not populate `aws:SourceAccount` when it assumes an instance-profile role, so the
node role's trust policy stays unconditioned. The list of such services is the aws pack's
policies/packs/aws/trust.data.yaml, which its confused-deputy rule reads as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import yaml

TRUST_DATA_FILE = Path(__file__).resolve().parents[3] / "policies" / "packs" / "aws" / "trust.data.yaml"


def _confused_deputy_exempt() -> frozenset[str]:
    data = yaml.safe_load(TRUST_DATA_FILE.read_text(encoding="utf-8"))
    return frozenset(str(service) for service in data["aws_trust"]["confusedDeputyExempt"])


# Service principals that do not send aws:SourceAccount / aws:SourceArn when they assume a role.
CONFUSED_DEPUTY_EXEMPT = _confused_deputy_exempt()


def account_id(provider: aws.Provider) -> pulumi.Output[str]:
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
    account: pulumi.Output[str] = identity.account_id
    return account


def source_conditions(account: str, source_arn: str | None = None) -> dict[str, Any]:
    """`aws:SourceAccount` always; `aws:SourceArn` (ArnLike, so a trailing `*` may stand for generated ids)."""
    conditions: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account}}
    if source_arn is not None:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    return conditions


def service_trust_policy(service: str, account: str | None = None, source_arn: str | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if service not in CONFUSED_DEPUTY_EXEMPT:
        if account is None:
            raise ValueError(f"a trust policy for {service} needs the account for its confused-deputy condition")
        statement["Condition"] = source_conditions(account, source_arn)
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def pod_identity_trust_policy(account: str, cluster_name: str, namespace: str, service_account: str) -> str:
    # EKS Pod Identity needs TagSession in addition to AssumeRole; the session tags it sets name the
    # cluster, namespace and service account, so the role serves exactly one service account.
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "pods.eks.amazonaws.com"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": {
                        "StringEquals": {
                            "aws:SourceAccount": account,
                            "aws:RequestTag/eks-cluster-name": cluster_name,
                            "aws:RequestTag/kubernetes-namespace": namespace,
                            "aws:RequestTag/kubernetes-service-account": service_account,
                        }
                    },
                }
            ],
        }
    )


@dataclass(frozen=True)
class PodIdentity:
    role: aws.iam.Role
    policy: aws.iam.RolePolicy
    association: aws.eks.PodIdentityAssociation


@dataclass(frozen=True)
class PodIdentityNames:
    """The Pulumi names of the three resources (kept as each component first named them: their URNs)."""

    role: str
    policy: str
    association: str


def pod_identity(
    names: PodIdentityNames,
    *,
    cluster: aws.eks.Cluster,
    cluster_name: str,
    namespace: str,
    service_account: str,
    account: pulumi.Output[str],
    policy: pulumi.Input[str],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> PodIdentity:
    """A role only `namespace/service_account` of the cluster can assume through EKS Pod Identity, its inline
    policy, and the association that hands it to the service account's pods."""
    role = aws.iam.Role(
        names.role,
        assume_role_policy=account.apply(
            lambda a: pod_identity_trust_policy(a, cluster_name, namespace, service_account)
        ),
        tags=tags,
        opts=opts,
    )
    role_policy = aws.iam.RolePolicy(names.policy, role=role.id, policy=policy, opts=opts)
    association = aws.eks.PodIdentityAssociation(
        names.association,
        cluster_name=cluster.name,
        namespace=namespace,
        service_account=service_account,
        role_arn=role.arn,
        tags=tags,
        opts=opts,
    )
    return PodIdentity(role, role_policy, association)


def aws_managed_policy(partition: str, name: str) -> str:
    return f"arn:{partition}:iam::aws:policy/{name}"
