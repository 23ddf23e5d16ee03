"""ipsec: a subnet behind a router on each side, joined by an IPsec site connection."""

from collections.abc import Iterable

from georedflow import drift
from georedflow.clouds.driver import Resource
from georedflow.clouds.kinds import Kind
from georedflow.planning.needs import Needs
from georedflow.roles import ROLES
from georedflow.tasks import network, router, vpn
from georedflow.tasks.base import SiteTask
from georedflow.tasks.delete import DetachRouterInterfaces
from georedflow.tasks.verify import WaitForSiteConnection
from georedflow.technologies.base import Technology


class Ipsec(Technology):
    name = "ipsec"
    needs = Needs(
        extensions=("router", "external-net", "vpnaas"),
        stretched=False,
        external_network=True,
        pre_shared_key=True,
    )

    def link_tasks(self, role: str) -> list[SiteTask]:
        return [
            network.CreateNetwork(role),
            network.CreateSubnet(role),
            router.CreateRouter(role),
            router.AttachRouterInterface(role),
            vpn.CreateIkePolicy(role),
            vpn.CreateIpsecPolicy(role),
            vpn.CreateVpnService(role),
            vpn.CreateSubnetEndpointGroup(role),
            vpn.CreatePeerEndpointGroup(role),
        ]

    def join_tasks(self) -> list[SiteTask]:
        return [vpn.CreateSiteConnection(role) for role in ROLES]

    def verify_tasks(self) -> list[SiteTask]:
        return super().verify_tasks() + [WaitForSiteConnection(role) for role in ROLES]

    def before_delete(self, role: str) -> dict[Kind, list[SiteTask]]:
        return {Kind.ROUTER: [DetachRouterInterfaces(role)]}  # a router in use stays

    def drift_checks(self) -> tuple[drift.Check, ...]:
        return (
            *super().drift_checks(),
            drift.Check(Kind.SITE_CONNECTION, _peer_drift, replace=True),
        )


def _peer_drift(side: drift.Side, found: Resource) -> Iterable[str]:
    """The site connection still points at the peer router's gateway address."""
    routers = side.recorded(Kind.ROUTER, peer=True)
    if not routers:
        return []
    router = side.peer_driver.get(Kind.ROUTER, routers[0]) or {}
    fixed = (router.get("external_gateway_info") or {}).get("external_fixed_ips") or []
    return drift.mismatches(found, {"peer_address": fixed[0]["ip_address"] if fixed else None})
