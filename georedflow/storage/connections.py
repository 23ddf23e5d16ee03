"""Connections, their endpoints, and what they hold: reservations and secrets."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer, joinedload, selectinload, sessionmaker

from georedflow.exceptions import Conflict, NotFound
from georedflow.roles import other
from georedflow.states import BUILT, IN_PROGRESS, JOB_FINISHED, ConnectionState
from georedflow.storage import db, outbox
from georedflow.storage.models import (
    Connection,
    Endpoint,
    IdempotencyKey,
    Job,
    Reservation,
    Secret,
    Site,
    utcnow,
)
from georedflow.storage.pagination import CREATED, Order, after_marker

# One statement with its endpoints joined, not a second SELECT for them: between two
# statements a delete may commit (PostgreSQL's read committed), and the connection
# would be read without the endpoints it had.
_LOADED = (joinedload(Connection.endpoints).joinedload(Endpoint.site),)
# A listing leaves out what no list shows: the plan and options (the plan holds every
# planned parameter), and of each endpoint's site all but its name.
_LISTED = (
    joinedload(Connection.endpoints).joinedload(Endpoint.site).load_only(Site.name, raiseload=True),
    defer(Connection.plan, raiseload=True),
    defer(Connection.options, raiseload=True),
)

# The connection's row locked, its endpoints joined: PostgreSQL refuses FOR UPDATE on
# the nullable side of the outer join, so only the connection's row (OF connections).
_LOCKED: dict[str, Any] = {"with_for_update": {"of": Connection}}


class ConnectionRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._reads = db.read_sessions(sessions)

    @staticmethod
    def _lookup(session: Session, connection_id: str) -> Connection:
        connection = session.get(Connection, connection_id, options=_LOADED)
        if connection is None:
            raise NotFound(f"connection '{connection_id}' does not exist")
        return connection

    def create(
        self,
        *,
        endpoints: list[dict[str, Any]],
        job_kind: str,
        idempotency: tuple[str, str] | None = None,
        **fields: Any,
    ) -> tuple[Connection, Job]:
        """A new connection and the job that will build it, in one transaction.

        ``idempotency`` is (key, request hash): stored with the connection, so a
        second request with the same key cannot make a second connection.
        """
        with self._sessions.begin() as session:
            connection = Connection(**fields, endpoints=[Endpoint(**e) for e in endpoints])
            session.add(connection)
            session.flush()
            job = Job(kind=job_kind, connection_id=connection.id, project_id=connection.project_id)
            session.add(job)
            session.flush()
            connection.job_id = job.id
            if idempotency is not None:
                session.add(
                    IdempotencyKey(
                        project_id=connection.project_id or "",
                        key=idempotency[0],
                        request_hash=idempotency[1],
                        connection_id=connection.id,
                        job_id=job.id,
                    )
                )
        with self._sessions() as session:
            loaded_job = session.get(Job, job.id, options=[selectinload(Job.tasks)])
            assert loaded_job is not None
            return self._lookup(session, connection.id), loaded_job

    def find(self, connection_id: str | None) -> Connection | None:
        with self._reads() as session:
            if connection_id is None:
                return None
            return session.get(Connection, connection_id, options=_LOADED)

    def idempotent_result(self, project_id: str | None, key: str) -> IdempotencyKey | None:
        with self._sessions() as session:
            return session.scalars(
                select(IdempotencyKey).where(
                    IdempotencyKey.project_id == (project_id or ""), IdempotencyKey.key == key
                )
            ).first()

    def get(self, connection_id: str) -> Connection:
        with self._reads() as session:
            return self._lookup(session, connection_id)

    def query(
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
    ) -> list[Connection]:
        """Connections as a list shows them: without their plan, options and sites' details."""
        query = select(Connection).options(*_LISTED)
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
        with self._reads() as session:
            query = after_marker(query, session, Connection, marker, "connection", order)
            return list(session.scalars(query.limit(limit)).unique())

    def start_job(
        self,
        connection_id: str,
        kind: str,
        state: str | None,
        from_states: frozenset[str] | None = None,
    ) -> Job:
        """A new job for the connection, refused while another one is in flight.

        ``state``: the connection's state from now on (None: the job's first task
        sets it). With ``from_states``, refused unless the connection is in one of them.
        """
        with self._sessions.begin() as session:
            connection = self._lookup(session, connection_id)
            job = self._new_job(session, connection, kind, from_states)
            if state is not None:
                connection.state = state
            return job

    @staticmethod
    def _new_job(
        session: Session,
        connection: Connection,
        kind: str,
        from_states: frozenset[str] | None,
        **fields: Any,
    ) -> Job:
        if from_states is not None and connection.state not in from_states:
            raise Conflict(
                f"connection {connection.id} is {connection.state}; {kind} needs it "
                f"{' or '.join(sorted(from_states))}"
            )
        if connection.job_id:
            current = session.get(Job, connection.job_id)
            if current is not None and current.state not in JOB_FINISHED:
                raise Conflict(
                    f"connection {connection.id} has a {current.kind} job in flight "
                    f"({current.id}); wait for it to end"
                )
        job = Job(
            kind=kind, connection_id=connection.id, project_id=connection.project_id, **fields
        )
        session.add(job)
        session.flush()
        connection.job_id = job.id
        return job

    # The primary's lease and the epoch (fencing token).

    def heartbeat(self, connection_id: str, epoch: int, lease_seconds: float) -> Connection:
        """Renew the primary's lease for the holder of the connection's current ``epoch``.

        ``lease_seconds`` applies unless the connection's options set their own. An
        older epoch is a primary that was failed over: its ``connection.fenced`` event
        is committed, then the heartbeat refused (409), so it learns it must not act.
        """
        with self._sessions.begin() as session:
            connection = session.get(Connection, connection_id, options=_LOADED, **_LOCKED)
            if connection is None:
                raise NotFound(f"connection '{connection_id}' does not exist")
            current = connection.epoch
            if epoch > current:
                raise Conflict(
                    f"connection {connection_id} is at epoch {current}; epoch {epoch} "
                    "was never issued"
                )
            if epoch == current:
                seconds = connection.options.get("lease_seconds") or lease_seconds
                connection.lease_expires_at = utcnow() + timedelta(seconds=seconds)
                return connection
            session.add(outbox.fenced_event(connection, presented=epoch))
        raise Conflict(
            f"connection {connection_id} is at epoch {current}: the holder of epoch {epoch} "
            "was failed over and must not act as primary"
        )

    def start_activation(
        self, connection_id: str, from_states: frozenset[str], *, force: bool
    ) -> Job:
        """An activate job, refused (409) while the primary's lease is live unless ``force``."""
        with self._sessions.begin() as session:
            connection = session.get(Connection, connection_id, options=_LOADED, **_LOCKED)
            if connection is None:
                raise NotFound(f"connection '{connection_id}' does not exist")
            expires = connection.lease_expires_at
            if expires is not None and expires > utcnow() and not force:
                raise Conflict(
                    f"connection {connection_id}: the primary's lease (epoch "
                    f"{connection.epoch}) is live until {expires.isoformat()}; activate with "
                    "force to fail over anyway"
                )
            return self._new_job(session, connection, "activate", from_states, forced=force)

    def expired_leases(self, now: datetime, from_states: frozenset[str]) -> list[str]:
        """Connections with ``options.auto_failover`` whose lease ran out before ``now``."""
        with self._reads() as session:
            return list(
                session.scalars(
                    select(Connection.id).where(
                        Connection.lease_expires_at <= now,
                        Connection.state.in_(from_states),
                        Connection.options["auto_failover"].as_boolean().is_(True),
                    )
                )
            )

    def start_failover(
        self, connection_id: str, now: datetime, from_states: frozenset[str]
    ) -> Job | None:
        """The activate job of an expired lease, or None when another process took it.

        The claim is one conditional UPDATE that clears the lease, so of every process
        trying at once exactly one changes the row; a refusal after it (a job in
        flight) rolls the claim back with it, and the next try sees the lease again.
        """
        with self._sessions.begin() as session:
            claimed = session.execute(
                update(Connection)
                .where(Connection.id == connection_id, Connection.lease_expires_at <= now)
                .values(lease_expires_at=None)
                .execution_options(synchronize_session=False)
            )
            if not db.changed_one(claimed):
                return None
            connection = self._lookup(session, connection_id)
            return self._new_job(
                session, connection, "activate", from_states, trigger="lease_expired"
            )

    def drop_lease(self, connection_id: str) -> None:
        """Forget an expired lease that cannot be acted on (the next heartbeat sets one)."""
        with self._sessions.begin() as session:
            session.execute(
                update(Connection)
                .where(Connection.id == connection_id)
                .values(lease_expires_at=None)
                .execution_options(synchronize_session=False)
            )

    def set_state(
        self,
        connection_id: str,
        state: str,
        error: str | None = None,
        *,
        leftovers: list[dict[str, Any]] | None = None,
    ) -> None:
        """Change the state (and its error); ``leftovers`` replaces what is left, if given."""
        with self._sessions.begin() as session:
            connection = self._lookup(session, connection_id)
            connection.state = state
            connection.error = error
            if leftovers is not None:
                connection.leftovers = leftovers

    def settle_failed(self, connection_id: str, reason: str) -> list[dict[str, Any]]:
        """After a failed job: no connection stays in a state only a job passes through.

        The checkpoint's revert normally did this already; this catches a flow that
        could not revert that far. Returns what the connection notes as left over.
        """
        with self._sessions.begin() as session:
            connection = session.get(Connection, connection_id, with_for_update=True)
            if connection is None:
                return []
            if connection.state in IN_PROGRESS:
                connection.state = ConnectionState.ERROR
                connection.error = reason
            return list(connection.leftovers)

    def add_leftover(self, connection_id: str, leftover: dict[str, Any]) -> None:
        """Note something a revert could not remove (site, role, type, id), once."""
        with self._sessions.begin() as session:
            connection = session.get(Connection, connection_id, with_for_update=True)
            if connection is None:
                return  # forgotten meanwhile: nothing to note it on
            if leftover not in connection.leftovers:
                connection.leftovers = [*connection.leftovers, leftover]

    def leftovers(self, connection_id: str) -> list[dict[str, Any]]:
        with self._sessions() as session:
            connection = session.get(Connection, connection_id)
            return list(connection.leftovers) if connection is not None else []

    def record(
        self,
        connection_id: str,
        *,
        parameters: dict[str, Any] | None = None,
        plan: dict[str, Any] | None = None,
        cidrs: dict[str, str] | None = None,
        resources: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        """Store what planning chose and what the build made, per endpoint role."""
        with self._sessions.begin() as session:
            connection = self._lookup(session, connection_id)
            if parameters is not None:
                connection.parameters = parameters
            if plan is not None:
                connection.plan = plan
                connection.surveys = None  # spent: a later survey reads the sites
            for endpoint in connection.endpoints:
                if cidrs and endpoint.role in cidrs:
                    endpoint.cidr = cidrs[endpoint.role]
                if resources is not None:
                    endpoint.resources = resources.get(endpoint.role, [])

    def swap_primary(self, connection_id: str, epoch: int) -> str:
        """Fail over from ``epoch``: the backup becomes the primary at the next epoch, the
        link ACTIVE, the old primary's lease gone; returns the primary's role.

        Once only: run again (a resumed job) with the connection already past ``epoch``,
        it changes nothing.
        """
        with self._sessions.begin() as session:
            connection = session.get(Connection, connection_id, with_for_update=True)
            if connection is None:
                raise NotFound(f"connection '{connection_id}' does not exist")
            if connection.epoch == epoch:
                connection.primary_role = other(connection.primary_role)
                connection.epoch = epoch + 1
                connection.lease_expires_at = None
            connection.state = ConnectionState.ACTIVE
            return connection.primary_role

    def record_findings(
        self, connection_id: str, findings: list[dict[str, Any]], *, only_if_idle: bool = False
    ) -> bool:
        """Store a verify's findings: DEGRADED with them, ACTIVE without.

        ``only_if_idle`` (the periodic audit) leaves a connection alone that is not
        ACTIVE or DEGRADED or has a job in flight; returns whether it was updated.
        """
        with self._sessions.begin() as session:
            connection = self._lookup(session, connection_id)
            if only_if_idle:
                current = session.get(Job, connection.job_id) if connection.job_id else None
                busy = current is not None and current.state not in JOB_FINISHED
                if busy or connection.state not in BUILT:
                    return False
            connection.findings = findings
            connection.audited_at = utcnow()
            connection.state = ConnectionState.DEGRADED if findings else ConnectionState.ACTIVE
            return True

    def due_for_audit(self, intervals: dict[str, float]) -> list[str]:
        """Ids of built connections whose mode's audit interval has passed."""
        now = utcnow()
        with self._sessions() as session:
            rows = session.execute(
                select(Connection.id, Connection.mode, Connection.audited_at).where(
                    Connection.state.in_(BUILT)
                )
            )
            return [
                id_
                for id_, mode, audited in rows
                if mode in intervals
                and (audited is None or (now - audited).total_seconds() >= intervals[mode])
            ]

    def using_sites(self) -> dict[str, int]:
        """How many connections have an endpoint on each site (by site id)."""
        with self._sessions() as session:
            rows = session.execute(
                select(
                    Endpoint.site_id, func.count(func.distinct(Endpoint.connection_id))
                ).group_by(Endpoint.site_id)
            )
            return {site_id: count for site_id, count in rows}

    def remove(self, connection_id: str) -> None:
        with self._sessions.begin() as session:
            connection = session.get(Connection, connection_id)
            if connection is not None:
                session.delete(connection)

    # Reservations: an address or identifier belongs to one connection at a time.

    def reserved(self, kind: str) -> set[str]:
        with self._sessions() as session:
            return set(session.scalars(select(Reservation.value).where(Reservation.kind == kind)))

    def held_by(self, connection_id: str, kind: str) -> set[str]:
        with self._sessions() as session:
            return set(
                session.scalars(
                    select(Reservation.value).where(
                        Reservation.kind == kind, Reservation.connection_id == connection_id
                    )
                )
            )

    def reserve(self, connection_id: str, kind: str, value: str) -> bool:
        """Hold ``value`` for the connection; False when another connection holds it."""
        try:
            with self._sessions.begin() as session:
                held = session.scalars(
                    select(Reservation).where(Reservation.kind == kind, Reservation.value == value)
                ).first()
                if held is not None:
                    return held.connection_id == connection_id
                session.add(Reservation(connection_id=connection_id, kind=kind, value=value))
            return True
        except IntegrityError:
            return False

    def release(self, connection_id: str) -> None:
        with self._sessions.begin() as session:
            for reservation in session.scalars(
                select(Reservation).where(Reservation.connection_id == connection_id)
            ):
                session.delete(reservation)

    # Secrets: stored encrypted, read back only by the task that needs the plaintext.

    def store_secret(self, connection_id: str, ciphertext: str) -> str:
        with self._sessions.begin() as session:
            secret = Secret(connection_id=connection_id, ciphertext=ciphertext)
            session.add(secret)
            session.flush()
            return secret.id

    def secret(self, secret_id: str) -> str:
        with self._sessions() as session:
            secret = session.get(Secret, secret_id)
            if secret is None:
                raise NotFound(f"secret '{secret_id}' does not exist")
            return secret.ciphertext

    def forget_secrets(self, connection_id: str) -> None:
        with self._sessions.begin() as session:
            for secret in session.scalars(
                select(Secret).where(Secret.connection_id == connection_id)
            ):
                session.delete(secret)
