"""/v1/subscriptions without authentication: validation, round trip, the secret kept in."""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from georedflow.api.app import create_app
from georedflow.logs import SecretMasker
from georedflow.storage import migrate
from georedflow.wiring import Settings, build

SECRET = "do-not-show-me-0123456789"


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    migrate.upgrade(sqlite_url)
    application = build(
        Settings(database_url=sqlite_url, secret_key_file=str(tmp_path / "secret.key"))
    )
    with TestClient(create_app(application, resume_jobs=False)) as client:
        yield client
    application.close()


def create(client: TestClient, **body: Any) -> Any:
    return client.post(
        "/v1/subscriptions", json={"callback_uri": "https://vnfm.example/hook", **body}
    )


def test_create_show_list_delete(client: TestClient) -> None:
    created = create(
        client,
        filter={"event_types": ["job.succeeded"], "connection_ids": ["c1"]},
        secret=SECRET,
    )

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["callback_uri"] == "https://vnfm.example/hook"
    assert body["filter"] == {"event_types": ["job.succeeded"], "connection_ids": ["c1"]}
    assert body["signed"] is True
    path = f"/v1/subscriptions/{body['id']}"
    assert client.get(path).json() == body
    assert [s["id"] for s in client.get("/v1/subscriptions").json()["subscriptions"]] == [
        body["id"]
    ]
    assert client.delete(path).status_code == 204
    assert client.get(path).status_code == 404
    assert client.delete(path).status_code == 404


def test_the_secret_is_never_returned(client: TestClient) -> None:
    created = create(client, secret=SECRET)

    shown = client.get(f"/v1/subscriptions/{created.json()['id']}")
    listed = client.get("/v1/subscriptions")

    for response in (created, shown, listed):
        assert SECRET not in response.text
        assert "secret" not in response.json()


def test_no_secret_means_unsigned(client: TestClient) -> None:
    assert create(client).json()["signed"] is False


def test_the_list_is_paginated(client: TestClient) -> None:
    ids = [create(client).json()["id"] for _ in range(3)]

    first = client.get("/v1/subscriptions", params={"limit": 2}).json()["subscriptions"]
    rest = client.get("/v1/subscriptions", params={"marker": first[-1]["id"]}).json()

    assert [s["id"] for s in first] + [s["id"] for s in rest["subscriptions"]] == ids
    assert client.get("/v1/subscriptions", params={"marker": "nope"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"callback_uri": "ftp://vnfm.example/hook"}, "callback_uri"),
        ({"callback_uri": "vnfm.example/hook"}, "callback_uri"),
        ({"callback_uri": "https:///no-host"}, "callback_uri"),
        ({"callback_uri": "https://user:pw@vnfm.example/hook"}, "callback_uri"),
        ({"callback_uri": "https://vnfm.example/a b"}, "callback_uri"),
        ({"callback_uri": "https://vnfm.example/" + "a" * 2048}, "callback_uri"),
        ({"filter": {"event_types": ["job.exploded"]}}, "filter.event_types"),
        ({"filter": {"event_types": []}}, "filter.event_types"),
        ({"filter": {"connection_ids": ["c"] * 101}}, "filter.connection_ids"),
        ({"filter": {"colour": "blue"}}, "filter.colour"),
        ({"secret": "short"}, "secret"),
        ({"secret": "x" * 256}, "secret"),
        ({"extra": 1}, "extra"),
    ],
)
def test_invalid_subscriptions_are_refused_with_a_problem(
    client: TestClient, body: dict[str, Any], where: str
) -> None:
    response = create(client, **body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert where in response.json()["detail"]
    assert client.get("/v1/subscriptions").json()["subscriptions"] == []


def test_an_invalid_secret_is_not_echoed(client: TestClient) -> None:
    response = create(client, secret="tooshort")

    assert response.status_code == 422
    assert "tooshort" not in response.text


def test_a_logged_request_body_masks_the_secret() -> None:
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "body %s",
        ({"callback_uri": "http://a", "secret": SECRET},),
        None,
    )

    SecretMasker().filter(record)

    assert SECRET not in record.getMessage()
