"""State changes write their events in the same transaction (the outbox)."""

import gc
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from georedflow.crypto import SecretBox
from georedflow.storage import db, migrate
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.deliveries import DeliveryQueue
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import Connection, Event, utcnow
from georedflow.storage.outbox import EVENT_TYPES
from georedflow.storage.subscriptions import SubscriptionRepository

KEY = b"Gd7XZ0xz4NwD0xRkHpCg3GvJ8bDbLk3nS8oBYAYv0_c="  # a Fernet key for the tests only


@pytest.fixture
def sessions(sqlite_url: str) -> sessionmaker[Session]:
    migrate.upgrade(sqlite_url)
    return db.make_session_factory(db.make_engine(sqlite_url))


def new_connection(sessions: sessionmaker[Session], project: str | None = "p1") -> str:
    with sessions.begin() as session:
        connection = Connection(
            name="c",
            project_id=project,
            mode="warm",
            technology="vxlan",
            scope="region",
            state="PENDING",
        )
        session.add(connection)
    return connection.id


def events(sessions: sessionmaker[Session]) -> list[Event]:
    with sessions() as session:
        return list(session.scalars(select(Event).order_by(Event.created_at)))


def test_a_new_connection_and_its_job_are_not_events(sessions: sessionmaker[Session]) -> None:
    connection_id = new_connection(sessions)
    ConnectionRepository(sessions).start_job(connection_id, "verify", "PENDING")

    assert events(sessions) == []


def test_a_state_change_writes_old_and_new_state(sessions: sessionmaker[Session]) -> None:
    connection_id = new_connection(sessions)

    ConnectionRepository(sessions).set_state(connection_id, "BUILDING")

    [event] = events(sessions)
    assert event.type == "connection.state_changed"
    assert (event.connection_id, event.project_id) == (connection_id, "p1")
    assert event.payload["old_state"] == "PENDING"
    assert event.payload["new_state"] == "BUILDING"
    assert event.fanned_out is False


def test_every_new_session_factory_records_events(sqlite_url: str) -> None:
    """Factories come and go (one per process, test or guard); each must record its events."""
    migrate.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    # Each round collects the whole heap (0.4 s in a process that has loaded every test);
    # a freed factory's address is taken again within a few rounds.
    for attempt in range(20):
        sessions = db.make_session_factory(engine)
        connection_id = new_connection(sessions)
        ConnectionRepository(sessions).set_state(connection_id, "BUILDING")
        with sessions() as session:
            recorded = session.scalars(select(Event).where(Event.connection_id == connection_id))
            assert len(list(recorded)) == 1, f"factory {attempt} recorded nothing"
        del sessions
        gc.collect()  # the next factory may take the collected one's address


def test_setting_the_same_state_again_is_no_event(sessions: sessionmaker[Session]) -> None:
    connection_id = new_connection(sessions)

    ConnectionRepository(sessions).set_state(connection_id, "PENDING")

    assert events(sessions) == []


def test_becoming_degraded_also_writes_the_findings(sessions: sessionmaker[Session]) -> None:
    connection_id = new_connection(sessions)
    findings = [{"type": "network", "id": "n1", "problem": "missing"}]

    with sessions.begin() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        connection.findings = findings
        connection.state = "DEGRADED"

    assert [e.type for e in events(sessions)] == [
        "connection.state_changed",
        "connection.degraded",
    ]
    assert events(sessions)[1].payload["findings"] == findings


@pytest.mark.parametrize(
    ("state", "type_"), [("SUCCEEDED", "job.succeeded"), ("FAILED", "job.failed")]
)
def test_a_finished_job_writes_its_outcome(
    sessions: sessionmaker[Session], state: str, type_: str
) -> None:
    connection_id = new_connection(sessions)
    job = ConnectionRepository(sessions).start_job(connection_id, "verify", "PENDING")
    jobs = JobRepository(sessions)
    jobs.start_attempt(job.id, "w1", "logbook")

    jobs.finish(job.id, state, {"message": "boom"} if state == "FAILED" else None)

    [event] = events(sessions)
    assert event.type == type_
    assert event.connection_id == connection_id
    assert event.payload["job"]["id"] == job.id
    assert event.payload["job"]["kind"] == "verify"


