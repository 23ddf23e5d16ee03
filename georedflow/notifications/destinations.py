"""Where georedflow may POST a callback: public addresses, and the networks an operator allows.

Webhooks (``callback_uri``) and activation callbacks (``options.activation_callback``)
are URLs a tenant chooses and georedflow calls from inside the deployment. Unchecked,
they reach the API itself on loopback, the cloud's metadata service on 169.254.169.254,
or any private service (server-side request forgery). So a callback is checked twice:

- when it is given (the API answers 422 before anything is stored), every address its
  host resolves to must be allowed;
- when it is sent: DNS may answer differently by then (rebinding), so the sender's
  transport resolves the name itself, checks every address, and connects to an address
  it checked. Checking "right before the send" and then letting httpx resolve again
  would leave a window in which the answer can change; pinning closes it. The URL is
  untouched, so the Host header and the TLS server name (SNI, certificate check) stay
  the callback's own host.

The rules use the standard library's view of the IANA special-purpose registries
(``ipaddress``); IPv4 addresses embedded in IPv6 ones (mapped ``::ffff:a.b.c.d``, NAT64
``64:ff9b::/96``, 6to4 ``2002::/16``) are judged as the IPv4 address they lead to.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from georedflow.exceptions import InvalidInput

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port → the addresses a connection may go to, in the resolver's order.
Resolver = Callable[[str, int], list[str]]

SCHEMES = {"http": 80, "https": 443}
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
OPTION = "[notifications] allowed_networks"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` gives for a TCP connection, duplicates dropped."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    """``allowed_networks`` as networks; a CIDR with host bits set is an error, not a guess."""
    networks = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(cidr.strip()))
        except ValueError as error:
            raise ValueError(f"{OPTION}: {error}") from None
    return tuple(networks)


def _led_to(address: Address) -> list[Address]:
    """The addresses a connection to ``address`` really reaches, each to be judged."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # the socket talks IPv4 to it
            return [address.ipv4_mapped]
        if address in NAT64:  # the NAT64 gateway forwards to the embedded IPv4 address
            return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
        if address.sixtofour is not None:
            return [address, address.sixtofour]
    return [address]


def _internal(address: Address) -> str | None:
    """What makes ``address`` internal (loopback, private…), or None for a public one."""
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (where cloud metadata services answer)"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:  # e.g. 100.64.0.0/10, the carriers' shared space
        return "not a globally reachable address"
    return None


@dataclass(frozen=True)
class Destinations:
    """The rule for callback destinations, and the HTTP transport that keeps to it."""

    allowed_networks: tuple[Network, ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)

    @classmethod
    def allowing(cls, cidrs: Iterable[str], resolver: Resolver = system_resolver) -> "Destinations":
        return cls(parse_networks(cidrs), resolver)

    def refusal(self, address: Address) -> str | None:
        """Why georedflow must not connect to ``address``; None when it may."""
        for reached in _led_to(address):
            if any(reached in network for network in self.allowed_networks):
                continue
            kind = _internal(reached)
            if kind is not None:
                shown = str(address) if reached == address else f"{address} (that is {reached})"
                return f"{shown} is {kind}, and {OPTION} does not include it"
        return None

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` resolves to, once every one of them is allowed.

        Raises InvalidInput naming the first refused address (a name with one internal
        address among public ones is refused: any of them may be the one used), and
        OSError when the name does not resolve.
        """
        try:
            found = [str(ipaddress.ip_address(host))]
            via = ""
        except ValueError:
            found = self.resolver(host, port)
            via = f"{host} resolves to "
        if not found:
            raise OSError(f"{host} resolves to no address")
        for each in found:
            reason = self.refusal(ipaddress.ip_address(each))
            if reason is not None:
                raise InvalidInput(via + reason)
        return found

    def check(self, url: str, what: str) -> None:
        """Refuse (InvalidInput, for a 422) a callback URL that may not be called.

        A name that does not resolve (yet) is accepted: nothing can be reached through
        it now, and every send resolves and checks it again.
        """
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise InvalidInput(f"{what}: must be an http:// or https:// URI with a host")
        try:
            port = parts.port or SCHEMES[parts.scheme]
            self.resolve(parts.hostname, port)
        except InvalidInput as refused:
            raise InvalidInput(f"{what}: {refused}") from None
        except ValueError as error:  # a port out of range
            raise InvalidInput(f"{what}: {error}") from None
        except OSError:
            return

    def client(self, timeout: float, headers: dict[str, str] | None = None) -> httpx.Client:
        """An httpx client that connects only to addresses this rule allows.

        Redirects are not followed (a 3xx is a failed attempt): following one would
        send the body to a URL nobody checked. Proxies from the environment are not
        used: a proxy resolves the name itself, so the check would judge the proxy's
        address instead of the callback's.
        """
        return httpx.Client(
            transport=_CheckedTransport(self),
            timeout=timeout,
            headers=headers,
            follow_redirects=False,
            trust_env=False,
        )


class _CheckedBackend(httpcore.NetworkBackend):
    """Resolves and checks the host itself, then connects to a checked address."""

    def __init__(self, destinations: Destinations) -> None:
        self._destinations = destinations
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._destinations.resolve(host, port)
        except (OSError, UnicodeError) as error:  # DNS may answer on a later attempt
            raise httpcore.ConnectError(f"{host} does not resolve: {error}") from error
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return self._backend.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error  # the next checked address, as create_connection would
        assert failure is not None  # resolve() returns at least one address
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise InvalidInput("a callback is never sent over a Unix socket")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _CheckedTransport(httpx.HTTPTransport):
    def __init__(self, destinations: Destinations) -> None:
        super().__init__(trust_env=False)
        # httpx (0.27, 0.28) has no public way to hand its pool a network backend, so
        # the pool it made is replaced by the same pool with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_CheckedBackend(destinations),
        )
