"""Webhooks for real connections built in the lab, received by a real HTTP server."""

import json
import queue
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from georedflow.api.app import create_app
from georedflow.clouds.openstack import Clouds
from georedflow.jobs import persistence
from georedflow.notifications import signing
from georedflow.notifications.settings import NotificationSettings
from georedflow.storage import migrate
from georedflow.wiring import Settings, build
from tests.conftest import free_port
from tests.integration.harness import (
    ALLOWED_NETWORKS,
    LAB_PLANNING,
    SITES,
    ApiProcess,
    Harness,
    write_config,
)
from tests.receiver import Received, Receiver

SECRET = "a-webhook-secret-of-some-length"
# Retries in fractions of a second, so a receiver that is down at first gets its
# events as soon as it is up.
FAST = NotificationSettings(
    poll_interval=0.1,
    timeout=5,
    retry_base_seconds=0.2,
    retry_max_seconds=1,
    max_attempts=1000,
    allowed_networks=ALLOWED_NETWORKS,
)


@pytest.fixture(scope="module")
def georedflow(tmp_path_factory: pytest.TempPathFactory, lab_clouds: str) -> Iterator[Harness]:
    """An embedded georedflow on SQLite for the lab, with fast webhook retries."""
    directory = tmp_path_factory.mktemp("subscriptions")
    url = f"sqlite:///{directory / 'georedflow.sqlite'}"
    migrate.upgrade(url)
    application = build(
        Settings(
            database_url=url,
            secret_key_file=str(directory / "secret.key"),
            clouds_file=lab_clouds,
            planning=LAB_PLANNING,
            notifications=FAST,
        )
    )
    persistence.upgrade(application.engine)
    harness = Harness(TestClient(create_app(application)), application, Clouds(lab_clouds))
    for site in SITES[:2]:
        assert harness.client.post("/v1/sites", json=site).status_code == 201
    yield harness
    harness.close()


