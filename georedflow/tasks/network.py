"""Networks, segments and subnets."""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.tasks.base import CreateResource, SiteTask, summary


class CreateNetwork(CreateResource):
    """The link network; a provider network when the technology has a network type."""

    kind = Kind.NETWORK
    produces = "network"

    def execute(self, driver: SiteDriver, connection_id: str, plan: dict[str, Any]) -> Any:
        side = plan[self.role]
        attrs: dict[str, Any] = {"admin_state_up": True}
        if plan.get("network_type"):
            attrs["provider:network_type"] = plan["network_type"]
            if side.get("physical_network"):
                attrs["provider:physical_network"] = side["physical_network"]
            if plan.get("segmentation_id") is not None:
                attrs["provider:segmentation_id"] = plan["segmentation_id"]
        if plan.get("mtu"):
            attrs["mtu"] = plan["mtu"]
        network = self.ensure(driver, connection_id, attrs)
        return summary(self.kind, network, "provider:segmentation_id", "status")


class CreateSubnet(CreateResource):
    """The endpoint's subnet: its half of a stretched CIDR, or its own CIDR."""

    kind = Kind.SUBNET
    produces = "subnet"

    def execute(
        self, driver: SiteDriver, connection_id: str, plan: dict[str, Any], network: dict[str, Any]
    ) -> Any:
        return self._create(driver, connection_id, plan, network["id"], segment_id=None)

    def _create(
        self,
        driver: SiteDriver,
        connection_id: str,
        plan: dict[str, Any],
        network_id: str,
        segment_id: str | None,
    ) -> Any:
        side = plan[self.role]
        attrs: dict[str, Any] = {
            "network_id": network_id,
            "cidr": side["cidr"],
            "ip_version": 6 if ":" in side["cidr"] else 4,
        }
        if side.get("allocation_pool"):
            # A stretched network has no router on it: no gateway to hand out.
            attrs["allocation_pools"] = [side["allocation_pool"]]
            attrs["gateway_ip"] = None
        if segment_id:
            attrs["segment_id"] = segment_id
        subnet = self.ensure(driver, connection_id, attrs)
        return summary(self.kind, subnet, "cidr", "gateway_ip")


class FindNetworkSegment(SiteTask):
    """The segment Neutron made with the network (read only: nothing to revert)."""

    produces = "segment"

    def execute(self, driver: SiteDriver, network: dict[str, Any]) -> Any:
        segments = driver.query(Kind.SEGMENT, network_id=network["id"])
        first = min(segments, key=lambda s: str(s.get("created_at") or ""))
        return summary(Kind.SEGMENT, first, "network_id", "physical_network")

    def revert(self, **kwargs: Any) -> None:
        return None


class CreateSegment(CreateResource):
    """A further segment of the peer's routed network, on this cell's physnet."""

    kind = Kind.SEGMENT
    produces = "segment"

    def execute(
        self,
        driver: SiteDriver,
        connection_id: str,
        plan: dict[str, Any],
        peer_network: dict[str, Any],
    ) -> Any:
        attrs = {
            "network_id": peer_network["id"],
            "network_type": plan["network_type"],
            "physical_network": plan[self.role]["physical_network"],
        }
        segment = self.ensure(driver, connection_id, attrs)
        return summary(self.kind, segment, "network_id", "physical_network")


class CreateSegmentSubnet(CreateSubnet):
    """The endpoint's subnet on its own segment of a routed network."""

    def execute(
        self, driver: SiteDriver, connection_id: str, plan: dict[str, Any], segment: dict[str, Any]
    ) -> Any:
        return self._create(
            driver, connection_id, plan, segment["network_id"], segment_id=segment["id"]
        )
