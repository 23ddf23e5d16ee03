"""What the API shows of connections and jobs, read as plain rows, not ORM objects.

A GET answers from one statement whose rows go straight into its document: building
ORM objects (identity map, instrumented attributes, collections) cost more than the
database's answer. A connection's row carries both its endpoints, joined once each by
role (one ``local``, one ``remote``: a unique pair), so its JSON columns are decoded
once, not once per endpoint; a job's rows are the job with each of its tasks. Still
one statement each: between two, a delete may commit (PostgreSQL's read committed).
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection as Conn
from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from georedflow.exceptions import NotFound
from georedflow.storage import db
from georedflow.storage.models import Connection, Endpoint, Job, JobTask, Site
from georedflow.storage.pagination import CREATED, Order, after_marker

ROLES = ("local", "remote")

_CONNECTION = (
    Connection.id,
    Connection.name,
    Connection.project_id,
    Connection.mode,
    Connection.technology,
    Connection.scope,
    Connection.state,
    Connection.parameters,
    Connection.primary_role,
    Connection.findings,
    Connection.audited_at,
    Connection.job_id,
    Connection.error,
    Connection.leftovers,
    Connection.selection,
    Connection.epoch,
    Connection.lease_expires_at,
    Connection.created_at,
    Connection.updated_at,
)


def _connections() -> Select[Any]:
    """Connections with ``<role>_site``, ``_cell``, ``_cidr``, ``_resources`` per role."""
    query: Select[Any] = select(*_CONNECTION)
    for role in ROLES:
        endpoint, site = aliased(Endpoint, name=f"{role}_endpoint"), aliased(Site, name=role)
        query = query.outerjoin(
            endpoint, (endpoint.connection_id == Connection.id) & (endpoint.role == role)
        ).outerjoin(site, site.id == endpoint.site_id)
        query = query.add_columns(
            site.name.label(f"{role}_site"),
            endpoint.cell.label(f"{role}_cell"),
            endpoint.cidr.label(f"{role}_cidr"),
            endpoint.resources.label(f"{role}_resources"),
        )
    return query


# Built once: new aliases per call would miss SQLAlchemy's compiled cache (~5 ms a compile).
_CONNECTIONS = _connections()
# One connection by a bound id, built once too: a statement's cache key is computed once
# per statement object, and for this one (two aliased joins) it cost half of a read's CPU.
_CONNECTION_BY_ID = _CONNECTIONS.where(Connection.id == bindparam("connection_id"))

_TASK = (
    JobTask.name.label("task_name"),
    JobTask.state.label("task_state"),
    JobTask.site.label("task_site"),
    JobTask.worker.label("task_worker"),
    JobTask.started_at.label("task_started_at"),
    JobTask.finished_at.label("task_finished_at"),
    JobTask.error.label("task_error"),
)
_JOB = (
    select(
        Job.id,
        Job.kind,
        Job.connection_id,
        Job.site_id,
        Job.project_id,
        Job.state,
        Job.progress,
        Job.attempts,
        Job.workers,
        Job.error,
        Job.forced,
        Job.trigger,
        Job.created_at,
        Job.updated_at,
        *_TASK,
    )
    .outerjoin(JobTask, JobTask.job_id == Job.id)
    .where(Job.id == bindparam("job_id"))
    .order_by(JobTask.id)
)


T = TypeVar("T")


class Reads:
    """The API's reads of ``url``, on an engine of their own (``db.make_read_engine``)
    whose pool holds ``concurrency`` connections: as many reads run at once.

    A Core connection, not a session: a session and the ORM's execution path cost a
    read more than its statement's own work, for rows that are plain tuples anyway.
    """

    def __init__(self, url: str, concurrency: int) -> None:
        self.engine = db.make_read_engine(url, concurrency)
        self.concurrency = concurrency

    def close(self) -> None:
        self.engine.dispose()

    def _read(self, query: Callable[[Conn], T]) -> T:
        """``query`` on a pooled connection, once more if that connection was broken (the
        server restarted since): with no ping on checkout, that is how the pool learns
        it. A broken connection invalidates the pool's older ones: the second try
        connects afresh."""
        try:
            with self.engine.connect() as conn:
                return query(conn)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        with self.engine.connect() as conn:
            return query(conn)

    def connection(self, connection_id: str) -> Row[Any]:
        row = self._read(
            lambda conn: conn.execute(_CONNECTION_BY_ID, {"connection_id": connection_id}).first()
        )
        if row is None:
            raise NotFound(f"connection '{connection_id}' does not exist")
        return row

    def connections(
        self,
        *,
        project_id: str | None = None,
        state: str | None = None,
        site: str | None = None,
        technology: str | None = None,
        mode: str | None = None,
        name: str | None = None,
        limit: int = 100,
        marker: str | None = None,
        order: Order = CREATED,
    ) -> Sequence[Row[Any]]:
        """A page of connections (``site``: a site's name or id on either side)."""
        query = _CONNECTIONS
        if project_id is not None:
            query = query.where(Connection.project_id == project_id)
        if name is not None:
            query = query.where(Connection.name == name)
        if state:
            query = query.where(Connection.state == state)
        if technology:
            query = query.where(Connection.technology == technology)
        if mode:
            query = query.where(Connection.mode == mode)
        if site:
            on_site = (
                select(Endpoint.connection_id)
                .join(Site, Endpoint.site_id == Site.id)
                .where((Site.name == site) | (Site.id == site))
            )
            query = query.where(Connection.id.in_(on_site))

        def page(conn: Conn) -> Sequence[Row[Any]]:
            with Session(bind=conn) as session:  # the marker's row is read as a model
                ordered = after_marker(query, session, Connection, marker, "connection", order)
            return conn.execute(ordered.limit(limit)).all()

        return self._read(page)

    def job(self, job_id: str) -> Sequence[Row[Any]]:
        """The job's rows, one per task (one with no task's columns when it has none)."""
        rows = self._read(lambda conn: conn.execute(_JOB, {"job_id": job_id}).all())
        if not rows:
            raise NotFound(f"job '{job_id}' does not exist")
        return rows
