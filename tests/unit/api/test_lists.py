"""Every list pages by keyset in any allowed order (API-SIG): pages put end to end are the
whole sorted list, no row twice and none missing, ties broken by id; a next link while a
page is full; an unknown sort key or direction is a 400."""

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from georedflow.api.app import create_app
from georedflow.standby import StandbySettings
from georedflow.storage import migrate
from georedflow.storage.models import Connection, Endpoint, Job, Site
from georedflow.wiring import Application, Settings, build

AT = datetime(2025, 1, 2, tzinfo=UTC)
STATES = ("ACTIVE", "ERROR", "DEGRADED")


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    migrate.upgrade(sqlite_url)
    app: Application = build(
        Settings(
            database_url=sqlite_url,
            secret_key_file=str(tmp_path / "secret.key"),
            standby=StandbySettings(audit=False),
        )
    )
    shuffled = random.Random(7)
    with app.core.sessions.begin() as session:
        sites = [Site(name=f"site-{i:02}", cloud="c", region=f"r{i}") for i in range(23)]
        session.add_all(sites)
        for i in range(37):
            # Few distinct values: the sort column ties often, and id must break them.
            at = AT + timedelta(minutes=shuffled.randrange(5))
            session.add(
                Connection(
                    id=f"conn-{shuffled.randrange(10**6):06}-{i}",
                    name=f"link-{shuffled.randrange(4)}",
                    mode="warm",
                    technology="vxlan",
                    scope="region",
                    state=STATES[i % 3],
                    created_at=at,
                    updated_at=at,
                    endpoints=[
                        Endpoint(role="local", site=sites[0]),
                        Endpoint(role="remote", site=sites[1]),
                    ],
                )
            )
            job_state = ("SUCCEEDED", "FAILED", "RUNNING")[i % 3]
            session.add(Job(id=f"job-{i:02}", kind="create", state=job_state, created_at=at))
    with TestClient(create_app(app, resume_jobs=False)) as test_client:
        yield test_client
    app.close()


def walk(client: TestClient, path: str, key: str) -> list[dict[str, Any]]:
    """Follow the next links from ``path`` to the end."""
    found: list[dict[str, Any]] = []
    url: str | None = path
    while url is not None:
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found += body[key]
        links = body["links"]
        assert len(links) <= 1
        url = links[0]["href"] if links else None
        assert len(found) < 1000, "the next links never end"
    return found


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("sort_key", ["created_at", "name", "state", "id"])
def test_connection_pages_end_to_end_are_the_whole_sorted_list(
    client: TestClient, sort_key: str, direction: str
) -> None:
    paged = walk(
        client, f"/v1/connections?limit=5&sort_key={sort_key}&sort_dir={direction}", "connections"
    )
    whole = client.get("/v1/connections?limit=1000").json()["connections"]

    expected = sorted(whole, key=lambda c: (c[sort_key], c["id"]), reverse=direction == "desc")
    assert [c["id"] for c in paged] == [c["id"] for c in expected]
    assert len(paged) == 37


def test_a_next_link_keeps_the_filters_and_order_and_none_follows_the_last_page(
    client: TestClient,
) -> None:
    first = client.get("/v1/connections?state=ERROR&limit=3&sort_key=name").json()
    query = parse_qs(urlsplit(first["links"][0]["href"]).query)

    assert query["state"] == ["ERROR"] and query["sort_key"] == ["name"] and query["limit"] == ["3"]
    assert query["marker"] == [first["connections"][-1]["id"]]
    errors = walk(client, "/v1/connections?state=ERROR&limit=3&sort_key=name", "connections")
    assert len(errors) == 12 and {c["state"] for c in errors} == {"ERROR"}
    assert client.get("/v1/connections?limit=1000").json()["links"] == []


def test_sites_are_paginated_by_name_by_default(client: TestClient) -> None:
    first = client.get("/v1/sites?limit=10").json()
    sites = walk(client, "/v1/sites?limit=10", "sites")

    assert [s["name"] for s in first["sites"]] == [f"site-{i:02}" for i in range(10)]
    assert [s["name"] for s in sites] == [f"site-{i:02}" for i in range(23)]
    newest_first = walk(client, "/v1/sites?limit=4&sort_key=name&sort_dir=desc", "sites")
    assert [s["name"] for s in newest_first] == [f"site-{i:02}" for i in reversed(range(23))]


def test_jobs_page_in_any_allowed_order(client: TestClient) -> None:
    paged = walk(client, "/v1/jobs?limit=4&sort_key=state&sort_dir=desc", "jobs")

    assert [j["id"] for j in paged] == [
        j["id"] for j in sorted(paged, key=lambda j: (j["state"], j["id"]), reverse=True)
    ]
    assert len(paged) == 37


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/v1/connections?sort_key=plan", "sort_key 'plan' is not one of: created_at"),
        ("/v1/sites?sort_key=cloud", "sort_key 'cloud' is not one of: name"),
        ("/v1/jobs?sort_key=error", "sort_key 'error' is not one of"),
        ("/v1/subscriptions?sort_key=secret", "sort_key 'secret' is not one of: created_at, id"),
    ],
)
def test_an_unknown_sort_key_is_a_400_naming_the_allowed_ones(
    client: TestClient, path: str, detail: str
) -> None:
    answer = client.get(path)

    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert detail in answer.json()["detail"]


def test_a_bad_sort_direction_is_refused(client: TestClient) -> None:
    answer = client.get("/v1/connections?sort_dir=sideways")

    assert answer.status_code in (400, 422), answer.text
    assert "sort_dir" in answer.text
