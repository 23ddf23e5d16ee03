"""Webhooks of jobs run by georedflow-worker processes, on PostgreSQL and ZooKeeper."""

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, select

from georedflow.storage.models import Delivery
from tests.integration.cluster import Cluster
from tests.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def test_events_of_worker_jobs_are_sent_once_each(
    cluster: Cluster, receiver: Receiver, postgres_url: str
) -> None:
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")
    assert cluster.api is not None
    subscribed = httpx.post(
        f"{cluster.api.url}/v1/subscriptions",
        json={"callback_uri": receiver.url, "filter": {"event_types": ["job.succeeded"]}},
        timeout=10,
    )
    assert subscribed.status_code == 201, subscribed.text

    accepted = [cluster.create("vxlan") for _ in range(3)]
    for each in accepted:
        assert cluster.wait(each["job"]["id"])["state"] == "SUCCEEDED"

    wanted = {each["job"]["id"] for each in accepted}
    received: list[str] = []
    while not wanted <= set(received):
        document = json.loads(receiver.next(timeout=120).body)
        received.append(document["data"]["job"]["id"])
    # Three processes (the API and two workers) send from the same outbox: a
    # delivery is claimed by one of them, and taken on its first attempt.
    engine = create_engine(postgres_url)
    try:
        for _ in range(300):  # the sender records the answer just after the receiver got it
            with engine.connect() as conn:
                rows = conn.execute(select(Delivery.state, Delivery.attempts)).all()
            if all(state != "pending" for state, _attempts in rows):
                break
            time.sleep(0.1)
    finally:
        engine.dispose()
    assert sorted(rows) == [("delivered", 1)] * 3
    assert sorted(received) == sorted(wanted)
    for each in accepted:
        deleting = httpx.delete(f"{cluster.api.url}/v1/connections/{each['connection']['id']}")
        assert cluster.wait(deleting.json()["job"]["id"])["state"] == "SUCCEEDED"
