"""Probing a site and recording what it offers."""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.exceptions import CloudError
from georedflow.storage.sites import SiteRepository
from georedflow.tasks.base import Task


def probe(driver: SiteDriver) -> dict[str, Any]:
    """Status fields of a site: reachable with its capabilities, or unreachable and why."""
    try:
        capabilities = driver.extensions()
    except CloudError as error:
        return {"status": "unreachable", "status_reason": str(error), "capabilities": []}
    return {"status": "reachable", "status_reason": None, "capabilities": capabilities}


class ProbeSite(Task):
    def execute(self, sites: SiteRepository, site_id: str, local_driver: SiteDriver) -> str:
        result = probe(local_driver)
        sites.update(site_id, **result)
        return str(result["status"])
