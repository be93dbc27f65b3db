"""Per-region VPC over three AZs: private subnets for nodes, public subnets for load balancers."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.access.iam import account_id, service_trust_policy
from infra.components.aws_names import partition_of
from infra.config.model import RegionConfig
from infra.context import StackContext


@dataclass(frozen=True)
class SubnetPlan:
    zone: str
    private_cidr: str
    public_cidr: str


def availability_zones(region: RegionConfig) -> list[str]:
    """The region's three AZs: the configured ones, else <region>a, b and c."""
    return list(region.availability_zones or [f"{region.name}{suffix}" for suffix in "abc"])


def plan_subnets(region: RegionConfig) -> list[SubnetPlan]:
    """Three quarters of the VPC for private (pod-dense) subnets; the last quarter split for public ones."""
    vpc = ipaddress.IPv4Network(region.cidr)
    quarters = list(vpc.subnets(prefixlen_diff=2))
    public_blocks = list(quarters[3].subnets(prefixlen_diff=2))
    zones = availability_zones(region)
    return [SubnetPlan(zone, str(quarters[i]), str(public_blocks[i])) for i, zone in enumerate(zones)]


class Network(pulumi.ComponentResource):
    vpc: aws.ec2.Vpc
    private_subnet_ids: list[pulumi.Output[str]]
    private_route_table_ids: list[pulumi.Output[str]]
    public_subnet_ids: list[pulumi.Output[str]]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: RegionConfig,
        provider: aws.Provider,
        logs_key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:network:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        tags = ctx.tags(region.name)
        cluster_tag = {f"kubernetes.io/cluster/{ctx.cluster_name(region.name)}": "shared"}

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=region.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={**tags, "Name": name},
            opts=child,
        )
        # CIS AWS 5.4: the default security group denies all traffic.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=self.vpc.id, ingress=[], egress=[], tags=tags, opts=child
        )
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, tags=tags, opts=child)
        public_rt = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}],
            tags={**tags, "Name": f"{name}-public"},
            opts=child,
        )

        subnets = plan_subnets(region)
        self.public_subnet_ids, self.private_subnet_ids, self.private_route_table_ids = [], [], []
        nat_ids: list[pulumi.Output[str]] = []
        nat_count = len(subnets) if ctx.config.nat_mode == "perAz" else 1
        for index, subnet in enumerate(subnets):
            public = aws.ec2.Subnet(
                f"{name}-public-{subnet.zone}",
                vpc_id=self.vpc.id,
                cidr_block=subnet.public_cidr,
                availability_zone=subnet.zone,
                map_public_ip_on_launch=False,
                tags={**tags, **cluster_tag, "Name": f"{name}-public-{subnet.zone}", "kubernetes.io/role/elb": "1"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{subnet.zone}", subnet_id=public.id, route_table_id=public_rt.id, opts=child
            )
            self.public_subnet_ids.append(public.id)
            if index < nat_count:
                eip = aws.ec2.Eip(f"{name}-nat-{subnet.zone}", domain="vpc", tags=tags, opts=child)
                nat = aws.ec2.NatGateway(
                    f"{name}-{subnet.zone}",
                    allocation_id=eip.id,
                    subnet_id=public.id,
                    tags={**tags, "Name": f"{name}-{subnet.zone}"},
                    opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[igw])),
                )
                nat_ids.append(nat.id)

        for index, subnet in enumerate(subnets):
            private = aws.ec2.Subnet(
                f"{name}-private-{subnet.zone}",
                vpc_id=self.vpc.id,
                cidr_block=subnet.private_cidr,
                availability_zone=subnet.zone,
                map_public_ip_on_launch=False,
                tags={
                    **tags,
                    **cluster_tag,
                    "Name": f"{name}-private-{subnet.zone}",
                    "kubernetes.io/role/internal-elb": "1",
                },
                opts=child,
            )
            route_table = aws.ec2.RouteTable(
                f"{name}-private-{subnet.zone}",
                vpc_id=self.vpc.id,
                routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat_ids[min(index, len(nat_ids) - 1)]}],
                tags={**tags, "Name": f"{name}-private-{subnet.zone}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{subnet.zone}", subnet_id=private.id, route_table_id=route_table.id, opts=child
            )
            self.private_subnet_ids.append(private.id)
            self.private_route_table_ids.append(route_table.id)

        self._flow_logs(name, ctx, region, tags, logs_key_arn, child, provider)
        self.register_outputs(
            {
                "vpcId": self.vpc.id,
                "privateSubnetIds": self.private_subnet_ids,
                "publicSubnetIds": self.public_subnet_ids,
            }
        )

    def _flow_logs(
        self,
        name: str,
        ctx: StackContext,
        region: RegionConfig,
        tags: dict[str, str],
        logs_key_arn: pulumi.Input[str],
        child: pulumi.ResourceOptions,
        provider: aws.Provider,
    ) -> None:
        log_group_name = f"/{ctx.project}/{ctx.stack}/{region.name}/vpc-flow-logs"
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=log_group_name,
            retention_in_days=ctx.config.network.flow_log_retention_days,
            kms_key_id=logs_key_arn,
            tags=tags,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            # Confused deputy: only flow logs of this account (and region) may assume the role.
            assume_role_policy=account_id(provider).apply(
                lambda account: service_trust_policy(
                    "vpc-flow-logs.amazonaws.com",
                    account,
                    f"arn:{partition_of(region.name)}:ec2:{region.name}:{account}:vpc-flow-log/*",
                )
            ),
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            # Built from the log group's explicit name, not its generated ARN output, so that a first
            # `pulumi preview` already shows the whole document to the gate.
            policy=account_id(provider).apply(
                lambda account: flow_logs_policy(
                    f"arn:{partition_of(region.name)}:logs:{region.name}:{account}:log-group:{log_group_name}"
                )
            ),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=tags,
            opts=child,
        )


def flow_logs_policy(log_group_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [log_group_arn, f"{log_group_arn}:*"],
                }
            ],
        }
    )
