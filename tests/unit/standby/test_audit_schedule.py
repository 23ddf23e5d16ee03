from datetime import timedelta

from georedflow.storage import db, migrate
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.models import Connection, Job, utcnow


def repository(sqlite_url: str) -> ConnectionRepository:
    migrate.upgrade(sqlite_url)
    sessions = db.make_session_factory(db.make_engine(sqlite_url))
    now = utcnow()
    with sessions.begin() as session:
        for id_, mode, state, audited in [
            ("never-audited", "warm", "ACTIVE", None),
            ("hot-just-audited", "hot", "ACTIVE", now),
            ("hot-due", "hot", "DEGRADED", now - timedelta(seconds=31)),
            ("warm-not-due", "warm", "ACTIVE", now - timedelta(seconds=31)),
            ("dormant", "cold", "DORMANT", None),
            ("busy", "warm", "ACTIVE", None),
        ]:
            session.add(
                Connection(
                    id=id_,
                    name=id_,
                    mode=mode,
                    technology="vxlan",
                    scope="region",
                    state=state,
                    audited_at=audited,
                )
            )
        session.add(Job(id="j1", kind="repair", connection_id="busy", state="RUNNING"))
        session.flush()
        session.get(Connection, "busy").job_id = "j1"  # type: ignore[union-attr]
    return ConnectionRepository(sessions)


def test_only_built_connections_past_their_mode_s_interval_are_due(sqlite_url: str) -> None:
    connections = repository(sqlite_url)
    due = connections.due_for_audit({"hot": 30, "warm": 300, "cold": 3600})
    assert sorted(due) == ["busy", "hot-due", "never-audited"]


def test_the_audit_leaves_a_connection_with_a_job_in_flight_alone(sqlite_url: str) -> None:
    connections = repository(sqlite_url)
    finding = {"site": "east", "type": "subnet", "id": "s1", "problem": "missing"}

    assert not connections.record_findings("busy", [finding], only_if_idle=True)
    assert connections.get("busy").state == "ACTIVE"
    assert connections.record_findings("never-audited", [finding], only_if_idle=True)
    assert connections.get("never-audited").state == "DEGRADED"
    assert connections.record_findings("never-audited", [], only_if_idle=True)
    assert connections.get("never-audited").findings == []
    assert connections.get("never-audited").state == "ACTIVE"
