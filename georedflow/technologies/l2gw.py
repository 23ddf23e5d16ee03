"""l2gw: one L2 segment, each side's link network bridged by an L2 gateway (a ToR switch's
interface, networking-l2gw) onto the DCI VLAN, the same VLAN id agreed on both sides.

A site declares its gateway device and interface as ``physical_networks.l2gw``:
``DEVICE/INTERFACE`` (e.g. ``tor1/eth1``); each connection gets a gateway of its own
on it, and that gateway's connection of the link network with the agreed VLAN id.
"""

from collections.abc import Iterable
from typing import Any

from georedflow import drift
from georedflow.clouds.driver import Resource, SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.clouds.ownership import owned
from georedflow.exceptions import InvalidInput
from georedflow.planning.needs import Needs
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks import network
from georedflow.tasks.base import CreateResource, SiteTask, leftover, summary, undo
from georedflow.technologies.base import Technology

CONNECTION = "l2_gateway_connection"  # recorded like a BGPVPN's network association


class CreateL2Gateway(CreateResource):
    """The connection's L2 gateway on the site's declared device and interface."""

    kind = Kind.L2_GATEWAY
    produces = "l2_gateway"

    def execute(self, driver: SiteDriver, connection_id: str, plan: dict[str, Any]) -> Any:
        declared = plan[self.role]["physical_network"]  # physical_networks.l2gw of the site
        device, _, interface = (declared or "").partition("/")
        if not device or not interface:
            raise InvalidInput(
                f"{self.role}.site: physical_networks.l2gw is {declared!r}, not DEVICE/INTERFACE"
            )
        attrs = {"devices": [{"device_name": device, "interfaces": [{"name": interface}]}]}
        return summary(self.kind, self.ensure(driver, connection_id, attrs))


class ConnectL2Gateway(SiteTask):
    """Bridge the link network onto the DCI VLAN through the gateway, with the agreed id."""

    produces = "l2_gateway_connection"

    def execute(
        self,
        driver: SiteDriver,
        plan: dict[str, Any],
        l2_gateway: dict[str, Any],
        network: dict[str, Any],
    ) -> Any:
        connected = driver.connect_l2_gateway(
            l2_gateway["id"], network["id"], plan["segmentation_id"], look_first=self.ran_before
        )
        return {"type": CONNECTION, "id": connected["id"]}

    def revert(
        self,
        driver: SiteDriver,
        repo: ConnectionRepository,
        connection_id: str,
        l2_gateway: dict[str, Any],
        network: dict[str, Any],
        keep_on_revert: bool = False,
        **kwargs: Any,
    ) -> None:
        if keep_on_revert:
            return
        undo(
            driver,
            f"the connection of L2 gateway {l2_gateway['id']}",
            lambda: driver.disconnect_l2_gateway(l2_gateway["id"], network["id"]),
            repo=repo,
            connection_id=connection_id,
            left=lambda: leftover(driver, self.role, CONNECTION, l2_gateway["id"]),
        )


class DisconnectL2Gateways(SiteTask):
    """Remove the connections of the connection's L2 gateways on this side (a gateway in
    use cannot be deleted)."""

    def execute(self, driver: SiteDriver, connection_id: str) -> list[str]:
        removed = []
        for gateway in owned(driver, Kind.L2_GATEWAY, connection_id, self.role):
            for joined in driver.l2_gateway_connections(gateway["id"]):
                if driver.disconnect_l2_gateway(gateway["id"], joined["network_id"]):
                    removed.append(joined["id"])
        return removed

    def revert(self, **kwargs: Any) -> None:
        return None


class L2gw(Technology):
    name = "l2gw"
    needs = Needs(
        extensions=("l2-gateway", "l2-gateway-connection"),
        stretched=True,
        segmentation="vlan",  # the DCI VLAN: held with the vlan technology's ids
        ranges="vlan_ranges",
        max_segmentation_id=4094,
        physnet="l2gw",
    )

    def link_tasks(self, role: str) -> list[SiteTask]:
        return [
            network.CreateNetwork(role),
            network.CreateSubnet(role),
            CreateL2Gateway(role),
            ConnectL2Gateway(role),
        ]

    def before_delete(self, role: str) -> dict[Kind, list[SiteTask]]:
        return {Kind.L2_GATEWAY: [DisconnectL2Gateways(role)]}

    def drift_checks(self) -> tuple[drift.Check, ...]:
        return (*super().drift_checks(), drift.Check(Kind.L2_GATEWAY, _gateway_drift))


def _gateway_drift(side: drift.Side, found: Resource) -> Iterable[str]:
    """The link network still connected through the gateway, with the agreed VLAN id."""
    networks = side.recorded(Kind.NETWORK)
    if not networks:
        return []
    joined = {
        c.get("network_id"): c.get("segmentation_id")
        for c in side.driver.l2_gateway_connections(found["id"])
    }
    wanted = side.plan.get("segmentation_id")
    if networks[0] not in joined:
        return [f"network {networks[0]} is no longer connected"]
    if str(joined[networks[0]]) != str(wanted):
        return [f"segmentation id is {joined[networks[0]]}, recorded {wanted}"]
    return []
