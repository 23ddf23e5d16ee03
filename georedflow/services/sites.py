"""Registering, changing and probing sites."""

from typing import Any

from georedflow.clouds.openstack import Clouds
from georedflow.exceptions import InvalidInput
from georedflow.jobs.board import JobBoard
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import Job, Site
from georedflow.storage.sites import SiteRepository
from georedflow.tasks.site import probe


class SiteService:
    def __init__(
        self, sites: SiteRepository, jobs: JobRepository, clouds: Clouds, board: JobBoard
    ) -> None:
        self._sites = sites
        self._jobs = jobs
        self._clouds = clouds
        self._board = board

    def register(self, fields: dict[str, Any]) -> Site:
        """Store the site, then probe it (an unreachable site is kept, marked as such)."""
        if fields["cloud"] not in self._clouds.names():
            known = ", ".join(self._clouds.names()) or "none"
            raise InvalidInput(
                f"cloud '{fields['cloud']}' is not in clouds.yaml (clouds there: {known})"
            )
        site = self._sites.create(**fields)
        driver = self._clouds.driver(site.name, site.cloud, site.region)
        return self._sites.update(site.id, **probe(driver))

    def probe_later(self, ref: str) -> Job:
        site = self._sites.get(ref)
        job = self._jobs.create("probe", site_id=site.id)
        self._board.post(job.id)
        return job
