"""The API's reads have a pool of their own, ping no connection, and survive a broken one."""

from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from georedflow.exceptions import NotFound
from georedflow.storage import db, migrate
from georedflow.storage.models import Job
from georedflow.storage.reads import Reads


@pytest.fixture
def reads(sqlite_url: str) -> Reads:
    migrate.upgrade(sqlite_url)
    with db.make_session_factory(db.make_engine(sqlite_url)).begin() as session:
        session.add(Job(id="job-1", kind="create", state="SUCCEEDED", progress=1.0))
    return Reads(sqlite_url, 2)


def test_the_pool_holds_as_many_connections_as_read_at_once(reads: Reads) -> None:
    pool: Any = reads.engine.pool
    assert (pool.size(), pool._max_overflow) == (2, 0)
    assert reads.engine.get_execution_options()["isolation_level"] == "AUTOCOMMIT"


def test_a_read_on_a_connection_broken_meanwhile_is_read_again(reads: Reads) -> None:
    assert reads.job("job-1")[0].id == "job-1"  # a pooled connection
    broken: list[Any] = []

    @event.listens_for(reads.engine, "before_cursor_execute")
    def _break(conn: Any, *_args: Any) -> None:
        if not broken:  # the first statement finds its connection closed under it
            broken.append(conn.connection.dbapi_connection)
            conn.connection.dbapi_connection.close()

    disconnects: list[bool] = []

    @event.listens_for(reads.engine, "handle_error")
    def _seen(context: Any) -> None:
        disconnects.append(context.is_disconnect)

    assert reads.job("job-1")[0].id == "job-1"
    assert (len(broken), disconnects) == (1, [True])


def test_any_other_error_is_not_read_again(reads: Reads) -> None:
    calls: list[int] = []

    def fail(_conn: Any) -> None:
        calls.append(1)
        raise DBAPIError("SELECT 1", {}, Exception("not a disconnect"))

    with pytest.raises(DBAPIError):
        reads._read(fail)
    assert calls == [1]
    with pytest.raises(NotFound):
        reads.job("nope")
