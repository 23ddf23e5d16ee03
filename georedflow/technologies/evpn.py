"""evpn: one L2 segment stretched over both sites by an L2 BGP VPN (EVPN) with the VNI and
route targets agreed between them, its network associated on both sides."""

from typing import Any

from georedflow import drift
from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.planning.needs import Needs
from georedflow.tasks import network
from georedflow.tasks.base import CreateResource, SiteTask, summary
from georedflow.tasks.bgpvpn import AssociateNetwork
from georedflow.technologies.base import Technology
from georedflow.technologies.bgpvpn import bgpvpn_drift


class CreateL2Bgpvpn(CreateResource):
    """The site's l2 BGPVPN, with the agreed VNI (segmentation_id) and route targets."""

    kind = Kind.BGPVPN
    produces = "bgpvpn"

    def execute(self, driver: SiteDriver, connection_id: str, plan: dict[str, Any]) -> Any:
        attrs = {
            "type": "l2",
            "vni": plan["segmentation_id"],
            "route_targets": plan["route_targets"],
        }
        bgpvpn = self.ensure(driver, connection_id, attrs)
        return summary(self.kind, bgpvpn, "route_targets", "vni")


class Evpn(Technology):
    name = "evpn"
    # The VNI is held with the vxlan ones: one fabric, one VNI space.
    needs = Needs(
        extensions=("bgpvpn", "bgpvpn-vni"),
        stretched=True,
        segmentation="vxlan",
        ranges="vni_ranges",
        route_targets=True,
    )

    def link_tasks(self, role: str) -> list[SiteTask]:
        return [
            network.CreateNetwork(role),
            network.CreateSubnet(role),
            CreateL2Bgpvpn(role),
            AssociateNetwork(role),
        ]

    def drift_checks(self) -> tuple[drift.Check, ...]:
        return (*super().drift_checks(), drift.Check(Kind.BGPVPN, bgpvpn_drift, replace=True))
