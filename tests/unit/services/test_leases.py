"""The primary's lease and the epoch: heartbeats renew, a live lease blocks a plain
activation, an expired one fails over exactly once, and an older epoch is fenced."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from georedflow.exceptions import Conflict
from georedflow.notifications.destinations import Destinations
from georedflow.services.connections import ConnectionService
from georedflow.standby import StandbySettings
from georedflow.storage import db, migrate
from georedflow.storage.configs import ConfigRepository
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import Connection, Endpoint, Event, Job, Site, new_id, utcnow
from georedflow.storage.sites import SiteRepository

LEASE = 5.0


class Board:
    def __init__(self) -> None:
        self.posted: list[str] = []

    def post(self, job_id: str) -> None:
        self.posted.append(job_id)


def service(sessions: sessionmaker[Session], board: Board) -> ConnectionService:
    return ConnectionService(
        ConnectionRepository(sessions),
        JobRepository(sessions),
        SiteRepository(sessions),
        None,  # type: ignore[arg-type]  # no cloud is called
        board,
        configs=ConfigRepository(sessions),
        standby=StandbySettings(lease_seconds=LEASE),
        destinations=Destinations(),
        preflight=None,  # type: ignore[arg-type]
    )


@pytest.fixture
def sessions(sqlite_url: str) -> sessionmaker[Session]:
    migrate.upgrade(sqlite_url)
    return db.make_session_factory(db.make_engine(sqlite_url))


@pytest.fixture
def board() -> Board:
    return Board()


@pytest.fixture
def actions(sessions: sessionmaker[Session], board: Board) -> ConnectionService:
    return service(sessions, board)


def connection(
    sessions: sessionmaker[Session], mode: str = "warm", state: str = "ACTIVE", **options: Any
) -> str:
    with sessions.begin() as session:
        east, west = Site(name=f"east-{new_id()}", cloud="a"), Site(name=f"w-{new_id()}", cloud="b")
        made = Connection(
            name="link",
            mode=mode,
            technology="vxlan",
            scope="cloud",
            state=state,
            options=options,
            endpoints=[Endpoint(role="local", site=east), Endpoint(role="remote", site=west)],
        )
        session.add(made)
    return made.id


def expire(sessions: sessionmaker[Session], connection_id: str, ago: float = 1.0) -> None:
    with sessions.begin() as session:
        row = session.get(Connection, connection_id)
        assert row is not None
        row.lease_expires_at = utcnow() - timedelta(seconds=ago)


def read(sessions: sessionmaker[Session], connection_id: str) -> Connection:
    with sessions() as session:
        row = session.get(Connection, connection_id)
        assert row is not None
        return row


def fenced_events(sessions: sessionmaker[Session]) -> list[dict[str, Any]]:
    with sessions() as session:
        return [
            e.payload
            for e in session.scalars(select(Event).where(Event.type == "connection.fenced"))
        ]


def test_a_heartbeat_holds_the_lease_for_the_configured_or_the_connection_s_seconds(
    sessions: sessionmaker[Session], actions: ConnectionService
) -> None:
    default = connection(sessions)
    own = connection(sessions, lease_seconds=2)

    before = utcnow()
    renewed = actions.heartbeat(default, 1)
    shorter = actions.heartbeat(own, 1)

    assert renewed.lease_expires_at is not None and shorter.lease_expires_at is not None
    assert timedelta(seconds=LEASE) <= renewed.lease_expires_at - before < timedelta(seconds=6)
    assert timedelta(seconds=2) <= shorter.lease_expires_at - before < timedelta(seconds=3)
    assert renewed.epoch == 1 and renewed.endpoint("local").site.name.startswith("east")


def test_a_live_lease_refuses_a_plain_activation_and_force_passes_recorded(
    sessions: sessionmaker[Session], actions: ConnectionService, board: Board
) -> None:
    connection_id = connection(sessions)
    actions.heartbeat(connection_id, 1)

    with pytest.raises(Conflict, match=r"lease \(epoch 1\) is live until .*force"):
        actions.activate(connection_id)
    assert board.posted == []

    job = actions.activate(connection_id, force=True)
    assert board.posted == [job.id]
    stored = JobRepository(sessions).get(job.id)
    assert (stored.kind, stored.forced, stored.trigger) == ("activate", True, "request")


def test_without_a_lease_or_once_it_expired_a_plain_activation_passes(
    sessions: sessionmaker[Session], actions: ConnectionService
) -> None:
    never = connection(sessions)
    expired = connection(sessions)
    actions.heartbeat(expired, 1)
    expire(sessions, expired)

    for connection_id in (never, expired):
        job = actions.activate(connection_id)
        assert JobRepository(sessions).get(job.id).forced is False


def test_the_swap_moves_to_the_next_epoch_once_and_the_old_epoch_is_fenced(
    sessions: sessionmaker[Session], actions: ConnectionService
) -> None:
    connection_id = connection(sessions, state="ACTIVATING")
    actions.heartbeat(connection_id, 1)
    repo = ConnectionRepository(sessions)

    assert repo.swap_primary(connection_id, 1) == "remote"
    assert repo.swap_primary(connection_id, 1) == "remote"  # a resumed job: no second swap
    swapped = read(sessions, connection_id)
    assert (swapped.epoch, swapped.primary_role, swapped.state) == (2, "remote", "ACTIVE")
    assert swapped.lease_expires_at is None  # the old primary's lease is gone with its epoch

    with pytest.raises(Conflict, match=r"at epoch 2: the holder of epoch 1 was failed over"):
        actions.heartbeat(connection_id, 1)
    [fenced] = fenced_events(sessions)
    assert fenced["presented_epoch"] == 1
    assert fenced["connection"]["epoch"] == 2 and fenced["connection"]["primary"] == "remote"
    assert read(sessions, connection_id).lease_expires_at is None  # fenced: nothing renewed

    assert actions.heartbeat(connection_id, 2).epoch == 2  # the new primary holds it


def test_an_epoch_never_issued_is_refused_without_a_fenced_event(
    sessions: sessionmaker[Session], actions: ConnectionService
) -> None:
    connection_id = connection(sessions)
    with pytest.raises(Conflict, match="epoch 3 was never issued"):
        actions.heartbeat(connection_id, 3)
    assert fenced_events(sessions) == []
    assert read(sessions, connection_id).lease_expires_at is None


def test_an_expired_lease_with_auto_failover_activates_once(
    sessions: sessionmaker[Session], actions: ConnectionService, board: Board
) -> None:
    auto = connection(sessions, auto_failover=True)
    manual = connection(sessions)
    live = connection(sessions, auto_failover=True)
    dormant = connection(sessions, mode="hot", state="DEGRADED", auto_failover=True)
    for connection_id in (auto, manual, live, dormant):
        actions.heartbeat(connection_id, 1)
    for connection_id in (auto, manual, dormant):
        expire(sessions, connection_id)

    started = actions.fail_over_expired()

    assert sorted(job.connection_id for job in started) == sorted([auto, dormant])
    assert all(JobRepository(sessions).get(job.id).trigger == "lease_expired" for job in started)
    assert board.posted == [job.id for job in started]
    assert actions.fail_over_expired() == []  # the claim cleared the lease
    assert read(sessions, manual).lease_expires_at is not None  # still expired, left alone


def test_a_failover_waits_for_a_job_in_flight_and_keeps_the_lease_until_then(
    sessions: sessionmaker[Session], actions: ConnectionService
) -> None:
    connection_id = connection(sessions, auto_failover=True)
    verify = actions.verify(connection_id)
    actions.heartbeat(connection_id, 1)
    expire(sessions, connection_id)

    assert actions.fail_over_expired() == []
    assert read(sessions, connection_id).lease_expires_at is not None  # the claim rolled back

    JobRepository(sessions).finish(verify.id, "SUCCEEDED")
    [job] = actions.fail_over_expired()
    assert job.connection_id == connection_id


def test_a_cold_standby_without_a_config_is_not_failed_over_and_its_lease_is_dropped(
    sessions: sessionmaker[Session], actions: ConnectionService, caplog: pytest.LogCaptureFixture
) -> None:
    connection_id = connection(sessions, mode="cold", state="DORMANT", auto_failover=True)
    actions.heartbeat(connection_id, 1)
    expire(sessions, connection_id)

    assert actions.fail_over_expired() == []
    assert "no config snapshot" in caplog.text
    assert read(sessions, connection_id).lease_expires_at is None  # not logged every second


def test_of_many_processes_trying_at_once_exactly_one_starts_the_failover(
    sqlite_url: str, sessions: sessionmaker[Session]
) -> None:
    connection_id = connection(sessions, auto_failover=True)
    ConnectionRepository(sessions).heartbeat(connection_id, 1, LEASE)
    expire(sessions, connection_id)
    # One engine each, as separate API processes would have.
    processes = [
        service(db.make_session_factory(db.make_engine(sqlite_url)), Board()) for _ in range(6)
    ]
    gate = threading.Barrier(len(processes))
    started: list[Job] = []

    def race(actions: ConnectionService) -> None:
        gate.wait()
        for _ in range(5):
            started.extend(actions.fail_over_expired())

    threads = [threading.Thread(target=race, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(started) == 1
    with sessions() as session:
        kinds = list(session.scalars(select(Job.kind).where(Job.connection_id == connection_id)))
    assert kinds == ["activate"]


def test_an_activation_begun_before_epochs_swaps_from_the_epoch_held_now(
    sessions: sessionmaker[Session],
) -> None:
    """A logbook from before the upgrade: its checkpoint saved no epoch (None)."""
    from georedflow.tasks.standby import SwapPrimary

    connection_id = connection(sessions, state="ACTIVATING")
    repo = ConnectionRepository(sessions)

    assert SwapPrimary().execute(repo=repo, connection_id=connection_id, epoch=None) == "remote"
    swapped = read(sessions, connection_id)
    assert (swapped.epoch, swapped.primary_role, swapped.state) == (2, "remote", "ACTIVE")