def test_a_failed_change_leaves_no_event(sessions: sessionmaker[Session]) -> None:
    connection_id = new_connection(sessions)

    with pytest.raises(RuntimeError), sessions.begin() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        connection.state = "ACTIVE"
        session.flush()
        raise RuntimeError("rolled back")

    assert events(sessions) == []


def test_fan_out_reaches_matching_subscriptions_of_the_same_project(
    sessions: sessionmaker[Session],
) -> None:
    subscriptions = SubscriptionRepository(sessions, SecretBox(KEY))
    everything = subscriptions.create(project_id="p1", callback_uri="http://a", filter_={})
    failures = subscriptions.create(
        project_id="p1", callback_uri="http://b", filter_={"event_types": ["job.failed"]}
    )
    subscriptions.create(project_id="p2", callback_uri="http://c", filter_={})
    connection_id = new_connection(sessions)
    job = ConnectionRepository(sessions).start_job(connection_id, "verify", "PENDING")
    JobRepository(sessions).finish(job.id, "FAILED", {"message": "boom"})
    queue = DeliveryQueue(sessions)

    assert queue.fan_out() == 2
    assert queue.fan_out() == 0  # an event is fanned out once

    [failed] = events(sessions)
    assert set(queue.states(failed.id)) == {everything.id, failures.id}


def test_a_delivery_is_claimed_by_one_sender_at_a_time(sessions: sessionmaker[Session]) -> None:
    box = SecretBox(KEY)
    subscription = SubscriptionRepository(sessions, box).create(
        project_id="p1", callback_uri="http://a", filter_={}, secret="s" * 20
    )
    ConnectionRepository(sessions).set_state(new_connection(sessions), "BUILDING")
    queue = DeliveryQueue(sessions)
    assert queue.fan_out() == 1
    now = utcnow() + timedelta(seconds=1)  # surely after the delivery was made
    [delivery_id] = queue.due(now)

    first = queue.claim(delivery_id, now, lease=60)
    second = queue.claim(delivery_id, now, lease=60)

    assert first is not None and second is None
    assert first.attempts == 1
    assert first.secret is not None and box.decrypt(first.secret) == "s" * 20
    assert first.document["type"] == "connection.state_changed"
    assert queue.due(now) == []  # leased
    after_lease = now + timedelta(seconds=61)
    assert queue.due(after_lease) == [delivery_id]  # a dead sender's lease runs out
    queue.retry_at(delivery_id, now + timedelta(seconds=10), "HTTP 503")
    assert queue.due(now) == []
    retried = queue.claim(delivery_id, now + timedelta(seconds=10), lease=60)
    assert retried is not None and retried.attempts == 2
    queue.delivered(delivery_id, now)
    assert queue.states(first.event_id) == {subscription.id: ("delivered", 2, None)}
    assert queue.due(after_lease) == []


def test_the_api_event_types_are_the_outbox_ones() -> None:
    from typing import get_args

    from georedflow.api.schemas import EventType

    assert get_args(EventType) == EVENT_TYPES


def test_old_events_with_nothing_left_to_send_are_pruned(sessions: sessionmaker[Session]) -> None:
    SubscriptionRepository(sessions, SecretBox(KEY)).create(
        project_id="p1", callback_uri="http://a", filter_={}
    )
    connections = ConnectionRepository(sessions)
    connection_id = new_connection(sessions)
    connections.set_state(connection_id, "BUILDING")
    connections.set_state(connection_id, "ACTIVE")
    queue = DeliveryQueue(sessions)
    assert queue.fan_out() == 2
    now = utcnow() + timedelta(seconds=1)  # surely after the deliveries were made
    sent, unsent = queue.due(now)
    queue.claim(sent, now, lease=60)
    queue.delivered(sent, now)
    connections.set_state(connection_id, "DELETING")  # not fanned out yet

    assert queue.prune(now + timedelta(days=1)) == 1

    assert [e.payload["new_state"] for e in events(sessions)] == ["ACTIVE", "DELETING"]
    assert queue.due(now) == [unsent]
    assert queue.prune(now - timedelta(days=1)) == 0
