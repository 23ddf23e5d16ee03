"""Jobs and the state of their tasks, as the runners report them."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, delete, func, insert, select, update
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from georedflow.exceptions import NotFound
from georedflow.states import JOB_FINISHED, TASK_ENDED, TASK_IN_FLIGHT, JobState, TaskState
from georedflow.storage import db
from georedflow.storage.models import Job, JobTask, utcnow
from georedflow.storage.pagination import CREATED, Order, after_marker

# The tables themselves, for the statements a runner makes at each task transition:
# ORM-enabled DML costs several times the CPU of the statement, and no loaded object
# needs updating.
_TASKS = cast(Table, JobTask.__table__)
_JOBS = cast(Table, Job.__table__)
# Built once (a statement's cache key is computed once per statement object); the row's
# new values are the parameters of each execution.
_TASK_ROW = update(_TASKS).where(
    _TASKS.c.job_id == bindparam("row_job_id"), _TASKS.c.name == bindparam("row_name")
)
_PROGRESS_COUNTS = select(
    func.count(), func.sum(case((_TASKS.c.state == TaskState.SUCCESS, 1), else_=0))
).where(_TASKS.c.job_id == bindparam("job_id"))
_PROGRESS = update(_JOBS).where(_JOBS.c.id == bindparam("row_job_id"))


class JobRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._reads = db.read_sessions(sessions)

    def create(self, kind: str, *, site_id: str | None = None) -> Job:
        with self._sessions.begin() as session:
            job = Job(kind=kind, site_id=site_id)
            session.add(job)
        return self.get(job.id)

    @staticmethod
    def _loaded(session: Session, job_id: str) -> Job:
        # Its tasks joined: one statement, and the tasks as of the same instant as the job.
        job = session.get(Job, job_id, options=[joinedload(Job.tasks)])
        if job is None:
            raise NotFound(f"job '{job_id}' does not exist")
        return job

    def get(self, job_id: str) -> Job:
        with self._reads() as session:
            return self._loaded(session, job_id)

    def query(
        self,
        *,
        project_id: str | None = None,
        state: str | None = None,
        connection_id: str | None = None,
        limit: int = 100,
        marker: str | None = None,
        order: Order = CREATED,
    ) -> list[Job]:
        query = select(Job).options(selectinload(Job.tasks))
        if project_id is not None:
            query = query.where(Job.project_id == project_id)
        if state:
            query = query.where(Job.state == state)
        if connection_id:
            query = query.where(Job.connection_id == connection_id)
        with self._reads() as session:
            query = after_marker(query, session, Job, marker, "job", order)
            return list(session.scalars(query.limit(limit)))

    def unfinished(self) -> list[Job]:
        with self._sessions() as session:
            query = select(Job).where(Job.state.not_in(JOB_FINISHED)).order_by(Job.created_at)
            return list(session.scalars(query))

    def guarded(self, guard: Callable[[Session], None]) -> "JobRepository":
        """The same repository whose writes each pass ``guard`` first (in their transaction)."""
        return JobRepository(db.guarded_sessions(self._sessions, guard))

    def start_attempt(
        self,
        job_id: str,
        worker: str,
        logbook_id: str,
        check: Callable[[], None] | None = None,
    ) -> int:
        """Mark the job RUNNING by ``worker``; returns the attempt number.

        ``check`` (may raise to refuse) is asked with the job's row locked, so a
        runner that passes it starts its attempt before any later one can.
        """
        with self._sessions.begin() as session:
            job = session.get(Job, job_id, with_for_update=True)
            if job is None:
                raise NotFound(f"job '{job_id}' does not exist")
            if check is not None:
                check()
            job.state = JobState.RUNNING
            job.attempts += 1
            job.logbook_id = logbook_id
            job.workers = [*job.workers, worker]
            job.started_at = job.started_at or utcnow()
            return job.attempts

    def plan_tasks(self, job_id: str, tasks: list[tuple[str, str | None]]) -> None:
        """Record every task of the job's flow as PENDING (kept as they are on a resume)."""
        with self._sessions.begin() as session:
            known = set(session.scalars(select(JobTask.name).where(JobTask.job_id == job_id)))
            new = [
                {"job_id": job_id, "name": name, "site": site, "state": TaskState.PENDING}
                for name, site in tasks
                if name not in known
            ]
            if new:  # one INSERT of many rows, no ORM objects (a flow has dozens of tasks)
                session.execute(insert(_TASKS), new)

    def task_changed(
        self,
        job_id: str,
        name: str,
        state: str,
        at: datetime,
        *,
        worker: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record a task's transition: one UPDATE of its row (an INSERT if it has none)."""
        values: dict[str, Any] = {"state": state}
        if worker:
            values["worker"] = worker
        if state == TaskState.RUNNING:
            values |= {"started_at": at, "finished_at": None, "error": None}
        elif state in TASK_ENDED:
            values["finished_at"] = at
        if error is not None:
            values["error"] = error
        with self._sessions.begin() as session:
            changed = session.execute(_TASK_ROW, {"row_job_id": job_id, "row_name": name, **values})
            if not changed.rowcount:  # type: ignore[attr-defined]
                session.add(JobTask(job_id=job_id, name=name, **values))
                session.flush()
            # Progress counts SUCCESS only, and a task leaves SUCCESS only by reverting.
            if state in (TaskState.SUCCESS, TaskState.REVERTING):
                self._update_progress(session, job_id)

    @staticmethod
    def _update_progress(session: Session, job_id: str) -> None:
        total, done = session.execute(_PROGRESS_COUNTS, {"job_id": job_id}).one()
        progress = round((done or 0) / total, 3) if total else 0.0
        session.execute(_PROGRESS, {"row_job_id": job_id, "progress": progress})

    def reconcile_tasks(
        self, job_id: str, states: Mapping[str, str], worker: str, at: datetime
    ) -> list[str]:
        """Make the task rows say what the logbook says (``states``: task → shown state).

        Rows miss transitions: a worker killed between saving a task's outcome and
        recording it, and a resumed engine does not announce again what its logbook
        already holds. A task in flight in the logbook is being resumed by ``worker``
        now. A task that ended keeps the worker of its row, the one that last ran it
        (only the job's owner writes its logbook); its ``finished_at`` is ``at``, when
        this was learnt, as the logbook keeps no times. Returns the corrected names.
        """
        corrected = []
        with self._sessions.begin() as session:
            rows = {
                row.name: row
                for row in session.scalars(select(JobTask).where(JobTask.job_id == job_id))
            }
            for name, state in states.items():
                row = rows.get(name)
                if row is None:
                    continue
                if state in TASK_IN_FLIGHT and (row.state, row.worker) != (state, worker):
                    if state == TaskState.RUNNING:
                        row.started_at, row.finished_at, row.error = at, None, None
                    row.state, row.worker = state, worker
                elif state in TASK_ENDED and row.state != state:
                    row.state, row.finished_at = state, at
                else:
                    continue
                corrected.append(name)
            if corrected:
                session.flush()
                self._update_progress(session, job_id)
        return corrected

    def finish(self, job_id: str, state: str, error: dict[str, Any] | None = None) -> None:
        with self._sessions.begin() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            job.state = state
            job.error = error
            job.finished_at = utcnow()
            if state == JobState.SUCCEEDED:
                job.progress = 1.0

    def finished_before(self, before: datetime, limit: int = 500) -> list[Job]:
        """Finished jobs that ended before ``before``, oldest first (their tasks not loaded)."""
        query = (
            select(Job)
            .where(Job.state.in_(JOB_FINISHED), Job.finished_at < before)
            .order_by(Job.finished_at)
            .limit(limit)
        )
        with self._sessions() as session:
            return list(session.scalars(query))

    def forget(self, job_ids: list[str]) -> int:
        """Delete these jobs if they are finished, with their task rows; how many went."""
        finished = (Job.id.in_(job_ids), Job.state.in_(JOB_FINISHED))
        with self._sessions.begin() as session:
            ids = list(session.scalars(select(Job.id).where(*finished)))
            session.execute(delete(JobTask).where(JobTask.job_id.in_(ids)))
            return int(session.execute(delete(Job).where(Job.id.in_(ids))).rowcount)  # type: ignore[attr-defined]
