"""Is a list of CIDRs "the world"? The same arithmetic as policies/packs/aws/cidr.rego, with `ipaddress`.

The threshold and the non-public ranges are read from the aws pack's data file, the one the Rego rules
read as `data.aws_network`, so the stack config and the gate cannot drift apart
(tests/policies/packs/test_cidr_agreement.py holds both to the same verdicts).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

NETWORK_DATA_FILE = Path(__file__).resolve().parents[2] / "policies" / "packs" / "aws" / "network.data.yaml"
DATA_KEY = "aws_network"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_V4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_WHOLE_V4 = ipaddress.IPv4Network("0.0.0.0/0")
# The Rego side accepts exactly "<address>/<decimal prefix without leading zeros>"; ipaddress alone
# would also take a bare address, a netmask or a scope id.
_PREFIX = re.compile(r"^(0|[1-9][0-9]{0,2})$")


@dataclass(frozen=True)
class NetworkData:
    world_share: float
    non_public: tuple[IPNetwork, ...]


@cache
def network_data(path: Path = NETWORK_DATA_FILE) -> NetworkData:
    """The pack's values; missing or unreadable ones fail closed (threshold 0, nothing non-public)."""
    try:
        document: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        document = None
    values = document.get(DATA_KEY) if isinstance(document, dict) else None
    values = values if isinstance(values, dict) else {}
    share = values.get("worldShare")
    world_share = float(share) if isinstance(share, int | float) and not isinstance(share, bool) and share >= 0 else 0.0
    non_public: list[IPNetwork] = []
    for key in ("nonPublicIpv4", "nonPublicIpv6"):
        entries = values.get(key)
        for entry in entries if isinstance(entries, list) else []:
            network = parse_cidr(entry)
            if network is not None:
                non_public.append(network)
    return NetworkData(world_share, tuple(non_public))


def parse_cidr(value: object) -> IPNetwork | None:
    """The network a CIDR value denotes (host bits ignored, as AWS does), or None when it is not one."""
    if not isinstance(value, str) or value.count("/") != 1 or "%" in value:
        return None
    address, prefix = value.split("/")
    if not _PREFIX.match(prefix):
        return None
    try:
        return ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    except ValueError:
        return None


def _blocks(network: IPNetwork) -> list[IPNetwork]:
    # An IPv4-mapped IPv6 block is the IPv4 block it embeds; one around all of them covers IPv4 too.
    if isinstance(network, ipaddress.IPv6Network):
        if network.subnet_of(_V4_MAPPED):
            embedded = int(network.network_address) & 0xFFFFFFFF
            return [ipaddress.IPv4Network((embedded, network.prefixlen - 96))]
        if network.supernet_of(_V4_MAPPED):
            return [network, _WHOLE_V4]
    return [network]


Block = tuple[int, int]
"""A network as (network address, prefix length) within one family."""


def _contains(outer: Block, inner: Block, bits: int) -> bool:
    shift = bits - outer[1]
    return outer[1] <= inner[1] and outer[0] >> shift == inner[0] >> shift


def _public_share(networks: Iterable[IPNetwork], version: int, data: NetworkData) -> float:
    # CIDR blocks are nested or disjoint: count the outermost ones, less the non-public ranges inside.
    bits = 32 if version == 4 else 128
    blocks = {(int(n.network_address), n.prefixlen) for n in networks if n.version == version}
    outermost = [b for b in blocks if not any(o != b and _contains(o, b, bits) for o in blocks)]
    ranges = [(int(r.network_address), r.prefixlen) for r in data.non_public if r.version == version]
    total = (1 << bits) - sum(1 << (bits - r[1]) for r in ranges)
    covered = 0
    for block in outermost:
        if any(_contains(r, block, bits) for r in ranges):
            continue
        covered += (1 << (bits - block[1])) - sum(1 << (bits - r[1]) for r in ranges if _contains(block, r, bits))
    return covered / total if total > 0 else 1.0


def world_reason(cidrs: Iterable[object], data: NetworkData | None = None) -> str | None:
    """Why the union of `cidrs` is the world (None when it is not): a value that is not a CIDR, or
    more than the configured share of the public IPv4 or IPv6 space."""
    data = data or network_data()
    networks: list[IPNetwork] = []
    for value in cidrs:
        network = parse_cidr(value)
        if network is None:
            return f"{value!r} is not a CIDR that can be assessed"
        networks.extend(_blocks(network))
    for version in (4, 6):
        share = _public_share(networks, version, data)
        if share > data.world_share:
            return (
                f"together they cover {share:.4%} of the public IPv{version} address space "
                f"(at most {data.world_share:.4%} is allowed)"
            )
    return None
