"""Where callbacks may go: the address rules, resolution, and a client that keeps to them."""

import ipaddress
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from georedflow.exceptions import InvalidInput
from georedflow.notifications.destinations import Destinations, parse_networks
from tests.receiver import Receiver
from tests.redirector import Redirector

LOOPBACK_ALLOWED = parse_networks(["127.0.0.0/8"])


def names(table: dict[str, list[str]]) -> Any:
    """A resolver answering from ``table``; any other name does not resolve."""

    def resolve(host: str, _port: int) -> list[str]:
        if host not in table:
            raise OSError(f"[Errno -2] {host}: Name or service not known")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("169.254.169.254", "link-local"),
        ("10.0.0.1", "private"),
        ("10.255.255.254", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.1.2.3", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("100.64.0.1", "not a globally reachable"),
        ("fec0::1", "site-local"),
        ("64:ff9b::a00:1", "private"),  # NAT64 to 10.0.0.1
        ("2002:a00:1::1", "private"),  # 6to4 through 10.0.0.1
    ],
)
def test_internal_addresses_are_refused(address: str, kind: str) -> None:
    parsed = ipaddress.ip_address(address)
    reason = Destinations().refusal(parsed)

    assert reason is not None
    assert kind in reason
    assert str(parsed) in reason  # ::ffff:127.0.0.1 shows as ::ffff:7f00:1 (that is 127.0.0.1)
    assert "[notifications] allowed_networks" in reason


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.215.14", "172.32.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert Destinations().refusal(ipaddress.ip_address(address)) is None


def test_allowed_networks_let_loopback_through_and_nothing_else() -> None:
    destinations = Destinations(LOOPBACK_ALLOWED)

    assert destinations.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert destinations.refusal(ipaddress.ip_address("127.200.0.1")) is None
    assert destinations.refusal(ipaddress.ip_address("::ffff:127.0.0.1")) is None
    assert destinations.refusal(ipaddress.ip_address("::1")) is not None  # IPv6: not listed
    assert destinations.refusal(ipaddress.ip_address("10.0.0.1")) is not None
    assert destinations.refusal(ipaddress.ip_address("169.254.169.254")) is not None


def test_every_address_of_a_name_must_be_allowed() -> None:
    destinations = Destinations(
        resolver=names({"mixed.test": ["93.184.215.14", "10.1.2.3", "2001:4860::1"]})
    )

    with pytest.raises(InvalidInput) as refused:
        destinations.resolve("mixed.test", 443)

    assert str(refused.value).startswith("mixed.test resolves to 10.1.2.3 is a private address")


def test_a_public_name_resolves_to_its_addresses() -> None:
    destinations = Destinations(resolver=names({"vnfm.test": ["93.184.215.14", "2001:4860::1"]}))

    assert destinations.resolve("vnfm.test", 443) == ["93.184.215.14", "2001:4860::1"]


def test_a_callback_url_is_checked_by_its_host() -> None:
    destinations = Destinations(resolver=names({"metadata.test": ["169.254.169.254"]}))

    with pytest.raises(InvalidInput, match=r"^callback_uri: 127.0.0.1 is a loopback address"):
        destinations.check("http://127.0.0.1:9797/v1/sites", "callback_uri")
    with pytest.raises(InvalidInput, match=r"^hook: ::1 is a loopback"):
        destinations.check("http://[::1]:8080/", "hook")
    with pytest.raises(InvalidInput, match=r"metadata\.test resolves to 169\.254\.169\.254"):
        destinations.check("http://metadata.test/latest/meta-data/", "hook")
    with pytest.raises(InvalidInput, match="http:// or https://"):
        destinations.check("ftp://93.184.215.14/", "hook")
    # Not resolvable now: nothing to reach, and the send checks again.
    destinations.check("https://not-yet.test/hook", "hook")
    destinations.check("https://93.184.215.14/hook", "hook")


def test_a_bad_allowed_network_names_the_option() -> None:
    with pytest.raises(ValueError, match=r"allowed_networks: .*10.0.0.1/8"):
        parse_networks(["10.0.0.1/8"])


# The client: it connects to an address it checked, and keeps the URL's host.


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def port_of(receiver: Receiver) -> int:
    return httpx.URL(receiver.url).port or 0


def test_the_client_connects_to_the_checked_address_with_the_host_kept(
    receiver: Receiver,
) -> None:
    destinations = Destinations(LOOPBACK_ALLOWED, names({"spare.test": ["127.0.0.1"]}))
    url = f"http://spare.test:{port_of(receiver)}/hook"

    with destinations.client(timeout=5) as client:
        assert client.post(url, content=b"{}").status_code == 204

    assert receiver.next(timeout=5).headers["host"] == f"spare.test:{port_of(receiver)}"


def test_the_client_refuses_before_connecting(receiver: Receiver) -> None:
    destinations = Destinations(resolver=names({"rebound.test": ["127.0.0.1"]}))

    with destinations.client(timeout=5) as client, pytest.raises(InvalidInput, match="loopback"):
        client.post(f"http://rebound.test:{port_of(receiver)}/hook", content=b"{}")

    assert receiver.attempts == 0


def test_a_redirect_is_not_followed(receiver: Receiver) -> None:
    redirector = Redirector(receiver.url)
    try:
        with Destinations(LOOPBACK_ALLOWED).client(timeout=5) as client:
            response = client.post(redirector.url, content=b"{}")
    finally:
        redirector.close()

    assert response.status_code == 307
    assert receiver.attempts == 0
