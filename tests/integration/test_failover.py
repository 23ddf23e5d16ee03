"""The primary's lease against the lab: a live lease blocks a plain activation, an expired
one fails a cold standby over by itself (epoch 2 delivered with its config), the old
primary is fenced, and of two API processes on PostgreSQL exactly one activates."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select

from georedflow.storage import db, migrate
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.models import Connection, Endpoint, Job, Site, utcnow
from tests.conftest import free_port
from tests.integration.cluster import Cluster
from tests.integration.harness import ApiProcess, Harness
from tests.integration.test_subscriptions import receive, subscribe
from tests.receiver import Receiver

LEASE = 2.0


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def beat(call: Any, connection_id: str, epoch: int) -> httpx.Response:
    response: httpx.Response = call(
        "POST", f"/v1/connections/{connection_id}/heartbeat", json={"epoch": epoch}
    )
    return response


def test_a_live_lease_blocks_a_plain_activation_and_force_is_recorded(
    georedflow: Harness,
) -> None:
    accepted = georedflow.create("vxlan", "east", "west")
    connection_id = accepted["connection"]["id"]
    path = f"/v1/connections/{connection_id}"
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"

    lease = beat(georedflow.client.request, connection_id, 1)
    assert lease.status_code == 200, lease.text
    assert (lease.json()["epoch"], lease.json()["primary_site"]) == (1, "east")
    assert georedflow.client.get(path).json()["lease_expires_at"] == lease.json()["expires_at"]

    refused = georedflow.client.post(f"{path}/activate")
    assert refused.status_code == 409
    assert "lease (epoch 1) is live until" in refused.json()["detail"]
    assert georedflow.client.get(path).json()["job_id"] == accepted["job"]["id"]  # no job

    forced = georedflow.client.post(f"{path}/activate", json={"force": True})
    assert forced.status_code == 202, forced.text
    job = georedflow.wait(forced.json()["job"]["id"])
    assert (job["state"], job["forced"], job["trigger"]) == ("SUCCEEDED", True, "request")
    shown = georedflow.client.get(path).json()
    assert (shown["epoch"], shown["primary"], shown["lease_expires_at"]) == (2, "remote", None)

    assert beat(georedflow.client.request, connection_id, 1).status_code == 409
    renewed = beat(georedflow.client.request, connection_id, 2)
    assert renewed.status_code == 200 and renewed.json()["primary_site"] == "west"
    unknown = beat(georedflow.client.request, connection_id, 7)
    assert unknown.status_code == 409 and "never issued" in unknown.json()["detail"]
    deleting = georedflow.client.delete(path)
    assert georedflow.wait(deleting.json()["job"]["id"])["state"] == "SUCCEEDED"


def test_a_cold_standby_whose_heartbeats_stop_fails_over_and_the_old_primary_is_fenced(
    georedflow: Harness, receiver: Receiver
) -> None:
    spare = Receiver()
    options = {"activation_callback": spare.url, "auto_failover": True, "lease_seconds": LEASE}
    accepted = georedflow.create("vxlan", "east", "west", mode="cold", options=options)
    connection_id = accepted["connection"]["id"]
    path = f"/v1/connections/{connection_id}"
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    subscribe(georedflow.client, receiver.url, filter={"connection_ids": [connection_id]})
    config = {"vnf": "epc", "peers": ["10.0.0.1"]}
    assert georedflow.client.put(f"{path}/config", json=config).status_code == 201
    assert georedflow.app.failover is not None
    georedflow.app.failover.start()  # as the API's lifespan does

    lease = beat(georedflow.client.request, connection_id, 1).json()  # then it stops
    expired = at(lease["expires_at"])
    deadline = time.monotonic() + 180
    while (shown := georedflow.client.get(path).json())["epoch"] == 1:
        assert time.monotonic() < deadline, shown
        time.sleep(0.2)

    job = georedflow.wait(shown["job_id"])
    assert (job["kind"], job["trigger"], job["forced"]) == ("activate", "lease_expired", False)
    assert job["state"] == "SUCCEEDED", job["error"]
    started = at(job["created_at"])
    assert expired <= started < expired + timedelta(seconds=30)  # after expiry, not before
    shown = georedflow.client.get(path).json()
    assert (shown["state"], shown["primary"], shown["epoch"]) == ("ACTIVE", "remote", 2)
    delivered = spare.next(timeout=5)
    assert json.loads(delivered.body) == config
    assert delivered.headers["x-georedflow-epoch"] == "2"
    spare.close()

    fenced = beat(georedflow.client.request, connection_id, 1)
    assert fenced.status_code == 409
    assert "holder of epoch 1 was failed over" in fenced.json()["detail"]
    _got, event = receive(receiver, lambda d: d["type"] == "connection.fenced")
    assert event["connection_id"] == connection_id
    assert event["data"]["presented_epoch"] == 1
    assert event["data"]["connection"]["epoch"] == 2
    assert event["data"]["connection"]["primary"] == "remote"
    assert beat(georedflow.client.request, connection_id, 2).status_code == 200
    deleting = georedflow.client.delete(path)
    assert georedflow.wait(deleting.json()["job"]["id"])["state"] == "SUCCEEDED"
    assert georedflow.leftovers(connection_id, "east", "west") == {"east": [], "west": []}


def test_two_api_processes_on_postgresql_fail_over_exactly_once(
    cluster: Cluster, postgres_url: str
) -> None:
    cluster.start_worker("worker-a")
    assert cluster.api is not None
    second = ApiProcess(
        cluster.config("api-b", port=(port := free_port())), port, cluster.directory / "b.log"
    )
    second.start()
    try:
        created = httpx.post(
            f"{cluster.api.url}/v1/connections",
            json={
                "name": "lease-twice",
                "mode": "warm",
                "technology": "vxlan",
                "local": {"site": "east"},
                "remote": {"site": "west"},
                "options": {"auto_failover": True, "lease_seconds": LEASE},
            },
            timeout=30,
        )
        assert created.status_code == 202, created.text
        connection_id = created.json()["connection"]["id"]
        assert cluster.wait(created.json()["job"]["id"])["state"] == "SUCCEEDED"

        assert beat(second.call, connection_id, 1).status_code == 200
        deadline = time.monotonic() + 120
        while (shown := cluster.api.get(f"/v1/connections/{connection_id}"))["epoch"] == 1:
            assert time.monotonic() < deadline, shown
            time.sleep(0.2)
        assert cluster.wait(shown["job_id"])["state"] == "SUCCEEDED"
        time.sleep(3 * LEASE)  # both processes looked again, several times

        engine = create_engine(postgres_url)
        try:
            with engine.connect() as conn:
                kinds = conn.execute(
                    select(Job.kind, Job.trigger).where(Job.connection_id == connection_id)
                ).all()
        finally:
            engine.dispose()
        assert sorted(kinds) == [("activate", "lease_expired"), ("create", "request")]
        shown = cluster.api.get(f"/v1/connections/{connection_id}")
        assert (shown["epoch"], shown["primary"]) == (2, "remote")
    finally:
        second.stop()


def test_of_many_claims_at_once_on_postgresql_exactly_one_wins(postgres_url: str) -> None:
    """The claim itself, raced by threads with an engine each (as processes would be)."""
    migrate.upgrade(postgres_url)
    engines = [db.make_engine(postgres_url) for _ in range(9)]
    sessions = db.make_session_factory(engines[0])
    with sessions.begin() as session:
        made = Connection(
            name="raced",
            mode="warm",
            technology="vxlan",
            scope="cloud",
            state="ACTIVE",
            options={"auto_failover": True},
            lease_expires_at=utcnow() - timedelta(seconds=1),
            endpoints=[
                Endpoint(role="local", site=Site(name="a", cloud="a")),
                Endpoint(role="remote", site=Site(name="b", cloud="b")),
            ],
        )
        session.add(made)
    now = utcnow()
    states = frozenset({"ACTIVE"})
    assert ConnectionRepository(sessions).expired_leases(now, states) == [made.id]
    racers = [ConnectionRepository(db.make_session_factory(e)) for e in engines[1:]]
    gate = threading.Barrier(len(racers))
    won: list[Job] = []

    def race(repo: ConnectionRepository) -> None:
        gate.wait()
        if (job := repo.start_failover(made.id, now, states)) is not None:
            won.append(job)

    threads = [threading.Thread(target=race, args=(repo,)) for repo in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(won) == 1
    assert ConnectionRepository(sessions).expired_leases(now, states) == []
    for engine in engines:
        engine.dispose()
