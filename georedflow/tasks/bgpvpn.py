"""BGP VPN: an l3 BGPVPN with the allocated route targets, and its network association."""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import CreateResource, SiteTask, leftover, summary, undo


class CreateBgpvpn(CreateResource):
    kind = Kind.BGPVPN
    produces = "bgpvpn"

    def execute(self, driver: SiteDriver, connection_id: str, plan: dict[str, Any]) -> Any:
        attrs = {"type": "l3", "route_targets": plan["route_targets"]}
        bgpvpn = self.ensure(driver, connection_id, attrs)
        return summary(self.kind, bgpvpn, "route_targets")


class AssociateNetwork(SiteTask):
    produces = "association"

    def execute(self, driver: SiteDriver, bgpvpn: dict[str, Any], network: dict[str, Any]) -> Any:
        association = driver.associate_network(
            bgpvpn["id"], network["id"], look_first=self.ran_before
        )
        return {"type": "bgpvpn_network_association", "id": association["id"]}

    def revert(
        self,
        driver: SiteDriver,
        repo: ConnectionRepository,
        connection_id: str,
        bgpvpn: dict[str, Any],
        network: dict[str, Any],
        keep_on_revert: bool = False,
        **kwargs: Any,
    ) -> None:
        if keep_on_revert:
            return
        undo(
            driver,
            f"the network association of BGPVPN {bgpvpn['id']}",
            lambda: driver.disassociate_network(bgpvpn["id"], network["id"]),
            repo=repo,
            connection_id=connection_id,
            left=lambda: leftover(driver, self.role, "bgpvpn_network_association", bgpvpn["id"]),
        )
