"""VPC endpoints, so that nodes and the drift jobs reach AWS APIs without leaving the VPC.

Interface endpoints (private DNS) for S3, ECR (api, dkr), STS, CloudWatch Logs and KMS, in the private
subnets behind the endpoints security group (443 from the VPC only). S3 also gets a gateway endpoint on
the private route tables (free; serves any client that reaches S3's public addresses). The S3 interface
endpoint answers S3's regional DNS names inside the VPC too (`privateDnsOnlyForInboundResolverEndpoint`
false), so S3 traffic stays inside the VPC CIDR: the drift jobs' NetworkPolicy allows 443 to that CIDR only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from infra.context import StackContext

INTERFACE_SERVICES = ("s3", "ecr.api", "ecr.dkr", "sts", "logs", "kms")


def service_name(region: str, service: str) -> str:
    # China regions name some services cn.com.amazonaws.<region>.<service>; the platform runs in aws only.
    return f"com.amazonaws.{region}.{service}"


class VpcEndpoints(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: str,
        provider: aws.Provider,
        vpc_id: pulumi.Input[str],
        subnet_ids: Sequence[pulumi.Input[str]],
        route_table_ids: Sequence[pulumi.Input[str]],
        security_group_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:network:VpcEndpoints", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        tags = ctx.tags(region)
        gateway = aws.ec2.VpcEndpoint(
            f"{name}-s3-gateway",
            vpc_id=vpc_id,
            service_name=service_name(region, "s3"),
            vpc_endpoint_type="Gateway",
            route_table_ids=list(route_table_ids),
            tags={**tags, "Name": f"{name}-s3-gateway"},
            opts=child,
        )
        for service in INTERFACE_SERVICES:
            dns_options = {"dns_record_ip_type": "ipv4"}
            if service == "s3":
                dns_options["private_dns_only_for_inbound_resolver_endpoint"] = False  # type: ignore[assignment]
            aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=vpc_id,
                service_name=service_name(region, service),
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                dns_options=dns_options,
                subnet_ids=list(subnet_ids),
                security_group_ids=[security_group_id],
                tags={**tags, "Name": f"{name}-{service}"},
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[gateway])),
            )
        self.register_outputs({})
