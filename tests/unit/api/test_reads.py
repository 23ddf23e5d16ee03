"""The read routes: one SQL statement a request, and the documents they have always answered."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from georedflow.api.app import create_app
from georedflow.standby import StandbySettings
from georedflow.storage import migrate
from georedflow.storage.models import Connection, Endpoint, Job, JobTask, Site
from georedflow.wiring import Application, Settings, build

AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
LEFTOVER = {"site": "east", "role": "local", "type": "network", "id": "n-9", "extra": "dropped"}


@pytest.fixture
def application(sqlite_url: str, tmp_path: Path) -> Iterator[Application]:
    migrate.upgrade(sqlite_url)
    app = build(
        Settings(
            database_url=sqlite_url,
            secret_key_file=str(tmp_path / "secret.key"),
            standby=StandbySettings(audit=False),
        )
    )
    with app.core.sessions.begin() as session:
        east, west = (
            Site(name="east", cloud="c", region="r1"),
            Site(name="west", cloud="c", region="r2"),
        )
        for i in range(3):
            job = Job(id=f"job-{i}", kind="create", state="SUCCEEDED", progress=1.0, created_at=AT)
            job.tasks = [JobTask(name=name, state="SUCCESS", site="east") for name in ("b", "a")]
            session.add(job)
            session.add(
                Connection(
                    id=f"conn-{i}",
                    name=f"reads-{i}",
                    mode="warm",
                    technology="vxlan",
                    scope="region",
                    state="ACTIVE",
                    job_id=job.id,
                    parameters={"mtu": 1450},
                    leftovers=[LEFTOVER],
                    created_at=AT,
                    updated_at=AT,
                    endpoints=[
                        Endpoint(
                            role="remote",
                            site=west,
                            resources=[{"type": "subnet", "id": "s-2", "name": "x"}],
                        ),
                        Endpoint(
                            role="local",
                            site=east,
                            cidr="10.0.0.0/24",
                            resources=[
                                {"type": "network", "id": "n-1"},
                                {"type": "router", "id": "r-1"},
                                {"type": "network", "id": "n-2"},
                            ],
                        ),
                    ],
                )
            )
    yield app
    app.close()


@pytest.fixture
def client(application: Application) -> Iterator[TestClient]:
    with TestClient(create_app(application, resume_jobs=False)) as client:
        yield client


# What the routes read; the notification dispatcher polls other tables meanwhile.
READ = re.compile(r"\bFROM (connections|endpoints|sites|jobs|job_tasks)\b")


@pytest.fixture
def statements(application: Application) -> list[str]:
    seen: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if READ.search(statement):
            seen.append(statement)

    for engine in (application.engine, application.reads.engine):  # the reads have their own
        event.listen(engine, "before_cursor_execute", _count)

    return seen


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/v1/connections/conn-1", 1),
        ("/v1/jobs/job-1", 1),
        ("/v1/connections?limit=2", 1),
        ("/v1/connections?limit=2&marker=conn-0", 2),  # the marker's row, then the page
        ("/v1/jobs?limit=2", 2),  # the jobs, then all their tasks at once
    ],
)
def test_a_read_makes_a_bounded_number_of_statements(
    client: TestClient, statements: list[str], path: str, count: int
) -> None:
    client.get("/healthz")
    statements.clear()

    assert client.get(path).status_code == 200
    assert len(statements) == count, statements


def test_a_connection_reads_as_it_always_has(client: TestClient) -> None:
    body = client.get("/v1/connections/conn-1").json()

    assert body == {
        "id": "conn-1",
        "name": "reads-1",
        "mode": "warm",
        "technology": "vxlan",
        "scope": "region",
        "state": "ACTIVE",
        "local": {
            "site": "east",
            "cell": None,
            "cidr": "10.0.0.0/24",
            "network_id": "n-1",
            "subnet_id": None,
            "router_id": "r-1",
            "resources": [
                {"type": "network", "id": "n-1"},
                {"type": "router", "id": "r-1"},
                {"type": "network", "id": "n-2"},
            ],
        },
        "remote": {
            "site": "west",
            "cell": None,
            "cidr": None,
            "network_id": None,
            "subnet_id": "s-2",
            "router_id": None,
            "resources": [{"type": "subnet", "id": "s-2"}],
        },
        "parameters": {"mtu": 1450},
        "primary": "local",
        "findings": [],
        "audited_at": None,
        "job_id": "job-1",
        "error": None,
        "leftovers": [
            {"site": "east", "role": "local", "type": "network", "id": "n-9", "name": None}
        ],
        "selection": None,  # added: how a backup chosen among candidates was chosen
        "epoch": 1,  # added: the fencing token, one more with every activation
        "lease_expires_at": None,  # added: the primary's lease (none without heartbeats)
        "created_at": "2025-01-02T03:04:05Z",
        "updated_at": "2025-01-02T03:04:05Z",
    }
    listed = client.get("/v1/connections?limit=10").json()["connections"]
    assert [c["id"] for c in listed] == ["conn-0", "conn-1", "conn-2"]
    assert listed[1] == body


def test_a_job_lists_its_tasks_in_the_order_they_were_planned(client: TestClient) -> None:
    body = client.get("/v1/jobs/job-2").json()

    assert [t["name"] for t in body["tasks"]] == ["b", "a"]
    assert client.get("/v1/jobs?limit=10").json()["jobs"][2] == body


def test_an_unknown_id_is_a_problem_not_a_crash(client: TestClient) -> None:
    for path in ("/v1/connections/nope", "/v1/jobs/nope", "/v1/connections?marker=nope"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
