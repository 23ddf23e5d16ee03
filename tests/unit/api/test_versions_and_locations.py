"""API-SIG: version documents at / and /v1 (keystoneauth's discovery reads them), and a
Location on every 201 and 202."""

from typing import Any

from fastapi.testclient import TestClient
from keystoneauth1 import discover

from tests.unit.api.test_reads import application, client  # noqa: F401 (fixtures)


def test_the_root_and_v1_describe_version_1(client: TestClient) -> None:  # noqa: F811
    root = client.get("/")
    v1 = client.get("/v1")

    assert root.status_code == v1.status_code == 200
    (listed,) = root.json()["versions"]
    assert listed["id"] == "v1.0" and listed["status"] == "CURRENT"
    assert listed["links"] == [{"rel": "self", "href": "http://testserver/v1/"}]
    assert v1.json()["version"] == listed


def test_keystoneauth_discovery_finds_version_1(client: TestClient) -> None:  # noqa: F811
    class Session:  # keystoneauth's discovery asks a session for the document
        def get(self, url: str, **kwargs: Any) -> Any:
            return client.get(url)

    found = discover.get_version_data(Session(), "http://testserver/")

    assert [v["id"] for v in found] == ["v1.0"]
    assert discover.normalize_version_number(found[0]["id"]) == (1, 0)


def test_a_probe_says_where_its_job_is(client: TestClient) -> None:  # noqa: F811
    probing = client.post("/v1/sites/east/probe")

    assert probing.status_code == 202
    assert probing.headers["location"] == f"/v1/jobs/{probing.json()['id']}"
    assert client.get(probing.headers["location"]).status_code == 200


def test_a_connection_action_points_at_its_job_and_a_config_at_its_version(
    client: TestClient,  # noqa: F811
) -> None:
    stored = client.put(
        "/v1/connections/conn-1/config", content=b"x", headers={"content-type": "text/plain"}
    )
    verifying = client.post("/v1/connections/conn-2/verify")

    assert stored.status_code == 201
    assert stored.headers["location"] == "/v1/connections/conn-1/config?version=1"
    assert client.get(stored.headers["location"]).text == "x"
    assert verifying.status_code == 202
    assert verifying.headers["location"] == f"/v1/jobs/{verifying.json()['job']['id']}"
