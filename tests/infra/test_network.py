"""Per-region networks: three AZs, private node subnets, NAT per AZ where the stack asks for HA, flow logs."""

from __future__ import annotations

import ipaddress

from infra.components.network.vpc import plan_subnets
from infra.config.model import RegionConfig
from tests.infra.plan_view import PlanView


def test_each_region_has_three_private_and_three_public_subnets_in_distinct_zones(plan: PlanView) -> None:
    for vpc in plan.of_type("aws:ec2/vpc:Vpc"):
        region = plan.region_of(vpc)
        subnets = [s for s in plan.of_type("aws:ec2/subnet:Subnet") if plan.region_of(s) == region]
        private = [s for s in subnets if "kubernetes.io/role/internal-elb" in s.inputs["tags"]]
        public = [s for s in subnets if "kubernetes.io/role/elb" in s.inputs["tags"]]
        assert len(private) == len(public) == 3
        assert len({s.inputs["availabilityZone"] for s in private}) == 3
        assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)


def test_nat_gateways_are_per_az_except_in_dev(plans: dict[str, PlanView]) -> None:
    for stack, view in plans.items():
        per_region = len(view.of_type("aws:ec2/natGateway:NatGateway")) / len(view.of_type("aws:ec2/vpc:Vpc"))
        assert per_region == (1 if stack == "dev" else 3), stack


def test_every_vpc_has_flow_logs_to_an_encrypted_log_group(plan: PlanView) -> None:
    vpcs = plan.of_type("aws:ec2/vpc:Vpc")
    flow_logs = plan.of_type("aws:ec2/flowLog:FlowLog")
    assert len(flow_logs) == len(vpcs)
    for flow_log in flow_logs:
        assert flow_log.inputs["trafficType"] == "ALL"
        group = plan.find_by_output("aws:cloudwatch/logGroup:LogGroup", "arn", flow_log.inputs["logDestination"])
        assert group.inputs["kmsKeyId"].startswith("arn:aws:kms:")


def test_default_security_groups_allow_nothing(plan: PlanView) -> None:
    for group in plan.of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"):
        assert group.inputs.get("ingress", []) == [] and group.inputs.get("egress", []) == []


def test_subnet_plan_stays_inside_the_vpc_without_overlap() -> None:
    for cidr in ("10.0.0.0/16", "10.8.0.0/18", "172.16.0.0/20"):
        subnets = plan_subnets(RegionConfig(name="eu-west-1", cidr=cidr, role="primary"))
        blocks = [ipaddress.ip_network(c) for s in subnets for c in (s.private_cidr, s.public_cidr)]
        vpc = ipaddress.ip_network(cidr)
        assert all(block.subnet_of(vpc) for block in blocks)
        assert not any(a.overlaps(b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])
