"""Deterministic, plausible outputs for mocked resources: ids, ARNs, endpoints shaped like the real ones.

Values derive from a hash of the resource's type and name, so two runs give the same plan and
resources that consume another's outputs show the link.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"
_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
}


def digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _arn(service: str, region: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{resource}"


def outputs_for(type_: str, name: str, inputs: dict[str, Any], region: str) -> tuple[str, dict[str, Any]]:
    """(physical id, state) for one resource; state = inputs plus what the provider would compute."""
    h = digest(type_, name)
    physical = inputs.get("name") if isinstance(inputs.get("name"), str) else f"{name}-{h[:7]}"
    state: dict[str, Any] = {**inputs}
    resource_id = _ID_PREFIX.get(type_, "") + h[:17] if type_ in _ID_PREFIX else physical
    module = type_.split(":")[1].split("/", maxsplit=1)[0] if type_.count(":") == 2 else ""

    if type_ == "aws:eks/cluster:Cluster":
        endpoint_id = h[:32].upper()
        state |= {
            "arn": _arn("eks", region, f"cluster/{physical}"),
            "endpoint": f"https://{endpoint_id}.gr7.{region}.eks.amazonaws.com",
            "certificateAuthority": {"data": base64.b64encode(f"-----BEGIN CERTIFICATE-----{h}".encode()).decode()},
            "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{endpoint_id}"}]}],
            "status": "ACTIVE",
            "platformVersion": "eks.1",
            "vpcConfig": {**inputs.get("vpcConfig", {}), "clusterSecurityGroupId": f"sg-{h[17:34]}"},
        }
    elif type_ == "aws:eks/nodeGroup:NodeGroup":
        prefix = inputs.get("nodeGroupNamePrefix", "")
        physical = f"{prefix}{h[:26]}"
        resource_id = f"{inputs.get('clusterName')}:{physical}"
        state |= {
            "nodeGroupName": physical,
            "status": "ACTIVE",
            "arn": _arn("eks", region, f"nodegroup/{inputs.get('clusterName')}/{physical}/{h[26:34]}"),
            # EKS names a managed node group's Auto Scaling group eks-<node group>-<uuid>.
            "resources": [
                {
                    "autoscalingGroups": [{"name": f"eks-{physical}-{h[34:42]}-{h[42:46]}-{h[46:50]}-{h[50:54]}"}],
                    "remoteAccessSecurityGroupId": "",
                }
            ],
        }
    elif type_ == "aws:ec2/launchTemplate:LaunchTemplate":
        state |= {"latestVersion": 1, "defaultVersion": 1, "arn": _arn("ec2", region, f"launch-template/{resource_id}")}
    elif type_ == "aws:kms/key:Key":
        key_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        resource_id = key_id
        state |= {"keyId": key_id, "arn": _arn("kms", region, f"key/{key_id}")}
    elif type_ == "aws:iam/role:Role":
        role_name = inputs.get("name") or f"{name[:55]}-{h[:7]}"
        resource_id = role_name
        state |= {
            "name": role_name,
            "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{role_name}",
            "uniqueId": f"AROA{h[:17].upper()}",
        }
    elif type_ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
        url = str(inputs.get("url", "")).removeprefix("https://")
        resource_id = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{url}"
        state |= {"arn": resource_id}
    elif type_ == "aws:s3/bucket:Bucket":
        bucket = inputs.get("bucket") or f"{inputs.get('bucketPrefix', name + '-')}{h[:20]}"
        resource_id = bucket
        state |= {
            "bucket": bucket,
            "arn": f"arn:aws:s3:::{bucket}",
            "region": region,
            "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
        }
    elif type_ == "aws:cloudwatch/logGroup:LogGroup":
        state |= {"arn": _arn("logs", region, f"log-group:{physical}")}
    elif type_ == "aws:amp/workspace:Workspace":
        resource_id = f"ws-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        state |= {
            "arn": _arn("aps", region, f"workspace/{resource_id}"),
            "prometheusEndpoint": f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{resource_id}/",
        }
    elif type_ == "aws:eks/accessEntry:AccessEntry":
        state |= {"accessEntryArn": _arn("eks", region, f"access-entry/{inputs.get('clusterName')}/{h[:12]}")}
    elif type_.startswith("aws:") and module in {"ec2", "iam", "eks", "budgets", "vpc"}:
        state.setdefault("arn", _arn(module, region, f"{type_.rsplit(':', 1)[1].lower()}/{resource_id}"))
    elif type_ == "random:index/randomPassword:RandomPassword":
        # A stand-in a test can search the plan for: a generated password must never appear in it.
        state |= {"result": f"offline-password-{h[:24]}", "bcryptHash": f"$2a$10${h[:53]}"}
    elif type_.startswith("kubernetes:"):
        metadata = dict(state.get("metadata") or {})
        metadata.setdefault("uid", f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}")
        state["metadata"] = metadata
        resource_id = "/".join(p for p in (metadata.get("namespace"), metadata.get("name")) if p) or physical
    state.setdefault("id", resource_id)
    return str(resource_id), state


def call_result(token: str, args: dict[str, Any], region: str) -> dict[str, Any]:
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {
            "accountId": ACCOUNT_ID,
            "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline-plan",
            "userId": "AIDAOFFLINEPLAN",
            "id": ACCOUNT_ID,
        }
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region}
    raise pulumi.RunError(f"the offline plan has no fake answer for the data source {token}")
