"""A purge forgets finished jobs that ended long enough ago, with their tasks and logbooks."""

import contextlib
import time
from datetime import timedelta

import pytest
import taskflow.engines
from sqlalchemy import func, select, text
from taskflow import exceptions as tf_exc
from taskflow import task
from taskflow.patterns import linear_flow
from taskflow.persistence import models

from georedflow.jobs.persistence import make_backend, upgrade
from georedflow.jobs.purge import PeriodicPurge, purge_finished_jobs
from georedflow.storage import db, migrate
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import Job, JobTask, utcnow


class Noop(task.Task):  # type: ignore[misc]
    def execute(self) -> None:
        return None


def _job(jobs: JobRepository, backend: object, state: str, finished_days_ago: float | None) -> str:
    """A job with one task row and a logbook (named by the job id, as the runner names it)."""
    job = jobs.create("create")
    book = models.LogBook("job", uuid=job.id)
    taskflow.engines.load(
        linear_flow.Flow("f").add(Noop(name="Noop")), book=book, backend=backend
    ).run()
    jobs.start_attempt(job.id, "w", logbook_id=job.id)
    jobs.plan_tasks(job.id, [("Noop", None)])
    if finished_days_ago is not None:
        jobs.finish(job.id, state)
        with jobs._sessions.begin() as session:  # finished back then
            session.get(Job, job.id).finished_at = utcnow() - timedelta(days=finished_days_ago)  # type: ignore[union-attr]
    return job.id


@pytest.fixture
def stored(sqlite_url: str) -> tuple[JobRepository, object]:
    migrate.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    upgrade(engine)
    return JobRepository(db.make_session_factory(engine)), make_backend(engine)


def test_only_finished_jobs_older_than_the_retention_go(
    stored: tuple[JobRepository, object],
) -> None:
    jobs, backend = stored
    old = [_job(jobs, backend, "SUCCEEDED", 10), _job(jobs, backend, "FAILED", 8)]
    recent = _job(jobs, backend, "SUCCEEDED", 1)
    running = _job(jobs, backend, "RUNNING", None)

    assert purge_finished_jobs(jobs, backend, days=7) == 2  # type: ignore[arg-type]

    remaining = {job.id for job in jobs.query(limit=10)}
    assert remaining == {recent, running}
    with jobs._sessions() as session:
        rows = session.scalar(
            select(func.count()).select_from(JobTask).where(JobTask.job_id.in_(old))
        )
    assert rows == 0
    with contextlib.closing(backend.get_connection()) as conn:  # type: ignore[attr-defined]
        for job_id in old:
            with pytest.raises(tf_exc.NotFound):
                conn.get_logbook(job_id)
        kept = [
            atom
            for job_id in (recent, running)
            for flow in conn.get_logbook(job_id)
            for atom in conn.get_atoms_for_flow(flow.uuid)
        ]
    with jobs._sessions() as session:  # the purged logbooks' flows and atoms went with them
        atoms = session.execute(text("SELECT count(*) FROM atomdetails")).scalar()
        flows = session.execute(text("SELECT count(*) FROM flowdetails")).scalar()
    assert kept and atoms == len(kept)
    assert flows == 2


def test_a_second_purge_finds_nothing_more(stored: tuple[JobRepository, object]) -> None:
    jobs, backend = stored
    _job(jobs, backend, "SUCCEEDED", 3)

    assert purge_finished_jobs(jobs, backend, days=0) == 1  # type: ignore[arg-type]
    assert purge_finished_jobs(jobs, backend, days=0) == 0  # type: ignore[arg-type]


def test_the_periodic_purge_runs_when_it_starts_and_stops(
    stored: tuple[JobRepository, object],
) -> None:
    jobs, backend = stored
    old = _job(jobs, backend, "SUCCEEDED", 40)
    purge = PeriodicPurge(jobs, backend, days=30)  # type: ignore[arg-type]

    purge.start()
    deadline = time.monotonic() + 10
    while old in {job.id for job in jobs.query(limit=10)} and time.monotonic() < deadline:
        time.sleep(0.05)
    purge.stop()

    assert jobs.query(limit=10) == []
    assert not purge._periodic._thread.is_alive()
