"""Engines and sessions for a database URL."""

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from georedflow.storage import outbox


@dataclass(frozen=True)
class Timeouts:
    """PostgreSQL session limits, in seconds (None: the server's default, no limit).

    ``idle_in_transaction``: a backend whose client stopped in the middle of a
    transaction (a paused or partitioned worker) is ended, and its row locks
    released, after this long. ``lock``: the longest a statement waits for a row
    lock before it fails, so nothing waits forever on a holder that is not idle.
    """

    lock: float | None = None
    idle_in_transaction: float | None = None

    def options(self) -> str:
        settings = {
            "lock_timeout": self.lock,
            "idle_in_transaction_session_timeout": self.idle_in_transaction,
        }
        return " ".join(
            f"-c {name}={round(seconds * 1000)}"
            for name, seconds in settings.items()
            if seconds is not None
        )


def make_engine(
    url: str, timeouts: Timeouts | None = None, *, pool: dict[str, Any] | None = None
) -> Engine:
    """An engine for ``url``; for SQLite, the file's directory is created first.

    ``timeouts`` apply to PostgreSQL sessions only; SQLite has no such settings.
    ``pool``: arguments of the connection pool instead of the defaults (and of a ping
    on every checkout, for PostgreSQL).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args: dict[str, Any] = {}
        options = timeouts.options() if timeouts is not None else ""
        if options and parsed.get_backend_name() == "postgresql":
            # libpq's startup options, so every pooled connection has them from its first
            # statement; appended to any the URL already carries.
            given = parsed.query.get("options")
            connect_args["options"] = f"{given} {options}" if isinstance(given, str) else options
        pooling = pool if pool is not None else {"pool_pre_ping": True}
        return create_engine(url, connect_args=connect_args, **pooling)
    if parsed.database and parsed.database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(parsed.database)), exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **(pool or {}))
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_read_engine(url: str, connections: int) -> Engine:
    """An engine for reads alone: autocommit, a pool of its own of ``connections``.

    Its pool never opens more (no overflow): whoever reads through it bounds how many
    read at once, instead of opening a connection (a PostgreSQL backend) for a burst and
    closing it after. It pings no connection on checkout, a round trip for every read:
    a read that finds its connection broken is run once more (``Reads``).
    """
    pool = {"pool_size": connections, "max_overflow": 0}
    return make_engine(url, pool=pool).execution_options(isolation_level="AUTOCOMMIT")


def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
    # WAL lets the API read while a flow writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    sessions = sessionmaker(engine, expire_on_commit=False)
    outbox.install(sessions)  # every state change georedflow commits records its events
    return sessions


def read_sessions(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """A factory like ``sessions`` for reads: every statement commits itself (autocommit).

    A read in a transaction costs PostgreSQL two more round trips (BEGIN, then
    ROLLBACK at the end), for nothing: under READ COMMITTED each statement of a
    transaction takes its own snapshot anyway, and SQLite's driver begins a
    transaction only before a write. Sessions from here must only read.
    """
    kw = dict(sessions.kw)
    bind = kw.pop("bind")
    return sessionmaker(bind.execution_options(isolation_level="AUTOCOMMIT"), **kw)


_GUARDED = "georedflow.guarded_transaction"


def guarded_sessions(
    sessions: sessionmaker[Session], guard: Callable[[Session], None]
) -> sessionmaker[Session]:
    """A factory like ``sessions`` whose every writing transaction first passes ``guard``.

    ``guard`` runs once per transaction, inside it, before its first write (an
    ORM flush, an UPDATE/DELETE/INSERT statement, or a SELECT ... FOR UPDATE
    that precedes one); raising refuses the write and
    the transaction is rolled back. Reads never call it. Because it runs in the
    writing transaction, a guard that locks a row holds that lock until the
    commit: nothing can change what it checked before the write is in.
    """
    guarded = sessionmaker(**sessions.kw)

    def check(session: Session) -> None:
        transaction = session.get_transaction()
        if transaction is not None and session.info.get(_GUARDED) is transaction:
            return
        guard(session)
        session.info[_GUARDED] = session.get_transaction()  # begun by the guard if need be

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        if session.new or session.dirty or session.deleted:
            check(session)

    def do_orm_execute(state: ORMExecuteState) -> None:
        # A locking read (SELECT ... FOR UPDATE) announces a write: guarding it first keeps
        # the guard's own locks first in every transaction, so two can never deadlock.
        locking = getattr(state.statement, "_for_update_arg", None) is not None
        if state.is_update or state.is_delete or state.is_insert or locking:
            check(state.session)

    event.listen(guarded, "before_flush", before_flush)
    event.listen(guarded, "do_orm_execute", do_orm_execute)
    outbox.install(guarded)
    return guarded


def changed_one(result: Any) -> bool:
    """Whether a conditional UPDATE (a claim) changed its row: the caller won it."""
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def ping(engine: Engine) -> None:
    """Raise if the database does not answer."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
