"""The dispatcher against a real receiver on 127.0.0.1 and a SQLite outbox."""

import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from georedflow.crypto import SecretBox
from georedflow.notifications import signing
from georedflow.notifications.destinations import Destinations, parse_networks
from georedflow.notifications.dispatcher import Dispatcher
from georedflow.notifications.settings import NotificationSettings
from georedflow.storage import db, migrate
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.deliveries import DeliveryQueue
from georedflow.storage.models import Connection, Event
from georedflow.storage.subscriptions import SubscriptionRepository
from tests.conftest import free_port
from tests.receiver import Receiver
from tests.redirector import Redirector

BOX = SecretBox(b"Gd7XZ0xz4NwD0xRkHpCg3GvJ8bDbLk3nS8oBYAYv0_c=")
SECRET = "sixteen-or-more-characters"
FAST = NotificationSettings(retry_base_seconds=0, retry_max_seconds=0, max_attempts=3, timeout=5)
# The receivers of these tests listen on 127.0.0.1.
LOOPBACK = Destinations(parse_networks(["127.0.0.0/8"]))


@pytest.fixture
def sessions(sqlite_url: str) -> sessionmaker[Session]:
    migrate.upgrade(sqlite_url)
    return db.make_session_factory(db.make_engine(sqlite_url))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def change_a_connection(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        connection = Connection(
            name="c", project_id="p1", mode="hot", technology="gre", scope="region", state="PENDING"
        )
        session.add(connection)
    ConnectionRepository(sessions).set_state(connection.id, "BUILDING")
    return connection.id


def test_an_event_is_posted_signed(sessions: sessionmaker[Session], receiver: Receiver) -> None:
    SubscriptionRepository(sessions, BOX).create(
        project_id="p1", callback_uri=receiver.url, filter_={}, secret=SECRET
    )
    connection_id = change_a_connection(sessions)
    dispatcher = Dispatcher(DeliveryQueue(sessions), BOX, FAST, LOOPBACK)

    assert dispatcher.run_once() == 1
    assert dispatcher.run_once() == 0  # delivered once

    got = receiver.next(timeout=5)
    document = json.loads(got.body)
    assert document["type"] == "connection.state_changed"
    assert document["connection_id"] == connection_id
    assert document["data"]["old_state"] == "PENDING"
    assert got.headers["x-georedflow-event"] == "connection.state_changed"
    assert got.headers["x-georedflow-event-id"] == document["id"]
    assert signing.verify(got.body, SECRET, got.headers["x-georedflow-signature"])
    dispatcher.stop()


def test_without_a_secret_there_is_no_signature(
    sessions: sessionmaker[Session], receiver: Receiver
) -> None:
    SubscriptionRepository(sessions, BOX).create(
        project_id="p1", callback_uri=receiver.url, filter_={}
    )
    change_a_connection(sessions)
    dispatcher = Dispatcher(DeliveryQueue(sessions), BOX, FAST, LOOPBACK)

    dispatcher.run_once()

    assert "x-georedflow-signature" not in receiver.next(timeout=5).headers
    dispatcher.stop()


def test_a_failing_receiver_is_retried_until_it_answers(
    sessions: sessionmaker[Session], receiver: Receiver
) -> None:
    receiver.failures = 2
    SubscriptionRepository(sessions, BOX).create(
        project_id="p1", callback_uri=receiver.url, filter_={}
    )
    change_a_connection(sessions)
    dispatcher = Dispatcher(DeliveryQueue(sessions), BOX, FAST, LOOPBACK)

    for _ in range(3):
        dispatcher.run_once()

    assert receiver.attempts == 3
    assert json.loads(receiver.next(timeout=5).body)["type"] == "connection.state_changed"
    dispatcher.stop()


def test_after_max_attempts_the_delivery_is_failed(sessions: sessionmaker[Session]) -> None:
    down = f"http://127.0.0.1:{free_port()}/nobody-listens"
    subscription = SubscriptionRepository(sessions, BOX).create(
        project_id="p1", callback_uri=down, filter_={}
    )
    change_a_connection(sessions)
    queue = DeliveryQueue(sessions)
    dispatcher = Dispatcher(queue, BOX, FAST, LOOPBACK)

    posts = [dispatcher.run_once() for _ in range(5)]

    assert posts == [1, 1, 1, 0, 0]
    [(state, attempts, error)] = [
        states[subscription.id] for states in map(queue.states, _event_ids(sessions))
    ]
    assert (state, attempts) == ("failed", 3)
    assert error is not None and "ConnectError" in error
    dispatcher.stop()


def _event_ids(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(Event.id)))


def test_a_name_that_resolves_internally_at_send_time_is_refused_not_retried(
    sessions: sessionmaker[Session], receiver: Receiver
) -> None:
    """DNS rebinding: public when subscribed, the receiver's loopback when sent."""
    answers = {"vnfm.test": ["93.184.215.14"]}
    destinations = Destinations(resolver=lambda host, _port: answers[host])
    port = httpx.URL(receiver.url).port
    uri = f"http://vnfm.test:{port}/hook"
    destinations.check(uri, "callback_uri")  # what the API does: passes
    subscription = SubscriptionRepository(sessions, BOX).create(
        project_id="p1", callback_uri=uri, filter_={}
    )
    change_a_connection(sessions)
    answers["vnfm.test"] = ["127.0.0.1"]
    queue = DeliveryQueue(sessions)
    dispatcher = Dispatcher(queue, BOX, FAST, destinations)

    posts = [dispatcher.run_once() for _ in range(3)]

    assert posts == [1, 0, 0]  # one attempt, then given up
    assert receiver.attempts == 0  # nothing reached the receiver
    [(state, attempts, error)] = [
        states[subscription.id] for states in map(queue.states, _event_ids(sessions))
    ]
    assert (state, attempts) == ("failed", 1)
    assert error is not None
    assert error.startswith("refused: vnfm.test resolves to 127.0.0.1 is a loopback address")
    assert "[notifications] allowed_networks" in error
    dispatcher.stop()


def test_a_redirect_is_a_failed_attempt_not_followed(
    sessions: sessionmaker[Session], receiver: Receiver
) -> None:
    redirector = Redirector(receiver.url)
    subscription = SubscriptionRepository(sessions, BOX).create(
        project_id="p1", callback_uri=redirector.url, filter_={}
    )
    change_a_connection(sessions)
    queue = DeliveryQueue(sessions)
    dispatcher = Dispatcher(queue, BOX, FAST, LOOPBACK)

    dispatcher.run_once()
    redirector.close()

    [(state, attempts, error)] = [
        states[subscription.id] for states in map(queue.states, _event_ids(sessions))
    ]
    assert (state, attempts, error) == ("pending", 1, "HTTP 307")
    assert receiver.attempts == 0
    dispatcher.stop()
