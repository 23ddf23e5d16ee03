"""/v1/subscriptions without authentication: validation, round trip, the secret kept in.

Also where callbacks may point: a webhook or a connection's activation callback on an
internal address is refused with 422 before anything is stored.
"""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from georedflow.api.app import create_app
from georedflow.logs import SecretMasker
from georedflow.notifications.settings import NotificationSettings
from georedflow.storage import migrate
from georedflow.wiring import Settings, build

SECRET = "do-not-show-me-0123456789"


def serve(sqlite_url: str, tmp_path: Path, **settings: Any) -> Iterator[TestClient]:
    migrate.upgrade(sqlite_url)
    application = build(
        Settings(database_url=sqlite_url, secret_key_file=str(tmp_path / "secret.key"), **settings)
    )
    with TestClient(create_app(application, resume_jobs=False)) as client:
        yield client
    application.close()


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    yield from serve(sqlite_url, tmp_path)


@pytest.fixture
def loopback_allowed(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    allowed = NotificationSettings(allowed_networks=("127.0.0.0/8",))
    yield from serve(sqlite_url, tmp_path, notifications=allowed)


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


INTERNAL = [
    ("http://127.0.0.1:9797/v1/sites", "127.0.0.1 is a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("https://10.0.0.7/hook", "10.0.0.7 is a private address"),
    ("http://[::1]:9797/hook", "::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]/hook", "(that is 127.0.0.1) is a loopback address"),
    ("http://localhost:9797/v1/sites", "localhost resolves to"),
]


@pytest.mark.parametrize(("uri", "why"), INTERNAL)
def test_an_internal_callback_uri_is_refused(client: TestClient, uri: str, why: str) -> None:
    response = create(client, callback_uri=uri)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert detail.startswith("callback_uri: ")
    assert why in detail
    assert "[notifications] allowed_networks does not include it" in detail
    assert client.get("/v1/subscriptions").json()["subscriptions"] == []


def test_allowed_networks_let_an_internal_callback_uri_through(
    loopback_allowed: TestClient,
) -> None:
    created = create(loopback_allowed, callback_uri="http://127.0.0.1:8080/hook")
    assert created.status_code == 201, created.text

    refused = create(loopback_allowed, callback_uri="http://169.254.169.254/latest/meta-data/")
    assert refused.status_code == 422
    assert "169.254.169.254 is a link-local address" in refused.json()["detail"]


@pytest.mark.parametrize(("uri", "why"), INTERNAL)
def test_an_internal_activation_callback_is_refused(client: TestClient, uri: str, why: str) -> None:
    body = {
        "name": "c",
        "mode": "cold",
        "technology": "vxlan",
        "local": {"site": "east"},
        "remote": {"site": "west"},
        "options": {"activation_callback": uri},
    }

    response = client.post("/v1/connections", json=body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert detail.startswith("options.activation_callback: ")
    assert why in detail
    assert client.get("/v1/connections").json()["connections"] == []
