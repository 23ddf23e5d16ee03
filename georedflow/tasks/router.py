"""A router with a gateway on the site's external network, and its interface."""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import CreateResource, SiteTask, leftover, summary, undo


class CreateRouter(CreateResource):
    kind = Kind.ROUTER
    produces = "router"

    def execute(self, driver: SiteDriver, connection_id: str, plan: dict[str, Any]) -> Any:
        gateway = {"network_id": plan[self.role]["external_network_id"]}
        router = self.ensure(driver, connection_id, {"external_gateway_info": gateway})
        fixed_ips = (router.get("external_gateway_info") or {}).get("external_fixed_ips") or []
        result = summary(self.kind, router)
        result["gateway_ip"] = fixed_ips[0]["ip_address"] if fixed_ips else None
        return result


class AttachRouterInterface(SiteTask):
    produces = "interface"

    def execute(self, driver: SiteDriver, router: dict[str, Any], subnet: dict[str, Any]) -> Any:
        driver.add_router_interface(router["id"], subnet["id"], look_first=self.ran_before)
        return {"router_id": router["id"], "subnet_id": subnet["id"]}

    def revert(
        self,
        driver: SiteDriver,
        repo: ConnectionRepository,
        connection_id: str,
        router: dict[str, Any],
        subnet: dict[str, Any],
        keep_on_revert: bool = False,
        **kwargs: Any,
    ) -> None:
        if keep_on_revert:
            return
        undo(
            driver,
            f"the interface of router {router['id']}",
            lambda: driver.remove_router_interface(router["id"], subnet["id"]),
            repo=repo,
            connection_id=connection_id,
            left=lambda: leftover(driver, self.role, "router_interface", router["id"]),
        )
