"""SQLAlchemy models of sites, connections, their endpoints, jobs and job tasks.

Ids are UUID strings chosen by georedflow; timestamps are UTC. Documents that
follow the cloud rather than our queries (capabilities, per-side resources,
planned parameters) are JSON columns.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from georedflow import logs
from georedflow.states import JobState, TaskState


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps always come back timezone-aware in UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: UTCDateTime,
    }


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Site(TimestampMixin, Base):
    """One NFVI: a clouds.yaml entry, a region and optionally a Nova cell."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    cloud: Mapped[str] = mapped_column(String(255))
    region: Mapped[str | None] = mapped_column(String(255))
    cell: Mapped[str | None] = mapped_column(String(255))
    external_network: Mapped[str | None] = mapped_column(String(255))
    physical_networks: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    capabilities: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(32), default="unknown")
    status_reason: Mapped[str | None] = mapped_column(Text)


class Connection(TimestampMixin, Base):
    """The infrastructure network between two endpoints, built with one technology."""

    __tablename__ = "connections"
    __table_args__ = (Index("ix_connections_listing", "created_at", "id"),)  # lists' order

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    technology: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    job_id: Mapped[str | None] = mapped_column(String(36))
    error: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the full plan, no secrets
    primary_role: Mapped[str] = mapped_column(String(8), default="local")  # activate swaps it
    findings: Mapped[list[Any]] = mapped_column(default=list)  # drift the last verify found
    audited_at: Mapped[datetime | None] = mapped_column()
    # What a revert could not remove: [{"site", "type", "id"}]; a delete removes them.
    leftovers: Mapped[list[Any]] = mapped_column(default=list)
    # How the remote site was chosen among candidates: [{"site", "chosen", "rank", "reason"}].
    selection: Mapped[list[Any] | None] = mapped_column(JSON)
    # What the create's pre-flight read of each site, {"read_at": epoch seconds, role:
    # survey}: the flow's first survey takes it while it is young; a plan clears it.
    surveys: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The fencing token: every activation makes it one more. A primary acts only while its
    # epoch is the connection's, and renews its lease (heartbeats) until lease_expires_at.
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    lease_expires_at: Mapped[datetime | None] = mapped_column(index=True)

    endpoints: Mapped[list["Endpoint"]] = relationship(
        back_populates="connection", cascade="all, delete-orphan", order_by="Endpoint.role"
    )

    def endpoint(self, role: str) -> "Endpoint":
        return next(e for e in self.endpoints if e.role == role)


class ConfigSnapshot(Base):
    """One version of a VNF's configuration, kept for a warm or cold standby."""

    __tablename__ = "config_snapshots"
    __table_args__ = (UniqueConstraint("connection_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(127))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Endpoint(Base):
    """One side of a connection: its site and what georedflow made there."""

    __tablename__ = "endpoints"
    __table_args__ = (UniqueConstraint("connection_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(8))  # "local" or "remote"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    cell: Mapped[str | None] = mapped_column(String(255))
    cidr: Mapped[str | None] = mapped_column(String(64))
    resources: Mapped[list[Any]] = mapped_column(default=list)

    connection: Mapped[Connection] = relationship(back_populates="endpoints")
    site: Mapped[Site] = relationship()


def _current_request_id() -> str | None:
    return logs.REQUEST_ID.get()


class Job(TimestampMixin, Base):
    """One asynchronous change, run as one TaskFlow flow."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_listing", "created_at", "id"),)  # lists' order

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))
    connection_id: Mapped[str | None] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36), index=True)
    project_id: Mapped[str | None] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True, default=JobState.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    workers: Mapped[list[Any]] = mapped_column(default=list)
    logbook_id: Mapped[str | None] = mapped_column(String(36))
    # The X-OpenStack-Request-ID of the request that asked for it (None: no request did).
    request_id: Mapped[str | None] = mapped_column(String(64), default=_current_request_id)
    # An activation asked with force (over a live lease), and what started the job:
    # "request" (an API call) or "lease_expired" (the automatic failover).
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger: Mapped[str] = mapped_column(String(16), default="request")
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    tasks: Mapped[list["JobTask"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="JobTask.id"
    )


class JobTask(Base):
    """The state of one task of a job's flow, as the runner last saw it."""

    __tablename__ = "job_tasks"
    __table_args__ = (UniqueConstraint("job_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    site: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default=TaskState.PENDING)
    worker: Mapped[str | None] = mapped_column(String(255))  # who ran it last
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)

    job: Mapped[Job] = relationship(back_populates="tasks")


class Reservation(Base):
    """An address or identifier held by a connection, so no other connection gets it."""

    __tablename__ = "reservations"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # cidr, vlan, vxlan, gre, route_target
    value: Mapped[str] = mapped_column(String(64))


class Secret(Base):
    """A secret (an IPsec pre-shared key), encrypted; tasks fetch it by id."""

    __tablename__ = "secrets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyKey(Base):
    """A client's Idempotency-Key for POST /v1/connections, and what it produced."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(64))  # "" without authentication
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    connection_id: Mapped[str] = mapped_column(String(36))
    job_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(Base):
    """A callback URI that receives the events of its project that its filter matches."""

    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    project_id: Mapped[str | None] = mapped_column(String(64), index=True)
    callback_uri: Mapped[str] = mapped_column(String(2048))
    filter: Mapped[dict[str, Any]] = mapped_column(default=dict)
    secret: Mapped[str | None] = mapped_column(Text)  # ciphertext (SecretBox); signs bodies
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """The outbox: an event, written in the transaction of the change that caused it."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    type: Mapped[str] = mapped_column(String(64))
    connection_id: Mapped[str | None] = mapped_column(String(36))  # no FK: outlives it
    project_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fanned_out: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One event to one subscription: sent until the receiver takes it or attempts run out."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("event_id", "subscription_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column()  # a sender's lease
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
