"""bgpvpn: a subnet on each side in an L3 BGP VPN with the agreed route targets."""

from georedflow.planning.needs import Needs
from georedflow.tasks import bgpvpn, network
from georedflow.tasks.base import SiteTask
from georedflow.technologies.base import Technology


class Bgpvpn(Technology):
    name = "bgpvpn"
    needs = Needs(extensions=("bgpvpn",), stretched=False, route_targets=True)

    def link_tasks(self, role: str) -> list[SiteTask]:
        return [
            network.CreateNetwork(role),
            network.CreateSubnet(role),
            bgpvpn.CreateBgpvpn(role),
            bgpvpn.AssociateNetwork(role),
        ]
