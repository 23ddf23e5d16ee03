"""A connection is read with its endpoints in one statement.

Between two statements a delete may commit (PostgreSQL's read committed): a list
that read the connections, then their endpoints, once answered 500 for a
connection it found without endpoints.
"""

from typing import Any

from sqlalchemy import event

from georedflow.storage import db, migrate
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.models import Connection, Endpoint, Site


def test_a_list_and_a_get_read_each_connection_and_its_endpoints_in_one_select(
    sqlite_url: str,
) -> None:
    migrate.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    sessions = db.make_session_factory(engine)
    with sessions.begin() as session:
        east, west = (
            Site(name="east", cloud="c", region="r1"),
            Site(name="west", cloud="c", region="r2"),
        )
        for i in range(3):
            session.add(
                Connection(
                    name=f"reads-{i}",
                    mode="warm",
                    technology="vxlan",
                    scope="region",
                    state="ACTIVE",
                    endpoints=[
                        Endpoint(role="local", site=east),
                        Endpoint(role="remote", site=west),
                    ],
                )
            )
    repo = ConnectionRepository(sessions)
    selects: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    listed = repo.query(limit=2)
    assert len(selects) == 1, selects
    assert [sorted(e.role for e in c.endpoints) for c in listed] == [["local", "remote"]] * 2
    assert {e.site.name for c in listed for e in c.endpoints} == {"east", "west"}

    selects.clear()
    found = repo.find(listed[0].id)
    assert len(selects) == 1, selects
    assert found is not None and len(found.endpoints) == 2
