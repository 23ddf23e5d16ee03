"""A runner that lost its job writes nothing to georedflow's tables (or a callback).

Two ways to lose it: ZooKeeper says so (the session expired, another worker
holds the claim), or ZooKeeper still seems to say yes — the window between a
check and a write — while another attempt has started in the database.
"""

import inspect
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from georedflow.config_delivery import ConfigDelivery
from georedflow.crypto import SecretBox
from georedflow.jobs.context import JobContext
from georedflow.jobs.fencing import Fence, Fenced
from georedflow.planning.settings import PlanningSettings
from georedflow.storage import db, migrate
from georedflow.storage.configs import ConfigRepository
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import Base, ConfigSnapshot, Connection
from georedflow.storage.sites import SiteRepository
from georedflow.tasks.base import StoreKey, driver_key
from tests.unit.fakes import FakeDriver

KEY = b"Gd7XZ0xz4NwD0xRkHpCg3GvJ8bDbLk3nS8oBYAYv0_c="  # a Fernet key for the tests only


class Ownership:
    def __init__(self) -> None:
        self.owned = True

    def __call__(self) -> bool:
        return self.owned


class FakeClouds:
    def driver(self, name: str, cloud: str, region: str | None) -> FakeDriver:
        return FakeDriver(name)


class RecordingDelivery(ConfigDelivery):
    def deliver(self, url: str, connection: Connection, snapshot: ConfigSnapshot) -> None:
        self.sent.append(url)

    @property
    def sent(self) -> list[str]:
        return self.__dict__.setdefault("_sent", [])


class World:
    """A database with three sites, a connection, its job on attempt 1, and the job's store."""

    def __init__(self, url: str) -> None:
        migrate.upgrade(url)
        self.engine: Engine = db.make_engine(url)
        self.sessions: sessionmaker[Session] = db.make_session_factory(self.engine)
        self.jobs = JobRepository(self.sessions)
        self.connections = ConnectionRepository(self.sessions)
        sites = SiteRepository(self.sessions)
        east = sites.create(name="east", cloud="lab-east", region="RegionOne")
        west = sites.create(name="west", cloud="lab-west", region="RegionTwo")
        sites.create(name="spare", cloud="lab-far")  # used by no connection
        connection, job = self.connections.create(
            endpoints=[
                {"role": "local", "site_id": east.id, "cidr": "10.1.0.0/24"},
                {"role": "remote", "site_id": west.id, "cidr": "10.2.0.0/24"},
            ],
            job_kind="create",
            name="c",
            mode="warm",
            technology="ipsec",
            scope="cloud",
            state="BUILDING",
            options={"activation_callback": "http://192.0.2.1/hook"},
        )
        self.connection_id, self.job_id = connection.id, job.id
        self.secret_id = self.connections.store_secret(connection.id, "ciphertext")
        self.connections.reserve(connection.id, "cidr", "10.1.0.0/24")
        ConfigRepository(self.sessions).put(connection.id, "text/plain", "config", keep=3)
        self.jobs.plan_tasks(job.id, [("PlanConnection", None), ("CreateNetwork-local", "east")])
        self.ownership = Ownership()
        self.fence = Fence(job.id, self.ownership)
        self.fence.attempt = self.jobs.start_attempt(
            job.id, "worker-a", logbook_id=job.id, check=self.fence.check
        )
        self.delivery = RecordingDelivery(attempts=1)
        context = JobContext(
            connections=self.connections,
            sites=sites,
            clouds=FakeClouds(),  # type: ignore[arg-type]
            secret_box=SecretBox(KEY),
            settings=PlanningSettings(),
            configs=ConfigRepository(self.sessions),
            delivery=self.delivery,
            sessions=self.sessions,
        )
        self.store, _sites = context.for_job(self.jobs.get(job.id), self.fence)
        self.fenced_jobs = self.jobs.guarded(self.fence.guard)

    def dump(self) -> dict[str, list[Any]]:
        """Every row of every georedflow table."""
        with self.engine.connect() as conn:
            return {
                table.name: sorted(map(repr, conn.execute(select(table))))
                for table in Base.metadata.sorted_tables
            }

    def lose(self, how: str) -> None:
        if how == "zookeeper":
            self.ownership.owned = False
        else:  # another worker's attempt started; ZooKeeper has not told this one yet
            self.jobs.start_attempt(self.job_id, "worker-b", logbook_id=self.job_id)


