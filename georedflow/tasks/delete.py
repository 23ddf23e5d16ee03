"""Removing what a connection owns on one site, one kind at a time, tolerant of gone."""

import logging
from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.clouds.ownership import owned
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import SiteTask

LOG = logging.getLogger(__name__)


class DeleteOwned(SiteTask):
    """Delete every resource of one kind that the connection made for this side."""

    def __init__(self, role: str, kind: Kind) -> None:
        self.resource_kind = kind
        super().__init__(role)
        self.name = f"Delete-{kind}-{role}"

    def execute(
        self, driver: SiteDriver, repo: ConnectionRepository, connection_id: str
    ) -> list[str]:
        ids = [r["id"] for r in owned(driver, self.resource_kind, connection_id, self.role)]
        # What a failed revert noted: it may lack the tags the query above relies on.
        for item in repo.leftovers(connection_id):
            if item["type"] != self.resource_kind or item["role"] != self.role:
                continue
            if item["id"] is None and item.get("name"):
                found = driver.find(self.resource_kind, item["name"])
                item = {**item, "id": found["id"] if found else None}
            if item["id"] and item["id"] not in ids:
                ids.append(item["id"])
        deleted = []
        for resource_id in ids:
            if driver.delete(self.resource_kind, resource_id):
                deleted.append(resource_id)
        LOG.info("%s: deleted %d %s", driver.site, len(deleted), self.resource_kind)
        return deleted

    def revert(self, **kwargs: Any) -> None:
        return None  # what is deleted cannot be brought back; the checkpoint says so


class DetachRouterInterfaces(SiteTask):
    """Detach every subnet from the connection's routers on this side."""

    def execute(self, driver: SiteDriver, connection_id: str) -> list[str]:
        detached = []
        for router in owned(driver, Kind.ROUTER, connection_id, self.role):
            for subnet_id in driver.router_interface_subnets(router["id"]):
                if driver.remove_router_interface(router["id"], subnet_id):
                    detached.append(subnet_id)
        return detached

    def revert(self, **kwargs: Any) -> None:
        return None
