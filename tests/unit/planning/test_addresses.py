import ipaddress

import pytest

from georedflow.exceptions import InvalidInput
from georedflow.planning import addresses


def test_allocate_skips_every_overlapping_subnet() -> None:
    taken = ["10.240.0.0/23", "10.240.2.128/25"]

    chosen = addresses.allocate("10.240.0.0/16", 24, taken, count=2)

    assert chosen == ["10.240.3.0/24", "10.240.4.0/24"]


def test_allocate_says_when_the_pool_is_exhausted() -> None:
    with pytest.raises(InvalidInput, match="no 1 free /24"):
        addresses.allocate("10.0.0.0/23", 24, ["10.0.0.0/24", "10.0.1.0/24"])


def test_split_pools_are_disjoint_halves_of_the_usable_range() -> None:
    low, high = addresses.split_pools("192.168.10.0/24")

    assert low == {"start": "192.168.10.1", "end": "192.168.10.127"}
    assert high == {"start": "192.168.10.128", "end": "192.168.10.254"}
    first = ipaddress.ip_address(low["end"])
    assert first + 1 == ipaddress.ip_address(high["start"])


@pytest.mark.parametrize("text", ["10.0.0.300/24", "10.0.0.1/24", "nonsense", "10.0.0.0/30"])
def test_parse_cidr_refuses_what_is_not_a_usable_network(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"local\.cidr"):
        addresses.parse_cidr(text, what="local.cidr")