@pytest.fixture(autouse=True)
def unsubscribe_after(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test's subscriptions end with it, so no test keeps retrying a closed receiver."""
    yield
    if "georedflow" in request.fixturenames:
        client = request.getfixturevalue("georedflow").client
        for each in client.get("/v1/subscriptions").json()["subscriptions"]:
            assert client.delete(f"/v1/subscriptions/{each['id']}").status_code == 204


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def subscribe(client: Any, uri: str, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/subscriptions", json={"callback_uri": uri, **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def receive(
    receiver: Receiver, wanted: Callable[[dict[str, Any]], bool], timeout: float = 120
) -> tuple[Received, dict[str, Any]]:
    """The first event the receiver takes that ``wanted`` accepts (others are skipped)."""
    while True:
        try:
            got = receiver.next(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no such event within {timeout} s") from None
        document = json.loads(got.body)
        if wanted(document):
            return got, document


def build_and_delete(georedflow: Harness) -> dict[str, Any]:
    """A vxlan connection built and deleted again (the lab stays clean); its create job."""
    accepted = georedflow.create("vxlan", "east", "west")
    job = georedflow.wait(accepted["job"]["id"])
    assert job["state"] == "SUCCEEDED", job["error"]
    deleting = georedflow.client.delete(f"/v1/connections/{accepted['connection']['id']}")
    assert georedflow.wait(deleting.json()["job"]["id"])["state"] == "SUCCEEDED"
    return accepted


def test_job_succeeded_arrives_signed(georedflow: Harness, receiver: Receiver) -> None:
    subscribe(
        georedflow.client, receiver.url, secret=SECRET, filter={"event_types": ["job.succeeded"]}
    )

    accepted = build_and_delete(georedflow)

    got, document = receive(receiver, lambda d: d["data"]["job"]["id"] == accepted["job"]["id"])
    assert document["type"] == "job.succeeded"
    assert document["connection_id"] == accepted["connection"]["id"]
    assert document["data"]["job"]["kind"] == "create"
    assert got.headers["x-georedflow-event"] == "job.succeeded"
    assert got.headers["x-georedflow-event-id"] == document["id"]
    assert signing.verify(got.body, SECRET, got.headers["x-georedflow-signature"])
    assert not signing.verify(
        got.body, "another-secret-entirely", got.headers["x-georedflow-signature"]
    )


def test_state_changes_arrive_with_old_and_new_state(
    georedflow: Harness, receiver: Receiver
) -> None:
    subscribe(georedflow.client, receiver.url, filter={"event_types": ["connection.state_changed"]})

    accepted = build_and_delete(georedflow)
    connection_id = accepted["connection"]["id"]

    changes = []
    while ("ACTIVE", "DELETING") not in changes:
        got, document = receive(receiver, lambda d: d["connection_id"] == connection_id)
        assert document["type"] == "connection.state_changed"
        assert "x-georedflow-signature" not in got.headers  # no secret, no signature
        changes.append((document["data"]["old_state"], document["data"]["new_state"]))
    assert changes == [("PENDING", "BUILDING"), ("BUILDING", "ACTIVE"), ("ACTIVE", "DELETING")]


def test_a_receiver_that_is_down_at_first_still_gets_the_event(georedflow: Harness) -> None:
    port = free_port()  # nothing listens there yet: every attempt is refused
    subscribe(
        georedflow.client,
        f"http://127.0.0.1:{port}/hook",
        filter={"event_types": ["job.succeeded"]},
    )
    accepted = build_and_delete(georedflow)

    late = Receiver(port=port)
    try:
        _got, document = receive(late, lambda d: d["data"]["job"]["id"] == accepted["job"]["id"])
    finally:
        late.close()
    assert document["connection_id"] == accepted["connection"]["id"]


def test_a_receiver_answering_503_is_retried(georedflow: Harness) -> None:
    flaky = Receiver(failures=3)
    try:
        subscribe(georedflow.client, flaky.url, filter={"event_types": ["job.succeeded"]})
        accepted = build_and_delete(georedflow)

        _got, document = receive(flaky, lambda d: d["data"]["job"]["id"] == accepted["job"]["id"])
    finally:
        flaky.close()
    assert flaky.attempts > 3  # three 503s, then the one it took
    assert document["type"] == "job.succeeded"


def test_a_drifted_connection_reports_degraded_with_its_findings(
    georedflow: Harness, receiver: Receiver
) -> None:
    accepted = georedflow.create("vxlan", "east", "west")
    connection_id = accepted["connection"]["id"]
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    subscribe(georedflow.client, receiver.url, filter={"connection_ids": [connection_id]})
    shown = georedflow.client.get(f"/v1/connections/{connection_id}").json()
    lost = shown["local"]["subnet_id"]
    assert georedflow.driver("east").delete("subnet", lost)  # behind georedflow's back

    verifying = georedflow.client.post(f"/v1/connections/{connection_id}/verify")
    assert georedflow.wait(verifying.json()["job"]["id"])["state"] == "SUCCEEDED"

    # The create's own BUILDING -> ACTIVE may reach the new subscription too, when the
    # dispatcher fans it out after the subscribe; the change to look at is the verify's.
    _got, changed = receive(
        receiver,
        lambda d: d["type"] == "connection.state_changed" and d["data"]["old_state"] == "ACTIVE",
    )
    assert changed["data"]["new_state"] == "DEGRADED"
    _got, degraded = receive(receiver, lambda d: d["type"] == "connection.degraded")
    assert degraded["connection_id"] == connection_id
    assert [
        (f["site"], f["type"], f["id"], f["problem"]) for f in degraded["data"]["findings"]
    ] == [("east", "subnet", lost, "missing")]
    deleting = georedflow.client.delete(f"/v1/connections/{connection_id}")
    assert georedflow.wait(deleting.json()["job"]["id"])["state"] == "SUCCEEDED"
    assert georedflow.leftovers(connection_id, "east", "west") == {"east": [], "west": []}


def wait_job(api: ApiProcess, job_id: str) -> dict[str, Any]:
    for _ in range(600):
        job: dict[str, Any] = api.get(f"/v1/jobs/{job_id}")
        if job["state"] in ("SUCCEEDED", "FAILED"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not end: {job}")


def test_an_event_survives_a_killed_api_process(tmp_path: Path, lab_clouds: str) -> None:
    """Recorded while its receiver was down, sent by the next process after a SIGKILL."""
    port = hook_port = free_port()
    while hook_port == port:
        hook_port = free_port()
    config = write_config(tmp_path, lab_clouds, port)
    with config.open("a") as handle:
        handle.write(
            "[notifications]\npoll_interval = 0.1\nretry_base_seconds = 0.2\n"
            "retry_max_seconds = 1\nmax_attempts = 1000\n"
        )
    manage = Path(sys.executable).parent / "georedflow-manage"
    subprocess.run([str(manage), "--config-file", str(config), "db", "upgrade"], check=True)
    first = ApiProcess(config, port, tmp_path / "api.log")
    first.start()
    try:
        for site in SITES[:2]:
            assert httpx.post(f"{first.url}/v1/sites", json=site, timeout=30).status_code == 201
        subscribe(
            httpx.Client(base_url=first.url, timeout=10),
            f"http://127.0.0.1:{hook_port}/hook",
            secret=SECRET,
            filter={"event_types": ["job.succeeded"]},
        )
        body = {
            "name": "survivor",
            "mode": "warm",
            "technology": "vxlan",
            "local": {"site": "east"},
            "remote": {"site": "west"},
        }
        accepted = httpx.post(f"{first.url}/v1/connections", json=body, timeout=30).json()
        assert wait_job(first, accepted["job"]["id"])["state"] == "SUCCEEDED"
    finally:
        first.kill()

    receiver = Receiver(port=hook_port)
    second = ApiProcess(config, port, tmp_path / "api.log")
    second.start()
    try:
        got, document = receive(receiver, lambda d: d["data"]["job"]["id"] == accepted["job"]["id"])
        assert signing.verify(got.body, SECRET, got.headers["x-georedflow-signature"])
        assert document["connection_id"] == accepted["connection"]["id"]
        deleting = second.delete(f"/v1/connections/{accepted['connection']['id']}")
        assert wait_job(second, deleting["job"]["id"])["state"] == "SUCCEEDED"
    finally:
        second.stop()
        receiver.close()
    assert SECRET not in (tmp_path / "api.log").read_text()
