"""The transient part of a flow's store: objects a runner hands to tasks, never persisted.

This is where a runner's fence reaches the tasks: with one, every writer handed
over refuses to write once the job is lost — the drivers (cloud calls), the
config delivery, and the repositories, whose sessions pass ``Fence.guard`` in
each writing transaction. Tasks cannot tell the difference and need no changes.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.openstack import Clouds
from georedflow.config_delivery import ConfigDelivery
from georedflow.crypto import SecretBox
from georedflow.exceptions import NotFound
from georedflow.jobs.fencing import Fence, fenced_delivery, fenced_driver
from georedflow.planning.settings import PlanningSettings
from georedflow.storage import db
from georedflow.storage.configs import ConfigRepository
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.models import Job, Site
from georedflow.storage.sites import SiteRepository
from georedflow.tasks.base import StoreKey, driver_key


@dataclass(frozen=True)
class JobContext:
    """Everything a runner needs to give tasks; built once per process by cmd/."""

    connections: ConnectionRepository
    sites: SiteRepository
    clouds: Clouds
    secret_box: SecretBox
    settings: PlanningSettings
    configs: ConfigRepository
    delivery: ConfigDelivery
    sessions: sessionmaker[Session]  # the repositories', for their fenced copies

    def driver(self, site: Site) -> SiteDriver:
        return self.clouds.driver(site.name, site.cloud, site.region)

    def for_job(
        self, job: Job, fence: Fence | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The flow's transient store, and role → site name to label each task.

        With a ``fence`` (whose attempt has started), every writer in the store
        refuses to write once the job is lost.
        """
        sites = self._sites_of(job)
        connections, site_repo, configs = self.connections, self.sites, self.configs
        delivery = self.delivery
        if fence is not None:
            guarded = db.guarded_sessions(self.sessions, fence.guard)
            connections, site_repo = ConnectionRepository(guarded), SiteRepository(guarded)
            configs, delivery = ConfigRepository(guarded), fenced_delivery(delivery, fence)
        store: dict[str, Any] = {
            StoreKey.REPO: connections,
            StoreKey.SECRET_BOX: self.secret_box,
            StoreKey.SETTINGS: self.settings,
            StoreKey.CONFIGS: configs,
            StoreKey.DELIVERY: delivery,
            "sites": site_repo,
        }
        for role, site in sites.items():
            driver = self.driver(site)
            store[driver_key(role)] = driver if fence is None else fenced_driver(driver, fence)
        return store, {role: site.name for role, site in sites.items()}

    def sites_of(self, job: Job) -> dict[str, str]:
        """Role → site name of the job's connection (or probed site); {} once it is gone."""
        try:
            return {role: site.name for role, site in self._sites_of(job).items()}
        except NotFound:
            return {}

    def _sites_of(self, job: Job) -> dict[str, Site]:
        if job.connection_id:
            connection = self.connections.get(job.connection_id)
            return {e.role: e.site for e in connection.endpoints}
        if job.site_id:
            site = self.sites.get(job.site_id)  # a probe acts on one site
            return {"local": site, "remote": site}
        return {}