@pytest.fixture
def world(sqlite_url: str) -> Iterator[World]:
    made = World(sqlite_url)
    yield made
    made.engine.dispose()


# Every write a flow's store or the runner can make, with arguments that would change a row.
Write = Callable[[World], object]
WRITES: dict[str, Write] = {
    "repo.set_state": lambda w: w.store[StoreKey.REPO].set_state(w.connection_id, "ACTIVE"),
    "repo.settle_failed": lambda w: w.store[StoreKey.REPO].settle_failed(w.connection_id, "x"),
    "repo.add_leftover": lambda w: w.store[StoreKey.REPO].add_leftover(
        w.connection_id, {"site": "east", "type": "network", "id": "n1"}
    ),
    "repo.record": lambda w: w.store[StoreKey.REPO].record(
        w.connection_id, plan={"psk": "new"}, cidrs={"local": "10.9.0.0/24"}, resources={}
    ),
    "repo.swap_primary": lambda w: w.store[StoreKey.REPO].swap_primary(w.connection_id, 1),
    "repo.record_findings": lambda w: w.store[StoreKey.REPO].record_findings(
        w.connection_id, [{"what": "drift"}]
    ),
    "repo.remove": lambda w: w.store[StoreKey.REPO].remove(w.connection_id),
    "repo.reserve": lambda w: w.store[StoreKey.REPO].reserve(w.connection_id, "vni", "42"),
    "repo.release": lambda w: w.store[StoreKey.REPO].release(w.connection_id),
    "repo.store_secret": lambda w: w.store[StoreKey.REPO].store_secret(w.connection_id, "new"),
    "repo.forget_secrets": lambda w: w.store[StoreKey.REPO].forget_secrets(w.connection_id),
    "repo.create": lambda w: w.store[StoreKey.REPO].create(
        endpoints=[],
        job_kind="create",
        name="d",
        mode="warm",
        technology="vxlan",
        scope="cloud",
        state="PENDING",
    ),
    "configs.put": lambda w: w.store[StoreKey.CONFIGS].put(w.connection_id, "text/plain", "v2", 1),
    "sites.update": lambda w: w.store["sites"].update("east", description="changed"),
    "sites.create": lambda w: w.store["sites"].create(name="far", cloud="lab-far"),
    "sites.delete": lambda w: w.store["sites"].delete("spare"),
    "jobs.plan_tasks": lambda w: w.fenced_jobs.plan_tasks(w.job_id, [("Extra", None)]),
    "jobs.task_changed": lambda w: w.fenced_jobs.task_changed(
        w.job_id, "PlanConnection", "RUNNING", datetime.now(UTC), worker="worker-a"
    ),
    "jobs.reconcile_tasks": lambda w: w.fenced_jobs.reconcile_tasks(
        w.job_id, {"PlanConnection": "SUCCESS"}, "worker-a", datetime.now(UTC)
    ),
    "jobs.finish": lambda w: w.fenced_jobs.finish(w.job_id, "SUCCEEDED"),
    "jobs.create": lambda w: w.fenced_jobs.create("probe"),
}
READS = {
    ConnectionRepository: {"find", "idempotent_result", "get", "query", "due_for_audit"}
    | {"reserved", "held_by", "secret", "leftovers", "using_sites", "expired_leases"},
    ConfigRepository: {"latest", "get"},
    SiteRepository: {"get", "query"},
    JobRepository: {"get", "query", "unfinished", "guarded", "finished_before"},
}
PREFIX = {
    ConnectionRepository: "repo",
    ConfigRepository: "configs",
    SiteRepository: "sites",
    JobRepository: "jobs",
}


