"""The stack config (Python, `ipaddress`) and the aws pack (Rego, bit strings) call the same CIDR lists
the world, on both embedded engines, with the values of one data file; without that file the rules
fail closed."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from typing import Any

import pytest

from infra.config.cidr_share import network_data, world_reason
from policies.engines import Pack, get_engine
from policies.engines.base import GeneratedModule

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# (CIDR list, is it the world?) — the expected verdict is written down, so a bug shared by both
# sides still fails here.
CASES: list[tuple[list[Any], bool]] = [
    (["0.0.0.0/0"], True),
    (["::/0"], True),
    (["0.0.0.0/1", "128.0.0.0/1"], True),
    ([f"{i}.0.0.0/8" for i in range(256)], True),
    (["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], True),
    # Each /12 is 0.03 % of public IPv4, below the share; their union, 3.0.0.0/8, is 0.45 %.
    ([f"3.{16 * i}.0.0/12" for i in range(16)], True),
    ([f"2600:{i:x}00::/24" for i in range(16)] + [f"2a00:{i:x}00::/24" for i in range(16)], False),
    (["0:0:0:0:0:0:0:0/0"], True),
    (["0000::/0"], True),
    (["::0/0"], True),
    (["::ffff:0.0.0.0/96"], True),
    (["::ffff:0:0/95"], True),
    (["::ffff:8.0.0.0/104"], True),
    (["8.8.8.8/0"], True),
    (["3.0.0.0/8"], True),
    (["3.0.0.0/10"], True),
    (["2000::/3"], True),
    (["::/1"], True),
    (["10.0.0.0/8", "0.0.0.0/0"], True),
    (["[secret]"], True),
    ([UNKNOWN], True),
    ([5], True),
    (["1.2.3.4"], True),
    (["01.2.3.4/32"], True),
    (["1.2.3.4/33"], True),
    (["1.2.3.4/08"], True),
    (["1::2:3:4:5:6:7:8/64"], True),
    (["1.2.3.4::/64"], True),
    (["1:::2/64"], True),
    (["fe80::1%eth0/64"], True),
    ([], False),
    (["10.0.0.0/8"], False),
    (["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"], False),
    (["203.0.113.0/24"], False),
    (["52.94.76.0/22", "198.51.100.7/32"], False),
    (["3.0.0.0/11"], False),
    (["3.0.0.0/11", "3.0.0.0/12", "3.16.0.0/12"], False),
    (["2001:db8::/32"], False),
    (["2600::/12"], False),
    (["2600:1F00::/40"], False),
    (["FE80::/10", "fc00::/7"], False),
    (["1:2:3:4:5:6:7::/64"], False),
    (["::ffff:1.2.3.4/128"], False),
    (["1:2:3:4:5:6:1.2.3.4/120"], False),
]


def _rego_verdicts(pack: Pack, engine_name: str, lists: list[list[Any]]) -> dict[str, bool]:
    # The lists are data of the generated module, one per line: regorus refuses lines over 1,024 columns.
    cases = json.dumps({str(i): cidrs for i, cidrs in enumerate(lists)}, indent=1)
    source = (
        "package ai_platform_engine.cidr_agreement\n\nimport rego.v1\n\n"
        f"cases := {cases}\n\n"
        "value := {key: verdict |\n\tsome key, cidrs in cases\n"
        "\tverdict := count({x | x := true; data.aws.cidr_list_is_world(cidrs)}) > 0\n}\n"
    )
    module = GeneratedModule("__cidr_agreement__.rego", source, "data.ai_platform_engine.cidr_agreement.value")
    raw = get_engine(engine_name).query(pack, module.reference, extra=module)
    assert isinstance(raw, dict)
    return {key: bool(value) for key, value in raw.items()}


@pytest.mark.parametrize("engine_name", ["regorus", "regopy"])
def test_python_and_rego_agree_on_what_is_the_world(packs: dict[str, Pack], engine_name: str) -> None:
    rego = _rego_verdicts(packs["aws"], engine_name, [cidrs for cidrs, _ in CASES])
    disagreements = [
        (cidrs[:3], expected, world_reason(cidrs) is not None, rego[str(i)])
        for i, (cidrs, expected) in enumerate(CASES)
        if not expected == (world_reason(cidrs) is not None) == rego[str(i)]
    ]
    assert disagreements == []


def test_the_pack_ships_the_network_data_python_reads(packs: dict[str, Pack]) -> None:
    values = packs["aws"].data["aws_network"]
    assert network_data().world_share == values["worldShare"] > 0
    assert len(network_data().non_public) == len(values["nonPublicIpv4"]) + len(values["nonPublicIpv6"])
    assert values["adminPorts"]


def test_non_public_ranges_do_not_overlap() -> None:
    # The share arithmetic subtracts each range once; overlapping ranges would be subtracted twice.
    ranges = network_data().non_public
    overlapping = [
        (str(a), str(b))
        for i, a in enumerate(ranges)
        for b in ranges[i + 1 :]
        if a.version == b.version and a.overlaps(b)  # type: ignore[arg-type]
    ]
    assert overlapping == []
    assert all(isinstance(r, ipaddress.IPv4Network | ipaddress.IPv6Network) for r in ranges)


SMALL_PUBLIC_SSH = {
    "__type": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "__name": "office-ssh",
    "__urn": "urn:sg-rule",
    "ipProtocol": "tcp",
    "fromPort": 22,
    "toPort": 22,
    "cidrIpv4": "52.94.76.0/22",
}


@pytest.mark.parametrize("engine_name", ["regorus", "regopy"])
def test_rules_fail_closed_without_the_pack_data(packs: dict[str, Pack], engine_name: str) -> None:
    pack = packs["aws"]
    with_data = get_engine(engine_name).compile(pack).evaluate(SMALL_PUBLIC_SSH)
    assert with_data["deny_security_group_open_admin_ports"] == []
    without = get_engine(engine_name).compile(dataclasses.replace(pack, data={})).evaluate(SMALL_PUBLIC_SSH)
    assert without["deny_security_group_open_admin_ports"] != []
    https = {**SMALL_PUBLIC_SSH, "fromPort": 443, "toPort": 443, "cidrIpv4": "10.0.0.0/8"}
    # Without the data even a private range counts, and every port is an admin port.
    assert (
        get_engine(engine_name)
        .compile(dataclasses.replace(pack, data={}))
        .evaluate(https)["deny_security_group_open_admin_ports"]
    )
