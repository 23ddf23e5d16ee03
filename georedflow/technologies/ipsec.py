"""ipsec: a subnet behind a router on each side, joined by an IPsec site connection."""

from georedflow.planning.needs import Needs
from georedflow.roles import ROLES
from georedflow.tasks import network, router, vpn
from georedflow.tasks.base import SiteTask
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