def test_every_repository_method_is_a_known_read_or_a_tested_write() -> None:
    """A new write method must join WRITES (and so these tests) to be listed here."""
    unclassified = [
        f"{PREFIX[repo]}.{name}"
        for repo, reads in READS.items()
        for name, _ in inspect.getmembers(repo, inspect.isfunction)
        if not name.startswith("_") and name not in reads
        if f"{PREFIX[repo]}.{name}" not in WRITES
    ]
    # start_attempt is the one write with its own fencing (the check under the row lock);
    # start_job, start_activation and start_failover are the API's, refused anyway while
    # the connection's job is in flight; so are the lease's (heartbeat, drop_lease), which
    # no job makes; forget is the purge's, which runs in no job and removes only finished ones.
    assert unclassified == [
        "repo.drop_lease",
        "repo.heartbeat",
        "repo.start_activation",
        "repo.start_failover",
        "repo.start_job",
        "jobs.forget",
        "jobs.start_attempt",
    ]


@pytest.mark.parametrize("how", ["zookeeper", "superseded"])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_lost_fence_refuses_the_write_and_changes_nothing(
    world: World, write: str, how: str
) -> None:
    world.lose(how)
    before = world.dump()

    with pytest.raises(Fenced):
        WRITES[write](world)

    assert world.dump() == before
    assert world.fence.lost


@pytest.mark.parametrize("write", sorted(WRITES))
def test_while_the_fence_holds_the_write_goes_through(world: World, write: str) -> None:
    before = world.dump()

    WRITES[write](world)

    assert world.dump() != before
    assert not world.fence.lost


@pytest.mark.parametrize("how", ["zookeeper", "superseded"])
def test_a_lost_fence_still_reads(world: World, how: str) -> None:
    world.lose(how)
    repo = world.store[StoreKey.REPO]

    assert repo.get(world.connection_id).state == "BUILDING"
    assert repo.secret(world.secret_id) == "ciphertext"
    assert repo.held_by(world.connection_id, "cidr") == {"10.1.0.0/24"}
    assert world.store[StoreKey.CONFIGS].latest(world.connection_id) is not None
    assert [t.name for t in world.fenced_jobs.get(world.job_id).tasks] == [
        "PlanConnection",
        "CreateNetwork-local",
    ]


@pytest.mark.parametrize("how", ["zookeeper", "superseded"])
def test_a_lost_fence_sends_no_config_and_makes_no_cloud_write(world: World, how: str) -> None:
    connection = world.connections.get(world.connection_id)
    snapshot = ConfigRepository(world.sessions).latest(world.connection_id)
    assert snapshot is not None
    world.lose(how if how == "zookeeper" else "zookeeper")  # these ask ZooKeeper only

    with pytest.raises(Fenced):
        world.store[StoreKey.DELIVERY].deliver(
            "http://192.0.2.1/hook", connection, snapshot, epoch=2
        )
    with pytest.raises(Fenced):
        world.store[driver_key("local")].create("network", {"name": "n"})

    assert world.delivery.sent == []


def test_a_stale_runner_cannot_start_another_attempt(world: World) -> None:
    world.lose("zookeeper")
    before = world.dump()

    with pytest.raises(Fenced):
        world.jobs.start_attempt(world.job_id, "worker-a", world.job_id, check=world.fence.check)

    assert world.dump() == before


def test_the_guard_runs_once_per_writing_transaction_and_never_for_reads(world: World) -> None:
    calls: list[Session] = []
    guarded = db.guarded_sessions(world.sessions, calls.append)
    repo = ConnectionRepository(guarded)

    repo.get(world.connection_id)
    repo.secret(world.secret_id)
    assert calls == []
    repo.set_state(world.connection_id, "ACTIVE")
    repo.add_leftover(world.connection_id, {"id": "n1"})  # locking read, then the write
    JobRepository(guarded).task_changed(
        world.job_id, "PlanConnection", "RUNNING", datetime.now(UTC)
    )

    assert len(calls) == 3
