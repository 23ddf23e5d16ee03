"""bgpvpn: a subnet on each side in an L3 BGP VPN with the agreed route targets."""

from collections.abc import Iterable

from georedflow import drift
from georedflow.clouds.driver import Resource
from georedflow.clouds.kinds import Kind
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

    def drift_checks(self) -> tuple[drift.Check, ...]:
        return (*super().drift_checks(), drift.Check(Kind.BGPVPN, bgpvpn_drift, replace=True))


def bgpvpn_drift(side: drift.Side, found: Resource) -> Iterable[str]:
    """Its route targets (and an l2 one's VNI) as agreed, the link network associated."""
    wanted = {
        "route_targets": side.plan.get("route_targets") or None,
        # An l2 BGPVPN (evpn) carries the agreed id as its VNI; its network, no type.
        "vni": None if side.plan.get("network_type") else side.plan.get("segmentation_id"),
    }
    yield from drift.mismatches(found, wanted)
    networks = side.recorded(Kind.NETWORK)
    associated = [a.get("network_id") for a in side.driver.network_associations(found["id"])]
    if networks and networks[0] not in associated:
        yield f"network {networks[0]} is no longer associated"
