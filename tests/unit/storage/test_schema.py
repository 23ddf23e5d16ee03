"""The migrations build exactly the models' schema, and the models round-trip."""

from sqlalchemy import inspect, select

from georedflow.storage import db, migrate
from georedflow.storage.models import Connection, Endpoint, Job, JobTask, Site


def test_upgrade_builds_the_models_schema(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)

    assert migrate.current_revision(engine) == migrate.head_revision()
    assert {"sites", "connections", "endpoints", "jobs", "job_tasks"} <= set(
        inspect(engine).get_table_names()
    )
    assert migrate.schema_drift(engine) == []


def test_upgrade_twice_changes_nothing(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    migrate.upgrade(sqlite_url)

    assert migrate.current_revision(db.make_engine(sqlite_url)) == migrate.head_revision()


def test_a_connection_with_endpoints_and_a_job_round_trips(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    sessions = db.make_session_factory(db.make_engine(sqlite_url))
    with sessions.begin() as session:
        east = Site(name="east", cloud="lab-east", region="RegionOne", capabilities=["router"])
        west = Site(name="west", cloud="lab-west", region="RegionTwo")
        connection = Connection(
            name="schema-test-link",
            mode="hot",
            technology="ipsec",
            scope="region",
            state="PENDING",
            endpoints=[
                Endpoint(role="local", site=east, cidr="10.240.0.0/24"),
                Endpoint(role="remote", site=west, cidr="10.240.1.0/24"),
            ],
        )
        session.add(connection)
        session.flush()
        session.add(
            Job(
                kind="create",
                connection_id=connection.id,
                tasks=[JobTask(name="CreateNetwork-local", site="east")],
            )
        )
        connection_id = connection.id

    with sessions() as session:
        loaded = session.get(Connection, connection_id)
        assert loaded is not None
        assert [(e.role, e.site.name, e.cidr) for e in loaded.endpoints] == [
            ("local", "east", "10.240.0.0/24"),
            ("remote", "west", "10.240.1.0/24"),
        ]
        job = session.scalars(select(Job).where(Job.connection_id == connection_id)).one()
        assert job.state == "QUEUED"
        assert [t.name for t in job.tasks] == ["CreateNetwork-local"]
        assert session.get(Site, east.id).capabilities == ["router"]  # type: ignore[union-attr]


def test_deleting_a_connection_removes_its_endpoints(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    sessions = db.make_session_factory(db.make_engine(sqlite_url))
    with sessions.begin() as session:
        site = Site(name="east", cloud="lab-east")
        other = Site(name="west", cloud="lab-west")
        connection = Connection(
            name="c",
            mode="warm",
            technology="vxlan",
            scope="region",
            state="ACTIVE",
            endpoints=[Endpoint(role="local", site=site), Endpoint(role="remote", site=other)],
        )
        session.add(connection)

    with sessions.begin() as session:
        session.delete(session.get(Connection, connection.id))

    with sessions() as session:
        assert session.scalars(select(Endpoint)).all() == []
        assert len(session.scalars(select(Site)).all()) == 2
