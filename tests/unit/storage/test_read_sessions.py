"""Reads run without a transaction; the pooled connection goes back to transactional use."""

from sqlalchemy import text

from georedflow.storage import db, migrate
from georedflow.storage.models import Site


def test_a_read_session_autocommits_and_leaves_writes_in_transactions(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    sessions = db.make_session_factory(engine)
    reads = db.read_sessions(sessions)

    with reads() as session:
        session.execute(text("SELECT 1"))
        # sqlite3's autocommit: no BEGIN is ever sent on this connection.
        assert session.connection().connection.dbapi_connection.isolation_level is None  # type: ignore[union-attr]

    with sessions() as session:
        session.add(Site(name="east", cloud="c"))
        session.flush()
        assert session.connection().connection.dbapi_connection.isolation_level is not None  # type: ignore[union-attr]
        session.rollback()  # a transaction, so this undoes the insert

    with reads() as session:
        assert session.query(Site).count() == 0
