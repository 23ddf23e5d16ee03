"""CIDRs: parse, check for overlaps, allocate from a pool, split into allocation pools."""

import ipaddress
from collections.abc import Iterable

from georedflow.exceptions import InvalidInput

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_cidr(text: str, *, what: str = "cidr") -> Network:
    """The network ``text`` names; host bits set or garbage → InvalidInput."""
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as error:
        raise InvalidInput(f"{what} '{text}' is not a valid network address: {error}") from None
    if network.num_addresses < 8:
        raise InvalidInput(f"{what} '{text}' is too small: a link needs at least a /29")
    return network


def overlapping(candidate: Network, taken: Iterable[Network]) -> Network | None:
    """The first network in ``taken`` that overlaps ``candidate``, or None."""
    for other in taken:
        if candidate.version == other.version and candidate.overlaps(other):
            return other
    return None


def allocate(pool: str, prefix: int, taken: Iterable[str], count: int = 1) -> list[str]:
    """``count`` subnets of ``pool`` with ``prefix`` that overlap nothing in ``taken``."""
    pool_network = ipaddress.ip_network(pool)
    used = [ipaddress.ip_network(cidr, strict=False) for cidr in taken]
    chosen: list[str] = []
    for candidate in pool_network.subnets(new_prefix=prefix):
        if overlapping(candidate, used) is None:
            chosen.append(str(candidate))
            used.append(candidate)
            if len(chosen) == count:
                return chosen
    raise InvalidInput(f"the address pool {pool} has no {count} free /{prefix} left on both sites")


def split_pools(cidr: str) -> tuple[dict[str, str], dict[str, str]]:
    """Two allocation pools, the lower and upper half of the usable addresses.

    A stretched L2 network has one CIDR but a DHCP/IPAM per site: giving each
    site its own half means no address is handed out twice.
    """
    network = ipaddress.ip_network(cidr)
    first = network.network_address + 1
    last = network.broadcast_address - 1 if network.version == 4 else network[-1]
    middle = first + (int(last) - int(first)) // 2
    return (
        {"start": str(first), "end": str(middle)},
        {"start": str(middle + 1), "end": str(last)},
    )
