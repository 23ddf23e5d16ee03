"""Forgetting finished jobs: their rows, their task rows and their TaskFlow logbooks.

Nothing else ever removes a job, so without a purge the job tables and the logbooks
grow with every operation. ``georedflow-manage db purge`` runs it once; with
``[database] job_retention_days`` set, every process runs it once an hour (a purge
that races another removes each job once: the deletes are idempotent).
"""

import contextlib
import logging
from datetime import timedelta

from taskflow import exceptions as tf_exc
from taskflow.persistence.backends.impl_sqlalchemy import SQLAlchemyBackend

from georedflow.periodic import Periodic
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import utcnow

LOG = logging.getLogger(__name__)

PURGE_EVERY = 3600.0  # seconds between two periodic purges
_BATCH = 500  # jobs per transaction: a large purge never holds one long


def purge_finished_jobs(jobs: JobRepository, backend: SQLAlchemyBackend, days: float) -> int:
    """Forget every job that finished more than ``days`` ago; how many were forgotten.

    The logbook goes first: a purge cut short leaves a finished job without its
    logbook (which only a resume would read), never a logbook without its job.
    """
    before = utcnow() - timedelta(days=days)
    forgotten = 0
    while batch := jobs.finished_before(before, limit=_BATCH):
        with contextlib.closing(backend.get_connection()) as conn:
            for job in batch:
                if job.logbook_id:
                    with contextlib.suppress(tf_exc.NotFound):
                        conn.destroy_logbook(job.logbook_id)
        forgotten += jobs.forget([job.id for job in batch])
        if len(batch) < _BATCH:
            break
    return forgotten


class PeriodicPurge:
    """Purges finished jobs once an hour, from the first start, in a daemon thread."""

    def __init__(self, jobs: JobRepository, backend: SQLAlchemyBackend, days: float) -> None:
        self._jobs, self._backend, self._days = jobs, backend, days
        self._periodic = Periodic("purge", self.purge_once, PURGE_EVERY, at_start=True)

    def start(self) -> None:
        self._periodic.start()

    def stop(self) -> None:
        self._periodic.stop()

    def purge_once(self) -> int:
        forgotten = purge_finished_jobs(self._jobs, self._backend, self._days)
        if forgotten:
            LOG.info("purged %d jobs finished over %g days ago", forgotten, self._days)
        return forgotten
