"""segments: two cells of one cloud, one routed network with a segment and subnet per cell."""

from georedflow.planning.needs import Needs
from georedflow.tasks import network
from georedflow.tasks.base import SiteTask
from georedflow.tasks.verify import VerifyNetwork, VerifySubnet
from georedflow.technologies.base import Technology


class Segments(Technology):
    name = "segments"
    needs = Needs(
        extensions=("segment", "provider"),
        stretched=False,
        network_type="vlan",
        physnet="cell",
        cell_only=True,
    )
    delete_remote_first = True

    def link_tasks(self, role: str) -> list[SiteTask]:
        # One shared Neutron: the local side makes the routed network, the remote side
        # adds its cell's segment to it.
        if role == "local":
            return [
                network.CreateNetwork(role),
                network.FindNetworkSegment(role),
                network.CreateSegmentSubnet(role),
            ]
        return [network.CreateSegment(role), network.CreateSegmentSubnet(role)]

    def qos_tasks(self, role: str, mode: str) -> list[SiteTask]:
        # The cells share one network: its policy is set once, locally.
        return super().qos_tasks(role, mode) if role == "local" else []

    def verify_tasks(self) -> list[SiteTask]:
        return [VerifyNetwork("local"), VerifySubnet("local"), VerifySubnet("remote")]
